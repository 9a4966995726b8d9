"""Charts drawn by a process of their own during a build (pipelines/report/chart_drawing.py): the same
SVG bytes as drawn in the build's process, one process for all the charts of a block and none once the
block ends, matplotlib never loaded by the build's process, and a chart that fails named."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import textwrap

import pandas as pd
import pytest

from pipelines.report import chart_drawing, charts
from tests.conftest import ROOT

FRAME = pd.DataFrame([[1, 0, 4], [3, 2, 0]], index=["A", "B"], columns=["IDN", "THA", "VNM"])
# Each chart of the paper's kinds, with Thai and Khmer labels (the fallback faces) as the paper has.
CHARTS = (
    ("heatmap", (FRAME, ["A", "B"], ["Indonesia", "Thailand", "Viet Nam"], "Initiatives by cluster"), {}),
    ("horizontal_bars", (["Cambodia ព្រះរាជាណាចក្រ", "Thailand ประเทศไทย"], [10.0, 55.5], "Share"), {"unit": "per cent", "limit": 100}),
    ("stacked_bars", (FRAME.T, ["IDN", "THA", "VNM"], ["A", "B"], "By reporter"), {}),
)


def _digests(svgs) -> list[str]:
    return [hashlib.sha256(svg.encode("utf-8")).hexdigest() for svg in svgs]


def test_charts_drawn_apart_are_the_bytes_drawn_here_and_the_build_never_loads_matplotlib(monkeypatch):
    monkeypatch.setattr(charts, "_DRAWN", {})
    here = [getattr(charts, name).__wrapped__(*args, **kwargs) for name, args, kwargs in CHARTS]
    # In a fresh interpreter standing for the build's process: the charts drawn inside the block.
    script = textwrap.dedent(
        """
        import hashlib, json, sys
        import pandas as pd
        from pipelines.report import chart_drawing, charts
        from tests.report.test_chart_drawing import CHARTS

        started = []
        original = chart_drawing.subprocess.Popen
        chart_drawing.subprocess.Popen = lambda *a, **k: started.append(a) or original(*a, **k)
        with chart_drawing.drawn_apart():
            svgs = [getattr(charts, name)(*args, **kwargs) for name, args, kwargs in CHARTS]
            again = getattr(charts, CHARTS[0][0])(*CHARTS[0][1])  # drawn already: no process asked
            drawer = chart_drawing._ACTIVE[-1]._process
        print(json.dumps({
            "digests": [hashlib.sha256(svg.encode("utf-8")).hexdigest() for svg in svgs],
            "again": again == svgs[0],
            "processes": len(started),
            "ended": drawer.returncode == 0,
            "matplotlib": "matplotlib" in sys.modules,
        }))
        """
    )
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    seen = json.loads(out)
    assert seen["digests"] == _digests(here)
    assert seen["again"] and seen["processes"] == 1 and seen["ended"]
    assert seen["matplotlib"] is False


def test_a_chart_that_cannot_be_drawn_is_named_with_its_error(monkeypatch):
    monkeypatch.setattr(charts, "_DRAWN", {})
    with pytest.raises(chart_drawing.ChartDrawingFailed, match=r"(?s)a chart \(horizontal_bars\) could not be drawn.*Traceback"), chart_drawing.drawn_apart():
        charts.horizontal_bars(["A"], ["many"], "A value that is not a number")


def test_outside_a_block_charts_are_drawn_here(monkeypatch):
    monkeypatch.setattr(charts, "_DRAWN", {})
    monkeypatch.setattr(chart_drawing.subprocess, "Popen", lambda *args, **kwargs: pytest.fail("a drawing process was started"))
    assert charts.horizontal_bars(["A"], [3.0], "Here").startswith("<svg")
