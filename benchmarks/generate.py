"""Synthetic survey data at scale, in the form-export layout the intake reads.

    python benchmarks/generate.py 100000 /tmp/survey-100k

Writes ``online-form-export.csv`` (one row per initiative, respondent fields repeated, as a
KoboToolbox consolidated export) with realistic variety: every Member State and constituency, all
clusters and sub-clusters, recommendation ids, years in and around the review period, and a small
share of deliberately invalid rows so that validation does real work.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
COUNTRIES = ["BRN", "KHM", "IDN", "LAO", "MYS", "MMR", "PHL", "SGP", "THA", "VNM"]
CONSTITUENCIES = ["government", "workers", "employers", "civil_society", "other"]
STATUSES = ["planned", "ongoing", "completed", ""]


def generate(n: int, target: Path, seed: int = 13, invalid_share: float = 0.01) -> Path:
    rng = np.random.default_rng(seed)
    catalog = ROOT / "sources" / "catalog"
    members = pd.read_csv(catalog / "memberships.csv", dtype=str)
    members = members[members["recommendation_id"] < "afml13"]
    respondents = max(50, n // 200)
    resp = pd.DataFrame({
        "respondent_id": [f"R{i:06d}" for i in range(respondents)],
        "country": rng.choice(COUNTRIES, respondents),
        "constituency": rng.choice(CONSTITUENCIES, respondents),
    })
    owner = rng.integers(0, respondents, n)
    pick = members.iloc[rng.integers(0, len(members), n)].reset_index(drop=True)
    second = members.iloc[rng.integers(0, len(members), n)]["recommendation_id"].to_numpy()
    rec_ids = np.where(rng.random(n) < 0.5, pick["recommendation_id"].to_numpy(), pick["recommendation_id"].to_numpy() + " " + second)
    rec_ids = np.where(rng.random(n) < 0.3, "", rec_ids)
    start = rng.integers(2014, 2021, n).astype(str)
    frame = pd.DataFrame({
        "start": "2020-08-01T00:00:00Z", "end": "2020-08-01T00:10:00Z",
        "respondent/respondent_id": resp["respondent_id"].to_numpy()[owner],
        "respondent/organisation": "Organisation " + resp["respondent_id"].to_numpy()[owner],
        "respondent/acronym": "",
        "respondent/country": resp["country"].to_numpy()[owner],
        "respondent/constituency": resp["constituency"].to_numpy()[owner],
        "initiative/initiative_id": (np.arange(n) + 1).astype(str),
        "initiative/country": rng.choice(COUNTRIES, n),
        "initiative/title": "Initiative " + (np.arange(n) + 1).astype(str),
        "initiative/description": "A synthetic initiative used to measure the pipeline at scale.",
        "initiative/cluster": pick["cluster"].to_numpy(),
        "initiative/subcluster": pick["subcluster_id"].to_numpy(),
        "initiative/recommendation_ids": rec_ids,
        "initiative/start_year": start,
        "initiative/end_year": "",
        "initiative/status": rng.choice(STATUSES, n),
        "initiative/gender_responsive": rng.choice(["yes", "no", "unknown"], n),
        "initiative/target_group": "migrant workers",
        "initiative/partners": "",
        "initiative/evidence_link": "",
        "initiative/source": "questionnaire",
        "_id": owner.astype(str),
        "_uuid": "u" + owner.astype(str),
        "_submission_time": "2020-08-01T00:00:00Z",
    })
    bad = rng.random(n) < invalid_share
    frame.loc[bad, "initiative/cluster"] = "K"
    target.mkdir(parents=True, exist_ok=True)
    path = target / "online-form-export.csv"
    frame.to_csv(path, index=False, quoting=csv.QUOTE_MINIMAL)
    return path


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    out = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(f"/tmp/afml-bench-{count}")
    print(generate(count, out))
