"""Report assets: the assembled document, its HTML edition and its PDF."""


import datetime as dt
import functools
import hashlib
import inspect

import dagster as dg
import pandas as pd

from pipelines.partitions import edition_partitions
from pipelines.report.assemble import AssemblyContext, PaperSections, sections_built, written_in
from pipelines.report.chart_drawing import drawn_apart
from pipelines.report.facts import catalog_facts, edition_facts, evidence_facts, framework_facts, table_facts
from pipelines.report.model import Catalog, Document, ReportData
from pipelines.report.parts.evidence import survey_facts
from pipelines.report.parts.references import REFERENCES_FILE, fill_references, load_references
from pipelines.metadata import markdown_table
from pipelines.report.parts.evidence import unprintable_values
from pipelines.report.html_edition import data_links
from pipelines.report.render import render_html
from pipelines.report.renderer import PdfRenderer
from pipelines.report.volume import plan_volume
from pipelines.settings import AFTER_THE_OTHER_STEPS, IN_PROGRESS_SUFFIX, REUSED_FROM_TAG, WHILE_THE_PDF_RENDERS, ProjectPaths, build_folder_writer
from pipelines.shared.content_cache import cache_folder

GROUP = "report"


def build_date_for(edition, respondents: pd.DataFrame | None = None) -> dt.datetime:
    """The date printed on the report and written into the PDF: taken from the data, not the clock —
    the edition's publication date, or the latest survey submission if that is later. A submission
    time later than now never counts (intake already rejects it; this is the last guard)."""
    date = dt.datetime.combine(edition.publication_date, dt.time(0, 0), tzinfo=dt.timezone.utc)
    if respondents is not None and not respondents.empty:
        now = dt.datetime.now(dt.timezone.utc)
        times = [dt.datetime.strptime(t, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.timezone.utc) for t in respondents["submission_time"] if t]
        date = max([date, *(t for t in times if t <= now)])
    return date


def provenance_of(paths: ProjectPaths, edition_id: str, respondents: pd.DataFrame) -> dict:
    """The provenance record of a build of the edition (what manifest.json holds)."""
    from pipelines.report.provenance import collect

    edition = paths.edition(edition_id)
    return collect(paths.sources, paths.templates, edition.id, build_date_for(edition, respondents).strftime("%Y-%m-%dT%H:%M:%SZ")).as_record()


