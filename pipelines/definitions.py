"""The one entry point Dagster loads: merges the assets, checks, jobs, sensors and schedules of every stage."""

from __future__ import annotations

import dagster as dg

from pipelines.catalog.assets import CATALOG_ASSETS
from pipelines.catalog.checks import CATALOG_CHECKS
from pipelines.indicators.assets import INDICATOR_ASSETS
from pipelines.operations.assets import OPERATIONS_ASSETS
from pipelines.report.assets import REPORT_ASSETS
from pipelines.settings import ProjectPaths
from pipelines.survey.assets import SURVEY_ASSETS, SURVEY_CHECKS
from pipelines.tables.assets import TABLES_ASSETS, TABLES_CHECKS

ALL_ASSETS = [*CATALOG_ASSETS, *TABLES_ASSETS, *SURVEY_ASSETS, *INDICATOR_ASSETS, *REPORT_ASSETS, *OPERATIONS_ASSETS]
ALL_CHECKS = [*CATALOG_CHECKS, *TABLES_CHECKS, *SURVEY_CHECKS]

build_edition = dg.define_asset_job(
    "build_edition",
    selection=dg.AssetSelection.all(),
    partitions_def=None,
    description="Build one edition of the paper from sources to published HTML and PDF.",
    executor_def=dg.in_process_executor,
)

defs = dg.Definitions(
    assets=ALL_ASSETS,
    asset_checks=ALL_CHECKS,
    jobs=[build_edition],
    resources={"paths": ProjectPaths()},
    executor=dg.in_process_executor,
)
