"""The sections built from the data (``report_sections``) do not depend on the narrative texts.

A change of a narrative text reruns ``report_document`` alone (pipelines/operations/stages.py): the
sections it loads from the last build must be the ones a full build would make now. Checked for every
narrative text of afml-13 at once (rewritten or removed), against a box, which does change them."""

from __future__ import annotations

import pickle

from pipelines.operations.stages import stage_of
from pipelines.report.assets import SECTIONS_INPUTS, sections_of
from pipelines.settings import ProjectPaths
from pipelines.shared.content_cache import cache_folder

EDITION = "afml-13"


def _sections(afml13_build, sources, inputs) -> bytes:
    paths = ProjectPaths(sources_dir=str(sources), outputs_dir=str(afml13_build.outputs))
    with cache_folder(paths.cache_dir):  # the charts the build drew
        built = sections_of(paths, EDITION, **inputs)
    return pickle.dumps((built.front, built.body, built.numbering, built.build_date))


def test_no_narrative_text_changes_the_sections_a_box_does(afml13_build, sources_copy):
    stored = afml13_build.instance.storage_directory()
    inputs = {}
    for name in SECTIONS_INPUTS:
        with open(f"{stored}/{name}/{EDITION}", "rb") as value:
            inputs[name] = pickle.load(value)
    paths = ProjectPaths(sources_dir=str(sources_copy))
    narrative = sources_copy / "editions" / EDITION / "narrative"
    texts = sorted(path for path in narrative.iterdir() if stage_of(path, paths, EDITION) == "narrative")
    assert len(texts) >= 15  # the chapters' and the clusters' narratives
    before = _sections(afml13_build, sources_copy, inputs)

    texts[0].unlink()  # a narrative removed: its slot takes the default text, when it is written in
    for text in texts[1:]:
        text.write_text("A different text, with a [link](https://example.org) and *emphasis*.\n", encoding="utf-8")
    assert _sections(afml13_build, sources_copy, inputs) == before

    box = sorted((narrative / "boxes").glob("*.md"))[0]
    box.write_text(box.read_text(encoding="utf-8") + "\nOne more sentence in the box.\n", encoding="utf-8")
    assert _sections(afml13_build, sources_copy, inputs) != before
