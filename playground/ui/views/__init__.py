"""The views, by key, in the order the window shows them. Each is a QWidget built as
`View(session)` with a `title` and an `area` ("top": beside the curves; "bottom": a tab under
them). Examples and menus name a view by its key (`window.views["outputs"]`). Adding a view is
one module plus one line here."""
from playground.ui.views.backward_pass import BackwardPassView
from playground.ui.views.boundary import DecisionBoundaryView
from playground.ui.views.data_panel import DataPanel
from playground.ui.views.draw import DrawView
from playground.ui.views.filters import FiltersView
from playground.ui.views.forward_pass import ForwardPassView
from playground.ui.views.gallery import ImagesView
from playground.ui.views.hidden_map import HiddenMapView
from playground.ui.views.mistakes import MistakesView
from playground.ui.views.neuron_grid import NeuronGridView
from playground.ui.views.outputs import OutputsView
from playground.ui.views.runs import RunsView
from playground.ui.views.training_curves import TrainingCurves
from playground.ui.views.weights import WeightsView

VIEWS = {
    "curves": TrainingCurves,
    "boundary": DecisionBoundaryView,
    "outputs": OutputsView,
    "weights": WeightsView,
    "neurons": NeuronGridView,
    "forward": ForwardPassView,
    "backward": BackwardPassView,
    "data": DataPanel,
    "images": ImagesView,
    "draw": DrawView,
    "filters": FiltersView,
    "map": HiddenMapView,
    "mistakes": MistakesView,
    "runs": RunsView,
}
