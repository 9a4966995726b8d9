"""The indicators in long form: one row per group (cluster or sub-cluster) and indicator, with its unit.

The wide files (one column per indicator) are what a reader scans; the long file is what a chart tool,
a database or an SDMX-minded statistician loads. Text indicators (the forum range, the list of
Member States) stay in the wide files only: they are descriptions, not observations.
"""

from __future__ import annotations

import pandas as pd

UNITS = {"count": "number", "share": "percent"}
LONG_COLUMNS = ["level", "group", "indicator", "label", "value", "unit"]


def long_form(frame: pd.DataFrame, level: str, key: str, indicators) -> pd.DataFrame:
    """``frame`` (one row per group, one column per indicator) as one row per group × numeric indicator."""
    rows = []
    numeric = [i for i in indicators if i.kind in UNITS and i.name in frame.columns]
    for record in frame.to_dict("records"):
        for indicator in numeric:
            value = record[indicator.name]
            missing = value is None or (isinstance(value, float) and value != value)
            rows.append({"level": level, "group": record[key], "indicator": indicator.name, "label": indicator.label, "value": None if missing else float(value), "unit": UNITS[indicator.kind]})
    out = pd.DataFrame(rows, columns=LONG_COLUMNS)
    out["value"] = pd.Series([None if v is None or v != v else (int(v) if float(v).is_integer() else v) for v in out["value"]], index=out.index, dtype=object)
    return out


def indicators_long(cluster_indicators: pd.DataFrame, subcluster_indicators: pd.DataFrame, indicators) -> pd.DataFrame:
    """Cluster rows first, then sub-cluster rows, in the order of the wide files."""
    return pd.concat(
        [long_form(cluster_indicators, "cluster", "cluster", indicators), long_form(subcluster_indicators, "subcluster", "subcluster", indicators)],
        ignore_index=True,
    )
