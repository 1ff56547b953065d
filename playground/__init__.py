"""Neural Playground: see what a neural network does while it learns."""

__version__ = "0.1.0"
