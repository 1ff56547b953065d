"""The Test images tab's preset buttons: seed 001's and seed 003's settings and the conv
networks of issue 17, as the Experiment fields each sets (`Session.request_experiment`)."""
from PySide6.QtWidgets import QMenu, QToolButton

from playground.core.experiment import Layer
from playground.core.model.presets import CNN_PRESETS

#: The two presets of the issue, as the Experiment fields they set (everything that matters,
#: so nothing of the previous experiment leaks in).
PRESETS = {
    "Keras MNIST MLP": dict(
        dataset="mnist", layers=(Layer(512, "relu", 0.2), Layer(512, "relu", 0.2)),
        output_activation="", loss="categorical", optimizer="rmsprop", learning_rate=0.001,
        momentum=0.0, batch_size=128, epochs=20, validation_split=0.0, train_size=0,
        test_size=0, normalize=True),
    "TensorFlow tutorial": dict(
        dataset="fashion-mnist", layers=(Layer(128, "relu"),), output_activation="",
        loss="sparse-categorical", optimizer="adam", learning_rate=0.001, momentum=0.0,
        batch_size=32, epochs=5, validation_split=0.0, train_size=0, test_size=0,
        normalize=True),
}
PRESET_TIPS = {
    "Keras MNIST MLP": "Seed 001: MNIST, 512 relu → dropout 0.2 → 512 relu → dropout 0.2 → "
                       "softmax; RMSprop (lr 0.001), categorical cross-entropy, batch 128, "
                       "20 epochs, all 60,000 images (~5 s an epoch).",
    "TensorFlow tutorial": "Seed 003: Fashion-MNIST, 128 relu → softmax; Adam (lr 0.001), "
                           "sparse categorical cross-entropy, batch 32, 5 epochs, all 60,000 "
                           "images.",
}
for _label, _changes, _tip in CNN_PRESETS.values():  # issue 17: convolutional networks
    PRESETS[_label], PRESET_TIPS[_label] = _changes, _tip


def presets_button(session) -> QToolButton:
    """"Presets ▾": a menu of the presets, each filling the form (`Session.request_experiment`).
    A menu, not a row of buttons: four buttons made the tab 850 px wide at least.
    `actions_by_label` maps each preset's label to its QAction."""
    button = QToolButton(text="Presets", objectName="gallery_presets")
    button.setToolTip("Fill the form with a known network for these images")
    button.setPopupMode(QToolButton.InstantPopup)
    menu = QMenu(button)
    menu.setToolTipsVisible(True)
    button.actions_by_label = {}
    for label, changes in PRESETS.items():
        action = menu.addAction(label)
        action.setToolTip(PRESET_TIPS[label] + " Fills the form; then click Train.")
        action.triggered.connect(lambda _=False, changes=changes:
                                 session.request_experiment(changes))
        button.actions_by_label[label] = action
    button.setMenu(menu)
    return button
