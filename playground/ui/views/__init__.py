"""The views, in the order the window shows them. Each is a QWidget built as `View(session)`
with a `title` and an `area` ("top": beside the curves; "bottom": a tab under them). Adding a
view is one module plus one line here."""
from playground.ui.views.training_curves import TrainingCurves

VIEWS = [
    TrainingCurves,
]
