"""`python -m playground`: the window, or `python -m playground train …` headless."""
import sys

from playground.cli import main

if __name__ == "__main__":
    sys.exit(main())
