"""The Dagster definitions load, and the graph has the shape the UI shows."""

from __future__ import annotations

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
