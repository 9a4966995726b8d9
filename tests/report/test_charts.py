"""Charts are deterministic SVG: same data, same bytes."""

import pandas as pd

from pipelines.report import charts


def test_same_data_gives_the_same_svg_bytes():
    matrix = pd.DataFrame([[1, 0], [3, 2]], index=["A", "B"], columns=["IDN", "THA"])
    first = charts.heatmap(matrix, ["A", "B"], ["Indonesia", "Thailand"], "t")
    assert first == charts.heatmap(matrix, ["A", "B"], ["Indonesia", "Thailand"], "t")
    assert first.startswith("<svg") and "<text" not in first  # text drawn as paths: no host font needed
    bars = charts.horizontal_bars(["A", "B"], [10.0, 55.5], "share")
    assert bars == charts.horizontal_bars(["A", "B"], [10.0, 55.5], "share")
    assert bars != charts.horizontal_bars(["A", "B"], [10.0, 55.6], "share")
