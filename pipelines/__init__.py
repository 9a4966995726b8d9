"""The AFML progress-review pipeline.

Data flows one way, and the sub-packages are named after the stages it passes through:

    catalog -> tables -> survey -> indicators -> report -> operations (publishing, sensors)

`pipelines.definitions` is the single entry point Dagster loads.
"""
