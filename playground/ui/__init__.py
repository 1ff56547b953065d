"""The Qt window: a form that edits an Experiment, a worker thread that trains, views that draw."""
