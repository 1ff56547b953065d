"""The Qt-free core: experiments, data, models, training and inspection.

Nothing in this package imports Qt or pyqtgraph (tests/core/test_core_is_qt_free.py checks), so
scripts, the command line and the tests drive it alone. Modules that need TensorFlow import it
themselves; `experiment` and `datasets` do not, so the window can start before TensorFlow loads.
"""
