"""Errors that name the setting they are about, so each can be shown beside its field."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    """A problem with one field; `field` is the dataclass field name (or `layers[i].units`)."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class ExperimentError(ValueError):
    """Raised with every field error at once, so callers can show each beside its field."""

    def __init__(self, errors: list[FieldError]):
        self.errors = list(errors)
        super().__init__("; ".join(str(e) for e in self.errors))
