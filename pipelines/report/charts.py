"""Charts as deterministic SVG (same data, same bytes), drawn with matplotlib in the report's typeface.

Text is drawn as paths, so the SVG looks the same in every browser and in the PDF; each chart comes
with its alt text and its data as a table (see :mod:`pipelines.report.parts.figures`).
"""

from __future__ import annotations

import functools
import hashlib
import io
import pickle
import re

import pandas as pd

from pipelines.report.chart_drawing import drawn
from pipelines.report.fonts import FONT_PACKAGES
from pipelines.shared.content_cache import cached, code_identity

ACCENT = "#1e4f8a"
MUTED = "#5b6673"
PALETTE = ["#1e4f8a", "#b8860b", "#2e8b57", "#8b3a62", "#5f7fa8", "#c9d1db"]


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager
    from matplotlib import pyplot as plt

    from pipelines.report.fonts import SANS_STACK, chart_font_files

    for path in chart_font_files():
        font_manager.fontManager.addfont(str(path))
    plt.rcParams.update(
        {
            # The report's sans-serif stack: a character Source Sans Pro lacks is drawn from the
            # next family that has it (Latin diacritics, Thai, Lao, Khmer, Myanmar).
            "font.family": SANS_STACK,
            "font.size": 9,
            "svg.fonttype": "path",
            "svg.hashsalt": "afml-progress-review",
            "axes.edgecolor": MUTED,
            "axes.labelcolor": "#1d2733",
            "xtick.color": "#1d2733",
            "ytick.color": "#1d2733",
            "axes.spines.top": False,
            "axes.spines.right": False,
        }
    )
    return plt


_DRAWN: dict[str, str] = {}
_DRAWN_LIMIT = 256
# What a chart's drawing depends on besides its arguments: this module, the faces and their packages.
_DRAWING_CODE = (("pipelines.report.charts", "pipelines.report.fonts"), ("matplotlib", "numpy", "fonttools", *FONT_PACKAGES))


def _memoized(draw):
    """Same data, same SVG: a chart already drawn with the same arguments by the same code is not drawn
    again, neither in this process (the live preview reassembles the document on every edit of a
    narrative) nor, inside a build's content cache (:mod:`pipelines.shared.content_cache`), in a
    later build whose data for this chart did not change. A chart that is drawn is drawn by
    :func:`pipelines.report.chart_drawing.drawn`: in a build, by a process of its own."""

    @functools.wraps(draw)
    def wrapper(*args, **kwargs):
        arguments = pickle.dumps((draw.__name__, args, sorted(kwargs.items())), protocol=4)
        key = hashlib.sha256(arguments).hexdigest()
        if key not in _DRAWN:
            if len(_DRAWN) >= _DRAWN_LIMIT:
                _DRAWN.clear()
            svg = cached("charts", code_identity(*_DRAWING_CODE) + arguments, lambda: drawn(draw, args, kwargs).encode("utf-8"))
            _DRAWN[key] = svg.decode("utf-8")
        return _DRAWN[key]

    return wrapper


def _svg(fig) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None, "Creator": None})
    import matplotlib.pyplot as plt

    plt.close(fig)
    text = buffer.getvalue()
    text = text[text.index("<svg"):]  # drop the XML prolog and doctype: the SVG is inlined in HTML
    return re.sub(r"\s+</svg>\s*$", "</svg>", text.strip())


@_memoized
def heatmap(matrix: pd.DataFrame, row_labels: list[str], column_labels: list[str], title: str) -> str:
    """Counts per row × column, shaded, with the count written in each cell."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7.2, 0.32 * len(row_labels) + 1.2))
    values = matrix.to_numpy()
    ax.imshow(values, cmap="Blues", aspect="auto", vmin=0, vmax=max(1, values.max()))
    ax.set_xticks(range(len(column_labels)), column_labels, rotation=35, ha="right", rotation_mode="anchor")
    ax.set_yticks(range(len(row_labels)), row_labels)
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    high = values.max() * 0.6 if values.size else 0
    for (i, j), value in _cells(values):
        ax.text(j, i, str(value) if value else "·", ha="center", va="center", color="white" if value > high else "#1d2733", fontsize=8)
    ax.set_title(title, loc="left", fontsize=10, color=ACCENT)
    return _svg(fig)


def _cells(values):
    for i in range(values.shape[0]):
        for j in range(values.shape[1]):
            yield (i, j), int(values[i, j])


@_memoized
def horizontal_bars(labels: list[str], values: list[float], title: str, unit: str = "", limit: float | None = None, annotate_format: str = "{:.1f}") -> str:
    """One bar per label, its value written at the end of the bar."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7.2, 0.24 * len(labels) + 0.9))
    positions = list(range(len(labels)))[::-1]
    ax.barh(positions, values, color=ACCENT, height=0.6)
    ax.set_yticks(positions, labels)
    top = limit if limit is not None else max(values + [1]) * 1.15
    ax.set_xlim(0, top)
    for position, value in zip(positions, values):
        ax.text(value + top * 0.01, position, annotate_format.format(value), va="center", fontsize=8, color="#1d2733")
    if unit:
        ax.set_xlabel(unit)
    if annotate_format == "{:.0f}":  # counts: whole-number ticks only
        from matplotlib.ticker import MaxNLocator

        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.tick_params(axis="y", length=0)
    ax.set_title(title, loc="left", fontsize=10, color=ACCENT)
    return _svg(fig)


@_memoized
def stacked_bars(frame: pd.DataFrame, labels: list[str], series_labels: list[str], title: str) -> str:
    """One horizontal bar per row of ``frame``, stacked by its columns, with a legend."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7.2, 0.3 * len(labels) + 1.4))
    positions = list(range(len(labels)))[::-1]
    left = [0.0] * len(labels)
    for index, column in enumerate(frame.columns):
        values = list(frame[column].astype(float))
        ax.barh(positions, values, left=left, color=PALETTE[index % len(PALETTE)], height=0.6, label=series_labels[index])
        left = [a + b for a, b in zip(left, values)]
    ax.set_yticks(positions, labels)
    ax.tick_params(axis="y", length=0)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.08), ncol=3, frameon=False, fontsize=8)
    ax.set_title(title, loc="left", fontsize=10, color=ACCENT)
    return _svg(fig)
