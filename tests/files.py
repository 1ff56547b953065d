"""Small helpers for tests that check what is left on disk."""
from __future__ import annotations

from pathlib import Path


def leftovers(folder: Path) -> list[str]:
    """Every file under `folder` (what a failed or cancelled download must not leave)."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()) \
        if folder.exists() else []
