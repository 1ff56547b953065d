"""A colour for each kept run: distinct, visible on the light and the dark plots alike, and its
swatch for the Runs table drawn sharp at any screen scale."""
from __future__ import annotations

from PySide6.QtGui import QColor, QIcon, QPixmap

from playground.core.training.runs import RunRecord

#: One colour per run (the live curves use blue and orange, so these avoid them; no black:
#: it vanished on the dark theme's plots).
PALETTE = ("#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
           "#17becf", "#6b6ecf", "#ff9896")


def colour_of(record: RunRecord) -> str:
    """The palette's colours first, then hues a golden angle apart: no two of the first
    hundreds of runs share a colour (the palette repeated after ten)."""
    index = record.uid - 1
    if index < len(PALETTE):
        return PALETTE[index]
    step = index - len(PALETTE)
    hue = (0.13 + step * 0.618033988749895) % 1.0
    colour = QColor.fromHsvF(hue, 0.55 + 0.4 * (step % 2), 0.85 - 0.25 * (step // 2 % 2))
    # Visible on the light and the dark plots alike: no yellow too pale, no blue too deep.
    hue, saturation, lightness = colour.hslHueF(), colour.hslSaturationF(), colour.lightnessF()
    while not 0.1 <= _luminance(colour) <= 0.4:
        lightness += 0.02 if _luminance(colour) < 0.1 else -0.02
        colour = QColor.fromHslF(hue, saturation, lightness)
    return colour.name()


def _luminance(colour: QColor) -> float:
    """WCAG's relative luminance (0 black, 1 white)."""
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4
    return (0.2126 * channel(colour.redF()) + 0.7152 * channel(colour.greenF())
            + 0.0722 * channel(colour.blueF()))


def swatch(colour: str, dpr: float = 1.0) -> QIcon:
    """A 12 × 12 (logical pixels) square of a run's colour, drawn in device pixels at `dpr`
    (the screen's ratio: a 12-pixel swatch blown up at 200 % was soft)."""
    side = max(1, round(12 * dpr))
    pixmap = QPixmap(side, side)
    pixmap.setDevicePixelRatio(side / 12)
    pixmap.fill(QColor(colour))
    return QIcon(pixmap)
