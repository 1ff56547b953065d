"""Import TensorFlow and Keras once, configured for this app.

Tiny networks run fastest on one intra-op and one inter-op thread (DESIGN.md: ~1,500 -> ~2,300
epochs/s on XOR); the setting must be made before TensorFlow runs its first op, so every core
module that needs TensorFlow imports it through `load()`.

TensorFlow's C++ start-up writes four lines to stderr ("All log messages before
absl::InitializeLog() ...", "oneDNN custom operations are on ...", twice) before it reads
TF_CPP_MIN_LOG_LEVEL, so no setting stops them. `load()` points file descriptor 2 at a
temporary file while TensorFlow and Keras import, then writes back every line but those:
a user reads the app's own messages, and any real error from the import still shows.
"""
from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import threading

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # no C++ info/warning lines on stderr
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

#: Start-up lines TensorFlow's C++ writes whatever TF_CPP_MIN_LOG_LEVEL says.
START_UP_NOISE = ("All log messages before absl::InitializeLog() is called",
                  "oneDNN custom operations are on")

_loaded = None
#: One import at a time: two threads swapping fd 2 could leave it on a closed file.
_loading = threading.Lock()


@contextlib.contextmanager
def _start_up_noise_dropped():
    """Capture what is written to fd 2 (C++ included) in the block; replay all but the noise."""
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError, AttributeError):  # no stderr (a GUI started without one)
        yield
        return
    with tempfile.TemporaryFile() as captured:
        os.dup2(captured.fileno(), 2)
        try:
            yield
        finally:
            with contextlib.suppress(OSError, ValueError, AttributeError):
                sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            captured.seek(0)
            kept = [line for line in captured.read().splitlines(keepends=True)
                    if not any(noise.encode() in line for noise in START_UP_NOISE)]
            if kept:
                with contextlib.suppress(OSError):
                    os.write(2, b"".join(kept))


def load():
    """Return (tf, keras), importing and configuring them on first call."""
    global _loaded
    if _loaded is not None:
        return _loaded
    with _loading:
        if _loaded is not None:
            return _loaded
        with _start_up_noise_dropped():
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
