"""The Dagster definitions load, and the graph has the shape the UI shows."""

from __future__ import annotations

import re
import subprocess
import sys

from tests.conftest import ROOT


def test_definitions_load_with_every_stage():
    from pipelines.definitions import defs

    repo = defs().get_repository_def()
    keys = {k.to_user_string() for k in repo.asset_graph.get_all_asset_keys()}
    for expected in ["recommendations", "cluster_memberships", "source_tables", "survey_intake", "initiatives", "cluster_indicators", "report_html", "report_pdf", "published_report"]:
        assert expected in keys
    groups = {repo.asset_graph.get(k).group_name for k in repo.asset_graph.get_all_asset_keys()}
    assert groups == {"catalog", "tables", "survey", "indicators", "report", "publishing"}


def test_every_asset_has_a_description():
    from pipelines.definitions import defs

    graph = defs().get_repository_def().asset_graph
    missing = [k.to_user_string() for k in graph.get_all_asset_keys() if not graph.get(k).description]
    assert missing == []


def test_importing_the_definitions_does_not_import_heavy_libraries():
    code = "import sys, pipelines.definitions; print(','.join(m for m in ('weasyprint','matplotlib','openpyxl') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == ""


def test_dagster_validates_the_workspace():
    out = subprocess.run([sys.executable, "-m", "dagster", "definitions", "validate", "-w", "workspace.yaml"], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stdout + out.stderr


def test_descriptions_render_as_written_in_the_ui():
    """The UI renders descriptions as Markdown: an ``<edition>`` would vanish as an HTML tag, and
    reStructuredText backticks show literally in its plain-text views; write {edition} and plain words."""
    from pipelines.definitions import defs

    definitions = defs()
    repo = definitions.get_repository_def()
    graph = repo.asset_graph
    texts = {k.to_user_string(): graph.get(k).description or "" for k in graph.get_all_asset_keys()}
    from pipelines.definitions import ALL_CHECKS

    texts |= {f"check {spec.name}": spec.description or "" for checks in ALL_CHECKS for spec in checks.check_specs}
    texts |= {f"sensor {s.name}": s.description or "" for s in repo.sensor_defs}
    texts |= {f"schedule {s.name}": s.description or "" for s in repo.schedule_defs}
    texts |= {f"job {j.name}": j.description or "" for j in repo.get_all_jobs()}
    offending = {name: text for name, text in texts.items() if re.search(r"[<>`]", text)}
    assert offending == {}
    assert texts["survey_intake"].startswith("Every file of the edition's survey folder read")


def test_the_definitions_load_without_deprecation_warnings():
    """`make ui` (webserver and daemon) loads these definitions; a deprecated or superseded API shows here."""
    code = "import warnings; warnings.simplefilter('always'); import pipelines.definitions as d; r = d.defs().get_repository_def(); r.get_all_jobs(); r.sensor_defs; r.schedule_defs"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0 and "Warning" not in out.stderr, out.stderr