@build_folder_writer(group_name=GROUP, partitions_def=edition_partitions, kinds={"json"})
def build_provenance(context: dg.AssetExecutionContext, paths: ProjectPaths, respondents: pd.DataFrame) -> dg.Output[dict]:
    """What this build was made from: edition, build date (from the data), git commit, key package
    versions and the SHA-256 of every input file. Written to manifest.json and printed in the colophon."""
    from pipelines.tables.export import write_json

    record = provenance_of(paths, context.partition_key, respondents)
    write_json(record, paths.build_dir(context) / "manifest.json")
    return dg.Output(record, metadata={"inputs": len(record["inputs"]), "fingerprint": record["fingerprint"], "commit": record["commit"]})


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sections_of(
    paths: ProjectPaths,
    edition_id: str,
    forums: pd.DataFrame,
    forum_subthemes: pd.DataFrame,
    clusters: pd.DataFrame,
    subclusters: pd.DataFrame,
    recommendations: pd.DataFrame,
    cluster_memberships: pd.DataFrame,
    source_tables: dict,
    printed_vs_computed: pd.DataFrame,
    survey_intake,
    respondents: pd.DataFrame,
    initiatives: pd.DataFrame,
    cluster_indicators: pd.DataFrame,
    subcluster_indicators: pd.DataFrame,
    coverage: dict,
    indicator_changes: dict,
) -> PaperSections:
    """The paper of an edition before its narratives are written in, from the outputs of the stages
    before it: parts in reading order, tables, figures and boxes placed and numbered, charts drawn.
    What :func:`document_from` makes the whole paper of."""
    from pipelines.indicators.definitions import labelled
    from pipelines.report.blocks import BLOCKS
    from pipelines.report.outline import DEFAULT_OUTLINE, OUTLINE_FILE, load_outline
    from pipelines.report.parts.boxes import placed_boxes
    from pipelines.report.parts.source_tables import place_tables
    from pipelines.report.slots import Slots

    edition = paths.edition(edition_id)
    framework = paths.framework(edition_id)
    edition_dir = paths.edition_sources(edition.id)
    if (edition_dir / OUTLINE_FILE).exists():
        outline = load_outline(edition_dir / OUTLINE_FILE, f"sources/editions/{edition.id}/{OUTLINE_FILE}", set(BLOCKS))
    else:
        outline = load_outline(paths.templates / DEFAULT_OUTLINE, f"templates/{DEFAULT_OUTLINE}", set(BLOCKS))
    catalog = Catalog(forums, forum_subthemes, clusters, subclusters, recommendations, cluster_memberships).for_edition(edition)
    slots = Slots.for_paper(outline.slots, list(catalog.clusters["cluster"]), list(catalog.subclusters["subcluster_id"]))
    place_tables(source_tables, slots, printed_vs_computed)
    for placed, box in placed_boxes(edition_dir / "narrative", edition.id):
        slots.put(placed.placement, box, placed.file, placed.line)
    ctx = AssemblyContext(
        edition=edition,
        framework=framework,
        catalog=catalog,
        narrative_dir=edition_dir / "narrative",
        templates_dir=paths.templates,
        facts={
            "catalog": catalog_facts(catalog, edition),
            "edition": edition_facts(edition),
            "framework": framework_facts(framework),
            "words": framework.vocabulary.as_dict(),
            "survey": survey_facts(respondents, initiatives),
            "tables": table_facts(source_tables),
            "evidence": evidence_facts(edition, initiatives, len(survey_intake.initiatives)),
        },
        data=ReportData(respondents, initiatives, cluster_indicators, subcluster_indicators, coverage, indicator_changes, source_tables, printed_vs_computed, {}, labelled(framework.vocabulary)),  # the provenance: see document_from
        slots=slots,
    )
    return sections_built(ctx, outline, build_date_for(edition, respondents))


def document_from(paths: ProjectPaths, sections: PaperSections, build_provenance: dict) -> Document:
    """The whole paper: ``sections`` (changed in place) with every narrative rendered with its live
    figures, the colophon printing this build's provenance, and the sources cited. The narratives are
    read from the edition's folder as it is now (``sections`` may be a stored value)."""
    ctx = sections.ctx
    edition_dir = paths.edition_sources(ctx.edition.id)
    ctx.narrative_dir, ctx.templates_dir = edition_dir / "narrative", paths.templates
    ctx.data.provenance = build_provenance
    references = load_references(edition_dir / REFERENCES_FILE, f"sources/editions/{ctx.edition.id}/{REFERENCES_FILE}")
    return written_in(sections, finishers=[functools.partial(fill_references, references=references)])


# What the sections are built from: the outputs of the stages before them, one input per parameter of
# sections_of after the folders and the edition (written once, there).
SECTIONS_INPUTS = tuple(inspect.signature(sections_of).parameters)[2:]


@dg.asset(group_name=GROUP, partitions_def=edition_partitions, kinds={"python"}, ins={name: dg.AssetIn(name) for name in SECTIONS_INPUTS})
def report_sections(context: dg.AssetExecutionContext, paths: ProjectPaths, **inputs) -> dg.Output[PaperSections]:
    """The paper before its narratives are written in: parts in reading order, tables, figures and
    boxes placed and numbered, charts drawn. A change of a narrative text does not rerun it (see
    report_document)."""
    volume = plan_volume(inputs["initiatives"], inputs["respondents"])
    for message in volume.messages():  # said before anything is laid out (see report_within_volume_limits)
        context.log.warning(message)
    # Charts whose data did not change are not drawn again; the others are drawn by a process of
    # their own, which takes matplotlib's memory with it when it ends (report/chart_drawing.py).
    with cache_folder(paths.cache_dir), drawn_apart():
        sections = sections_of(paths, context.partition_key, **inputs)
    numbering = sections.numbering
    return dg.Output(
        sections,
        metadata={"tables": len(numbering.tables), "figures": len(numbering.figures), "boxes": len(numbering.boxes), "volume_limits_reached": len(volume.messages())},
    )


