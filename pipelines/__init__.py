"""The AFML progress-review pipeline.

Data flows one way, and the sub-packages are named after the stages it passes through:

    shared ground floor (sourcefiles, settings, editions, frameworks, shared/)
      -> catalog, tables, survey -> indicators -> report -> operations (publishing)

Stages compute; the report presents (table layouts and charts live in report/). `pipelines.definitions`
is the single entry point Dagster loads; the sensors and schedules it registers are in `pipelines.sensors`.
tests/test_import_order.py fails when an earlier stage imports a later one.
"""
