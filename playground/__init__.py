"""Neural Playground: see what a neural network does while it learns."""
import os

# NumPy's OpenBLAS splits even a 10,000×16 by 16×16 product (a boundary grid's hidden layer)
# over threads; waking them while the trainer holds the cores cost 10-20 ms a grid, one thread
# ~1 ms (benchmarks/bench_planar.py --speed). Read once when NumPy loads; a user's setting wins.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

__version__ = "0.1.0"