@dg.asset(group_name=GROUP, partitions_def=edition_partitions, kinds={"python"})
def report_document(context: dg.AssetExecutionContext, paths: ProjectPaths, report_sections: PaperSections, build_provenance: dict) -> dg.Output[Document]:
    """The whole paper as a document tree: report_sections with every narrative rendered with its
    live figures, this build's provenance in the colophon and the sources cited."""
    document = document_from(paths, report_sections, build_provenance)
    sections = sum(1 for top in document.sections for _ in top.walk())
    return dg.Output(
        document,
        metadata={
            "sections": sections,
            "tables": len(document.float_lists[0][1]),
            "figures": len(document.float_lists[1][1]),
            "boxes": len(document.float_lists[2][1]),
        },
    )


@build_folder_writer(group_name=GROUP, partitions_def=edition_partitions, kinds={"html"}, deps=["source_table_exports", "indicator_exports", "survey_exports"], op_tags=WHILE_THE_PDF_RENDERS)
def report_html(context: dg.AssetExecutionContext, paths: ProjectPaths, report_document: Document) -> dg.MaterializeResult:
    """The HTML edition: one self-contained file with a navigation sidebar, written to the run's build
    folder, linking each table and figure to its data published beside it."""
    build_dir = paths.build_dir(context)
    with cache_folder(paths.cache_dir):  # font subsets for the same characters are not made again
        screen = render_html(report_document, paths.templates, medium="html", data_links=data_links(report_document, build_dir))
    data = screen.encode("utf-8")
    (build_dir / "report.html").write_bytes(data)
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str((build_dir / "report.html").relative_to(paths.outputs.parent))),
            "size_bytes": len(data),
            "sha256": sha256_of(data),
        },
    )


PDF_PARTS_FOLDER = "pdf-parts"  # in the content cache folder: the layouts of the paper's parts (PartStore)


def pdf_job(context: dg.AssetExecutionContext, paths: ProjectPaths, report_document: Document) -> dict:
    """Where the PDF of a build is written while it is rendered, and what it is rendered with: the
    files it may read, the date it carries, where the layouts of its parts are kept between builds,
    whether unchanged parts are taken from there (a partial build; a full build lays out every
    part, see pipelines/report/pdf_assembly.py), and the content cache where the charts' drawings
    and the embedded font subsets are kept (pipelines/report/svg_drawings.py, embedded_subsets.py)."""
    build_dir = paths.build_dir(context)
    return {
        "target": build_dir / f"report.pdf{IN_PROGRESS_SUFFIX}",
        "base_dir": build_dir,
        "allowed_roots": [paths.templates, build_dir],
        "build_date": report_document.build_date,
        "parts_folder": paths.cache_dir / PDF_PARTS_FOLDER,
        "reuse_parts": REUSED_FROM_TAG in context.run.tags,
        "cache_folder": paths.cache_dir,
    }


def pdf_attachments(build_dir) -> list:
    """The files the PDF carries: the build's manifest and the source tables as CSV."""
    return [build_dir / "manifest.json", *sorted((build_dir / "data" / "tables").glob("*.csv"))]


@dg.asset(group_name=GROUP, partitions_def=edition_partitions, kinds={"html"})
def report_paged_html(context: dg.AssetExecutionContext, paths: ProjectPaths, renderer: PdfRenderer, report_document: Document) -> dg.Output[str]:
    """The paper as paged HTML, what the PDF is laid out from: the body of the HTML edition with the
    print stylesheet, its fonts and charts inlined. Handed at once to the run's render process, which
    lays out the PDF while the build's other steps run."""
    with cache_folder(paths.cache_dir):  # font subsets for the same characters are not made again
        paged = render_html(report_document, paths.templates, medium="pdf")
    selection = context.run.asset_selection  # empty (or None): the whole job
    started = False
    if not selection or dg.AssetKey("report_pdf") in selection:  # a run that will collect the PDF
        job = pdf_job(context, paths, report_document)
        job["target"].touch()  # marks "PDF being rendered" for anyone watching the build folder
        started = renderer.start(paged, **job)
    return dg.Output(paged, metadata={"size_bytes": len(paged.encode("utf-8")), "pdf_render_started": bool(started)})


