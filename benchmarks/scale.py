"""One scale measurement, run in its own process so that peak memory is its own:
intake + validation + indicators on a synthetic survey folder.

    python benchmarks/scale.py /tmp/afml-bench-1000000
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipelines.editions import load_editions  # noqa: E402
from pipelines.indicators.compute import cluster_by_country, indicator_table, with_constituency  # noqa: E402
from pipelines.survey.intake import catalogue_for, run_intake  # noqa: E402


def catalog(name: str) -> pd.DataFrame:
    return pd.read_csv(ROOT / "sources" / "catalog" / name, dtype=str, keep_default_na=False)


def main(folder: Path) -> dict:
    edition = load_editions(ROOT / "sources")["afml-13"]
    recommendations, memberships = catalog("recommendations.csv"), catalog("memberships.csv")
    reviewed, memberships = edition.reviewed(recommendations, memberships)
    start = time.perf_counter()
    result = run_intake(folder, folder, catalogue_for(edition, catalog("clusters.csv"), catalog("subclusters.csv"), recommendations))
    intake = time.perf_counter()
    initiatives = with_constituency(result.initiatives, result.respondents)
    for level in ("cluster", "subcluster"):
        indicator_table(memberships, reviewed, catalog("forums.csv"), initiatives, level)
    cluster_by_country(result.initiatives, catalog("clusters.csv"))
    done = time.perf_counter()
    return {
        "rows_read": result.rows_read,
        "accepted": len(result.initiatives),
        "rejected": int((result.quarantine["disposition"] == "rejected").sum()),
        "intake_s": round(intake - start, 2),
        "indicators_s": round(done - intake, 2),
        "total_s": round(done - start, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]))))
