"""The command line: `python -m playground train|export-code|install-desktop-entry`."""
from playground.cli.commands import main

__all__ = ["main"]