@build_folder_writer(group_name=GROUP, partitions_def=edition_partitions, kinds={"pdf"}, deps=["source_table_exports"], op_tags=AFTER_THE_OTHER_STEPS)
def report_pdf(context: dg.AssetExecutionContext, paths: ProjectPaths, renderer: PdfRenderer, report_paged_html: str, report_document: Document) -> dg.MaterializeResult:
    """The PDF: paged with WeasyPrint, tagged (PDF/UA-1), fonts embedded, the source tables attached as
    CSV files, fetching only the project's own files. Rendered in a process of its own, started with
    the run and given the paged HTML as soon as it exists, with a memory and a time limit
    (AFML_RENDER_MEMORY_MB, AFML_RENDER_TIME_LIMIT_S); laid out part by part, two parts at a time,
    and in a partial build only the parts whose HTML changed (pdf_parts, pdf_part_layouts)."""
    build_dir = paths.build_dir(context)
    job = pdf_job(context, paths, report_document)
    partial, target = job["target"], build_dir / "report.pdf"
    partial.touch()
    result = renderer.write_pdf(report_paged_html, attachments=pdf_attachments(build_dir), **job)
    if result.warnings:
        raise RuntimeError("WeasyPrint reported problems:\n  " + "\n  ".join(result.warnings))
    if result.missing_glyphs:  # not fatal: the report_text_has_glyphs check names the survey rows
        context.log.warning("Characters no font of the report can draw (printed as an empty box): " + " ".join(f"{c} (U+{ord(c):04X})" for c in result.missing_glyphs))
    partial.replace(target)
    data = target.read_bytes()
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(target.relative_to(paths.outputs.parent))),
            "pages": result.pages,
            "underfilled_pages": dg.MetadataValue.json([{"page": f.number, "fill": f.fill} for f in result.underfilled]),
            "size_bytes": len(data),
            "sha256": sha256_of(data),
            "missing_glyphs": " ".join(f"U+{ord(c):04X}" for c in result.missing_glyphs) or "none",
            "render_seconds": result.seconds,
            "pdf_parts": result.parts,  # laid out on their own and joined (pipelines/report/pdf_assembly.py)
            "pdf_part_layouts": result.parts_laid_out,  # parts written this run (render.PdfResult.parts_laid_out)
        }
    )


_SURVEY_INS = {"respondents": dg.AssetIn("respondents"), "initiatives": dg.AssetIn("initiatives")}


@dg.asset_check(partitions_def=edition_partitions, asset=report_document, blocking=False, additional_ins=_SURVEY_INS, op_tags=WHILE_THE_PDF_RENDERS)
def report_text_has_glyphs(respondents: pd.DataFrame, initiatives: pd.DataFrame) -> dg.AssetCheckResult:
    """Warns when a survey value the paper prints has a character no font of the report can draw (it
    would show as an empty box): names the file, sheet, row, column and value to correct."""
    found = unprintable_values(respondents, initiatives)
    return dg.AssetCheckResult(
        passed=found.empty,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"values": len(found), "problems": dg.MetadataValue.md(markdown_table(found, 50) if not found.empty else "none")},
    )


@dg.asset_check(partitions_def=edition_partitions, asset=report_document, blocking=False, additional_ins=_SURVEY_INS, op_tags=WHILE_THE_PDF_RENDERS)
def report_within_volume_limits(respondents: pd.DataFrame, initiatives: pd.DataFrame) -> dg.AssetCheckResult:
    """Warns when the survey exceeds what the paper prints (pipelines/report/volume.py): the paper
    then points to the data files, and the message says which limit and what to do."""
    messages = plan_volume(initiatives, respondents).messages()
    return dg.AssetCheckResult(
        passed=not messages,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"limits_reached": dg.MetadataValue.md("\n".join(f"- {m}" for m in messages) or "none")},
    )


REPORT_CHECKS = [report_text_has_glyphs, report_within_volume_limits]
REPORT_ASSETS = [build_provenance, report_sections, report_document, report_html, report_paged_html, report_pdf]
