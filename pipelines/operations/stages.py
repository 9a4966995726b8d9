"""Which part of a build a changed source file feeds: one classification for the live preview
(``make preview`` recomputes from that stage on) and for incremental builds (``make report`` reruns
the assets of that stage and everything downstream of them).

- a narrative text (``narrative/<name>.md``) → ``narrative``: the report only, from the narratives
  on (the sections built from the data, ``report_sections``, are reused)
- the rest of ``narrative/`` (boxes, ``abbreviations.yaml``), the edition's own YAML files
  (``outline.yaml``, ``references.yaml``), ``templates/`` → ``document``: the report only
- the survey folder the edition reads → ``survey``: intake, initiatives, indicators, then the report
- the edition's ``tables/`` → ``tables``: source tables, then the report
- anything else (catalog, frameworks, ``editions.yaml``, another edition, a file we cannot place)
  → ``catalog``: everything
"""

from __future__ import annotations

from pathlib import Path

from pipelines.settings import ProjectPaths

# Stages in the order they are computed; a stage brings along every stage listed with it.
EVERYTHING = ("catalog", "tables", "survey", "document", "narrative")
BRINGS = {
    "catalog": set(EVERYTHING),
    "tables": {"tables", "document", "narrative"},
    "survey": {"survey", "document", "narrative"},
    "document": {"document", "narrative"},
    "narrative": {"narrative"},
}

# The first assets of a build a stage's files feed (each reads that stage's folder); a build reruns
# them and everything downstream. ``catalog`` has none: it means the whole build.
ROOT_ASSETS = {
    "tables": ("source_tables", "printed_vs_computed"),
    "survey": ("survey_intake",),
    "document": ("report_sections",),
    "narrative": ("report_document",),  # the only asset that reads the narrative texts (assemble._render_slot)
}

# Assets fed by every input file, whatever changed: the build's provenance (manifest.json lists the
# SHA-256 of every input), so every partial build reruns them.
FED_BY_EVERY_INPUT = ("build_provenance",)

# The stages that feed the report alone ("rebuilding the report only").
REPORT_STAGES = frozenset({"document", "narrative"})

# A stage in the user's words ("rebuilding from the survey on").
STAGE_NAMES = {"tables": "the source tables", "survey": "the survey", "document": "the report"}


def stage_of(path: Path, paths: ProjectPaths, edition_id: str) -> str:
    """The first stage a changed file feeds (see the module docstring)."""
    edition_dir = paths.edition_sources(edition_id)
    if path.is_relative_to(paths.templates):
        return "document"
    try:
        survey_dir = paths.survey_dir(edition_id)
    except Exception:  # noqa: BLE001 -- editions.yaml being edited: rebuild everything, which reports the problem
        return "catalog"
    if path.is_relative_to(survey_dir):
        return "survey"
    if path.parent == edition_dir / "narrative" and path.suffix == ".md":
        return "narrative"
    if path.is_relative_to(edition_dir / "narrative") or path.parent == edition_dir and path.suffix in (".yaml", ".yml"):
        return "document"
    if path.is_relative_to(edition_dir / "tables"):
        return "tables"
    return "catalog"

