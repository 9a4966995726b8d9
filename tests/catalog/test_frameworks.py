"""Frameworks are read from data: roles mapped to the catalog model, vocabulary, clear errors."""

from __future__ import annotations

import shutil

import pytest

from pipelines.frameworks import catalog_tables, load_framework
from pipelines.sourcefiles import SourceError
from tests.conftest import ROOT, SOURCES


def test_afml_reads_the_catalog_files_with_its_own_words():
    framework = load_framework(SOURCES, "afml")
    tables = catalog_tables(framework, ROOT)
    assert len(tables["commitments"]) == 162 and len(tables["memberships"]) == 177 and len(tables["groups"]) == 10
    words = framework.vocabulary
    assert (words.commitments, words.Group, words.subgroup) == ("recommendations", "Cluster", "sub-cluster")
    assert framework.instrument_label(tables["instruments"].iloc[4].to_dict()) == "5th AFML"


def test_the_declaration_has_one_subsection_per_paragraph_in_its_themes():
    framework = load_framework(SOURCES, "asean-crisis-2023")
    tables = catalog_tables(framework, ROOT)
    assert not framework.vocabulary.has_subgroups
    assert list(tables["groups"]["title"])[:2] == ["Preparedness and policy", "Information and services"]
    assert len(tables["commitments"]) == 10 and set(tables["subgroups"]["subcluster_id"]) == set(tables["commitments"]["recommendation_id"])
    assert tables["instruments"].iloc[0][["year", "month", "city", "country_code"]].tolist() == ["2023", "5", "Labuan Bajo", "IDN"]


def test_a_missing_role_and_an_unknown_framework_are_reported_with_the_file(tmp_path):
    sources = tmp_path / "sources"
    shutil.copytree(SOURCES / "frameworks", sources / "frameworks")
    path = sources / "frameworks" / "asean-crisis-2023" / "framework.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("columns: {id: commitment_id, number: number, text: text, kind: kind}", "columns: {id: commitment_id, number: number, kind: kind}"), encoding="utf-8")
    with pytest.raises(SourceError) as caught:
        load_framework(sources, "asean-crisis-2023")
    assert "sources/frameworks/asean-crisis-2023/framework.yaml" in str(caught.value) and "lacks the role(s) text" in str(caught.value)
    with pytest.raises(SourceError) as caught:
        load_framework(sources, "no-such-framework")
    assert "no such framework (known: afml, asean-crisis-2023)" in str(caught.value)
