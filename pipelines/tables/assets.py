"""Source-table assets: raw values read and checked, totals and shares derived, printed values compared."""

import dagster as dg
import pandas as pd

from pipelines.metadata import frame_metadata, markdown_table
from pipelines.partitions import edition_partitions
from pipelines.settings import WHILE_THE_PDF_RENDERS, ProjectPaths, build_folder_writer
from pipelines.tables.compare import compare_published
from pipelines.tables.derive import derive
from pipelines.tables.load import SourceTable, read_table, table_files

GROUP = "tables"
PUBLISHED_FILE = "published.csv"


def load_edition_tables(paths: ProjectPaths, edition_id: str) -> dict[str, SourceTable]:
    tables_dir = paths.edition_sources(edition_id) / "tables"
    tables = {}
    for csv_path in table_files(tables_dir):
        table = derive(read_table(csv_path, paths.sources.parent))
        tables[table.spec.id] = table
    return tables


def printed_vs_computed_of(paths: ProjectPaths, edition_id: str, tables: dict[str, SourceTable]) -> pd.DataFrame:
    """The totals and shares the source printed (``published.csv``) beside the computed ones."""
    return compare_published(tables, paths.edition_sources(edition_id) / "tables" / PUBLISHED_FILE)


@dg.asset(group_name=GROUP, partitions_def=edition_partitions, kinds={"pandas", "csv"})
def source_tables(context: dg.AssetExecutionContext, paths: ProjectPaths) -> dg.Output[dict]:
    """Every statistical table of the edition (sources/editions/{edition}/tables/): raw values typed and
    checked against their YAML declaration, then the totals and shares the paper prints, computed."""
    tables = load_edition_tables(paths, context.partition_key)
    summary = pd.DataFrame(
        [{"table": t.spec.id, "title": t.spec.title, "rows": int((~t.rows["_total"]).sum()), "derived": len(t.spec.derive), "source": t.spec.source} for t in tables.values()]
    )
    return dg.Output(tables, metadata=frame_metadata(summary, 30) | {"dagster/row_count": len(tables)})


@dg.asset(group_name=GROUP, partitions_def=edition_partitions, kinds={"pandas"})
def printed_vs_computed(context: dg.AssetExecutionContext, paths: ProjectPaths, source_tables: dict) -> dg.Output[pd.DataFrame]:
    """Every total and share the source paper printed, beside the value the pipeline computes.
    Disagreements are reported (data-quality note, report appendix), never silently corrected."""
    comparison = printed_vs_computed_of(paths, context.partition_key, source_tables)
    differs = comparison[comparison["status"] != "agrees"]
    return dg.Output(
        comparison,
        metadata=frame_metadata(comparison, 50) | {"disagreements": len(differs), "disagreements_preview": dg.MetadataValue.md(markdown_table(differs, 50))},
    )


@dg.asset_check(partitions_def=edition_partitions, asset=printed_vs_computed, blocking=False, op_tags=WHILE_THE_PDF_RENDERS)
def printed_values_agree(printed_vs_computed: pd.DataFrame) -> dg.AssetCheckResult:
    """Warns, naming table, row and column, wherever a printed total or share is not what the raw values give."""
    differs = printed_vs_computed[printed_vs_computed["status"] != "agrees"]
    return dg.AssetCheckResult(
        passed=differs.empty,
        severity=dg.AssetCheckSeverity.WARN,
        description=f"{len(differs)} printed value(s) differ from the computed ones",
        metadata={"disagreements": dg.MetadataValue.md(markdown_table(differs, 100) if not differs.empty else "none")},
    )


TABLES_ASSETS = [source_tables, printed_vs_computed]
TABLES_CHECKS = [printed_values_agree]


@build_folder_writer(group_name=GROUP, partitions_def=edition_partitions, kinds={"csv", "xlsx", "json"}, op_tags=WHILE_THE_PDF_RENDERS)
def source_table_exports(context: dg.AssetExecutionContext, paths: ProjectPaths, source_tables: dict, printed_vs_computed: pd.DataFrame) -> dg.MaterializeResult:
    """Every source table as CSV and XLSX with a JSON metadata sidecar, under data/tables/ of the build
    (spreadsheet formula triggers escaped), plus the printed-vs-computed comparison."""
    from pipelines.tables.export import write_csv
    from pipelines.tables.exports import export_tables

    build_dir = paths.build_dir(context)
    written = export_tables(source_tables, printed_vs_computed, build_dir / "data" / "tables")
    write_csv(printed_vs_computed, build_dir / "data-quality.csv")
    return dg.MaterializeResult(metadata={"files": len(written), "folder": dg.MetadataValue.path(str((build_dir / "data" / "tables").relative_to(paths.outputs.parent)))})


TABLES_ASSETS.append(source_table_exports)
