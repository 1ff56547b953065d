"""Import TensorFlow and Keras once, configured for this app.

Tiny networks run fastest on one intra-op and one inter-op thread (DESIGN.md: ~1,500 -> ~2,300
epochs/s on XOR); the setting must be made before TensorFlow runs its first op, so every core
module that needs TensorFlow imports it through `load()`.
"""
from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # no C++ info/warning lines on stderr
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

_loaded = None


def load():
    """Return (tf, keras), importing and configuring them on first call."""
    global _loaded
    if _loaded is None:
        import tensorflow as tf
        import keras

        try:
            threads = int(os.environ.get("PLAYGROUND_TF_THREADS", "1"))
            tf.config.threading.set_intra_op_parallelism_threads(threads)
            tf.config.threading.set_inter_op_parallelism_threads(threads)
        except RuntimeError:
            pass  # TensorFlow already ran an op (a script imported it first): keep its setting
        # Every new model brings a new compiled function; TensorFlow's "retracing" warning
        # about that is noise here.
        tf.get_logger().setLevel("ERROR")
        _loaded = (tf, keras)
    return _loaded
