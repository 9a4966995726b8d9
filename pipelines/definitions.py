"""The one entry point Dagster loads: merges the assets, checks, jobs, sensors and schedules of every stage.

Definitions load lazily (``@dg.definitions``): the editions declared in sources/editions.yaml are
read when Dagster asks for the definitions, not when this module is imported. The command line builds
with the same ``build_edition`` job (:func:`definitions_for` its folders), so a build is the same run
whether it was started from the command line, the UI, a sensor or a schedule.
"""

from __future__ import annotations

import dagster as dg

from pipelines.catalog.assets import CATALOG_ASSETS
from pipelines.catalog.checks import CATALOG_CHECKS
from pipelines.indicators.assets import INDICATOR_ASSETS
from pipelines.operations.assets import OPERATIONS_ASSETS
from pipelines.operations.notify import NOTIFICATION_SENSORS, NotificationChannel
from pipelines.sensors import editions_sync, rebuild_schedule, survey_sensor
from pipelines.report.assets import REPORT_ASSETS, REPORT_CHECKS
from pipelines.report.renderer import PdfRenderer
from pipelines.settings import ProjectPaths
from pipelines.survey.assets import SURVEY_ASSETS, SURVEY_CHECKS
from pipelines.tables.assets import TABLES_ASSETS, TABLES_CHECKS

ALL_ASSETS = [*CATALOG_ASSETS, *TABLES_ASSETS, *SURVEY_ASSETS, *INDICATOR_ASSETS, *REPORT_ASSETS, *OPERATIONS_ASSETS]
ALL_CHECKS = [*CATALOG_CHECKS, *TABLES_CHECKS, *SURVEY_CHECKS, *REPORT_CHECKS]
BUILD_JOB = "build_edition"

build_edition = dg.define_asset_job(
    BUILD_JOB,
    selection=dg.AssetSelection.all(),
    description="Build one edition of the paper, from sources to the published HTML and PDF.",
    executor_def=dg.in_process_executor,
)


def definitions_for(paths: ProjectPaths) -> dg.Definitions:
    """Everything Dagster knows, for the project's folders or a scratch copy (``--sources/--outputs``)."""
    editions = paths.editions()
    return dg.Definitions(
        assets=ALL_ASSETS,
        asset_checks=ALL_CHECKS,
        jobs=[build_edition],
        sensors=[editions_sync, *(survey_sensor(e, BUILD_JOB) for e in editions), *NOTIFICATION_SENSORS],
        schedules=[rebuild_schedule(e.id, BUILD_JOB, e.rebuild_schedule) for e in editions.values()],
        resources={"paths": paths, "notifications": NotificationChannel(), "renderer": PdfRenderer()},
        executor=dg.in_process_executor,
    )


@dg.definitions
def defs() -> dg.Definitions:
    return definitions_for(ProjectPaths())
