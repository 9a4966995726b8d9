"""Computing the indicators and coverage matrices from catalog and survey data."""

from __future__ import annotations

import pandas as pd

from pipelines.shared.region import ASEAN_MEMBER_STATES
from pipelines.indicators.definitions import INDICATORS, LITERATURE, Group
from pipelines.survey.model import CONSTITUENCIES


def with_constituency(initiatives: pd.DataFrame, respondents: pd.DataFrame) -> pd.DataFrame:
    """Initiatives with the constituency of their respondent (``no_respondent`` for the literature)."""
    lookup = dict(zip(respondents["respondent_id"], respondents["constituency"]))
    frame = initiatives.copy()
    constituency = frame["respondent_id"].map(lookup).astype(object)
    frame["constituency"] = constituency.where(constituency.notna(), LITERATURE)
    frame.loc[frame["respondent_id"] == "", "constituency"] = LITERATURE
    return frame


def covered_recommendations(initiatives: pd.DataFrame) -> set[str]:
    """Recommendation ids that at least one initiative names."""
    ids = initiatives["recommendation_ids"]
    ids = ids[ids != ""]
    if ids.empty:
        return set()
    return set(ids.str.split().explode().unique())


def reader_id(initiative) -> str:
    """How the paper and the exports name an initiative: its id in the literature review ("LR-048"),
    or the respondent and the number of the questionnaire row ("IDN-MOM-1"); never a file name."""
    respondent, number = initiative.get("respondent_id", ""), initiative.get("initiative_id") or initiative.get("uid", "")
    return f"{respondent}-{number}" if respondent else number


def recommendation_coverage(memberships: pd.DataFrame, initiatives: pd.DataFrame) -> pd.DataFrame:
    """One row per recommendation of the edition: its cluster(s), whether an initiative names it, and
    which (by reader id, in reading order). What the coverage indicators count, recommendation by recommendation."""
    named: dict[str, list[str]] = {}
    for record in initiatives.drop_duplicates("uid").to_dict("records"):
        for rec_id in record["recommendation_ids"].split():
            named.setdefault(rec_id, []).append(reader_id(record))
    rows = []
    for rec_id, part in memberships.groupby("recommendation_id", sort=False):
        ids = sorted(set(named.get(rec_id, [])))
        rows.append({"recommendation_id": rec_id, "clusters": " ".join(dict.fromkeys(part["cluster"])), "covered": "yes" if ids else "no", "initiatives": " ".join(ids)})
    return pd.DataFrame(rows, columns=["recommendation_id", "clusters", "covered", "initiatives"])


def indicator_table(memberships: pd.DataFrame, recommendations: pd.DataFrame, forums: pd.DataFrame, initiatives: pd.DataFrame, level: str) -> pd.DataFrame:
    """One row per cluster (``level="cluster"``) or sub-cluster (``"subcluster"``), one column per indicator."""
    key_m = "cluster" if level == "cluster" else "subcluster_id"
    key_i = "cluster" if level == "cluster" else "subcluster"
    covered = covered_recommendations(initiatives)
    forum_number = dict(zip(forums["forum_id"], forums["number"].astype(int)))
    forum_numbers = {r: forum_number[f] for r, f in zip(recommendations["recommendation_id"], recommendations["forum_id"])}
    ordinals = dict(zip(forums["number"].astype(int), forums["ordinal"]))
    by_group = {k: part.drop_duplicates("uid") for k, part in initiatives.groupby(key_i, sort=False)} if not initiatives.empty else {}
    empty = initiatives.iloc[0:0]
    rows = []
    for key, part in memberships.groupby(key_m, sort=True):
        group = Group(list(part["recommendation_id"]), by_group.get(key, empty), covered, forum_numbers, ordinals)
        row = {level: key}
        if level == "subcluster":
            row["cluster"] = part["cluster"].iloc[0]
        for indicator in INDICATORS:
            row[indicator.name] = indicator.compute(group)
        rows.append(row)
    return pd.DataFrame(rows)


def cluster_by_country(initiatives: pd.DataFrame, clusters: pd.DataFrame) -> pd.DataFrame:
    """Initiatives per cluster (rows) and Member State (columns), zeros included."""
    once = initiatives.drop_duplicates(["uid", "cluster"])  # an initiative filed under two commitments of a group counts once there
    matrix = pd.crosstab(once["cluster"], once["country"]) if not once.empty else pd.DataFrame()
    return matrix.reindex(index=list(clusters["cluster"]), columns=list(ASEAN_MEMBER_STATES), fill_value=0).fillna(0).astype(int)


def respondents_by_country(respondents: pd.DataFrame) -> pd.DataFrame:
    """Respondents per Member State (rows) and constituency (columns); states with none show zeros."""
    matrix = pd.crosstab(respondents["country"], respondents["constituency"]) if not respondents.empty else pd.DataFrame()
    return matrix.reindex(index=list(ASEAN_MEMBER_STATES), columns=list(CONSTITUENCIES), fill_value=0).fillna(0).astype(int)


def indicator_changes(current: pd.DataFrame, previous: pd.DataFrame, level: str) -> pd.DataFrame:
    """Per group, each count or share indicator now, before and the movement between them."""
    from pipelines.indicators.definitions import BY_NAME

    numeric = [n for n in current.columns if n in BY_NAME and BY_NAME[n].kind in ("count", "share")]
    merged = current[[level] + numeric].merge(previous[[level] + numeric], on=level, how="left", suffixes=("", "_previous"))
    for name in numeric:
        merged[f"{name}_change"] = merged[name] - merged[f"{name}_previous"]
    return merged


def newly_covered(current_initiatives: pd.DataFrame, previous_initiatives: pd.DataFrame) -> list[str]:
    """Recommendations that gained their first reported initiative since the previous edition."""
    return sorted(covered_recommendations(current_initiatives) - covered_recommendations(previous_initiatives))
