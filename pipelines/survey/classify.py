"""One intake, several frameworks: initiatives recorded against one framework, classified to the
commitments of another.

An edition whose evidence is another edition's survey (``evidence.survey_of``) reads that intake
and keeps the initiatives its framework's classification file names
(``classifications:`` in framework.yaml): one row per initiative and commitment, with the method
(``mapping``: what the cross-framework mapping reaches from the initiative's recorded groups and
commitments; ``manual``: by reading it) and the reason. Each classified initiative is then filed
under the commitment (as its sub-group) and the commitment's group, so that the indicators count it
once per commitment and once per framework. The classification is checked against the data: an
initiative that no longer exists or has another title, an unknown commitment, or a ``mapping`` row
the mapping does not reach stops the build with file, row, column and value.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipelines.sourcefiles import FIRST_DATA_ROW, SourceError, SourceProblem, read_csv_strings, relative_name

CLASSIFICATION_COLUMNS = ["edition", "uid", "title", "commitment_id", "method", "note"]
METHODS = ("mapping", "manual")


def reached_commitments(mapping: pd.DataFrame, initiative) -> set[str]:
    """The commitments a mapping reaches from an initiative's recorded group, sub-group and commitments."""
    recorded = {"group": {initiative["cluster"]}, "subgroup": {initiative["subcluster"]}, "commitment": set(str(initiative["recommendation_ids"]).split())}
    hits = mapping[[target in recorded.get(level, set()) for level, target in zip(mapping["target_level"], mapping["target_id"])]]
    return set(hits["commitment_id"])


def classify(
    initiatives: pd.DataFrame,
    classification_file: Path,
    mapping_file: Path | None,
    evidence_edition: str,
    memberships: pd.DataFrame,
    root: Path,
) -> pd.DataFrame:
    """The initiatives of ``evidence_edition`` that the classification file names, one row per
    initiative and commitment (and group of that commitment), filed under the commitment."""
    name = relative_name(classification_file, root)
    if not classification_file.exists():
        raise SourceError([SourceProblem(name, None, "", "", "classification file not found (classifications: in framework.yaml)")])
    rows = read_csv_strings(classification_file)
    missing = [c for c in CLASSIFICATION_COLUMNS if c not in rows.columns]
    if missing:
        raise SourceError([SourceProblem(name, None, c, "", "column missing") for c in missing])
    rows = rows.assign(_row=range(FIRST_DATA_ROW, FIRST_DATA_ROW + len(rows)))
    rows = rows[rows["edition"] == evidence_edition]
    mapping = read_csv_strings(mapping_file) if mapping_file is not None and mapping_file.exists() else None
    by_uid = initiatives.drop_duplicates("uid").set_index("uid")
    groups = memberships.groupby("recommendation_id")["cluster"].apply(list).to_dict()
    problems: list[SourceProblem] = []
    for r in rows.itertuples(index=False):
        if r.uid not in by_uid.index:
            problems.append(SourceProblem(name, r._row, "uid", r.uid, f"no accepted initiative of {evidence_edition} has this key"))
            continue
        if " ".join(by_uid.loc[r.uid, "title"].split()) != " ".join(r.title.split()):
            problems.append(SourceProblem(name, r._row, "title", r.title, f"the initiative {r.uid} is now titled {by_uid.loc[r.uid, 'title']!r}: check that the key still points to it"))
        if r.commitment_id not in groups:
            problems.append(SourceProblem(name, r._row, "commitment_id", r.commitment_id, "not a commitment of this framework"))
        if r.method not in METHODS:
            problems.append(SourceProblem(name, r._row, "method", r.method, f"one of: {', '.join(METHODS)}"))
    if mapping is not None and not problems:
        for uid, part in rows[rows["method"] == "mapping"].groupby("uid", sort=False):
            reached = reached_commitments(mapping, by_uid.loc[uid])
            if set(part["commitment_id"]) != reached:
                problems.append(SourceProblem(name, int(part["_row"].iloc[0]), "method", "mapping", f"the mapping reaches {', '.join(sorted(reached)) or 'no commitment'} from this initiative, not {', '.join(sorted(part['commitment_id']))}: classify it as manual, with the reason"))
    if problems:
        raise SourceError(problems)
    evidence = initiatives.drop_duplicates("uid").rename(columns={"cluster": "evidence_cluster", "subcluster": "evidence_subcluster", "recommendation_ids": "evidence_recommendation_ids"})
    classified = rows.rename(columns={"method": "classification_method", "note": "classification_note"})[["uid", "commitment_id", "classification_method", "classification_note"]]
    return _filed(classified.merge(evidence, on="uid", how="left", validate="many_to_one"), groups, initiatives)


def classify_by_mapping(initiatives: pd.DataFrame, mapping_file: Path, memberships: pd.DataFrame, root: Path) -> pd.DataFrame:
    """Without a classification file: every initiative counts for each commitment the mapping reaches
    from what it was recorded under (method ``mapping``)."""
    if not mapping_file.exists():
        raise SourceError([SourceProblem(relative_name(mapping_file, root), None, "", "", "mapping file not found (mappings: in framework.yaml)")])
    mapping = read_csv_strings(mapping_file)
    groups = memberships.groupby("recommendation_id")["cluster"].apply(list).to_dict()
    unknown = sorted(set(mapping["commitment_id"]) - set(groups))
    if unknown:
        raise SourceError([SourceProblem(relative_name(mapping_file, root), None, "commitment_id", c, "not a commitment of this framework") for c in unknown])
    rows = [(uid, commitment) for uid, record in initiatives.drop_duplicates("uid").set_index("uid").iterrows() for commitment in sorted(reached_commitments(mapping, record))]
    evidence = initiatives.drop_duplicates("uid").rename(columns={"cluster": "evidence_cluster", "subcluster": "evidence_subcluster", "recommendation_ids": "evidence_recommendation_ids"})
    classified = pd.DataFrame(rows, columns=["uid", "commitment_id"]).assign(classification_method="mapping", classification_note="reached by the mapping from what the initiative was recorded under")
    return _filed(classified.merge(evidence, on="uid", how="left"), groups, initiatives)


def _filed(classified: pd.DataFrame, groups: dict, initiatives: pd.DataFrame) -> pd.DataFrame:
    """Classified initiatives filed under their commitment (as sub-group) and its group(s)."""
    classified = classified.assign(group=classified["commitment_id"].map(groups)).explode("group", ignore_index=True)
    classified["cluster"] = classified["group"]
    classified["subcluster"] = classified["commitment_id"]
    classified["recommendation_ids"] = classified["commitment_id"]
    columns = list(initiatives.columns) + ["evidence_cluster", "evidence_subcluster", "evidence_recommendation_ids", "classification_method", "classification_note"]
    return classified[columns].reset_index(drop=True)


def not_classified(classification_file: Path, evidence_edition: str) -> pd.DataFrame:
    """The initiatives considered and left out (``<from>__not-classified.csv`` beside the
    classification file), with the reason; empty when there is no such file."""
    path = classification_file.with_name(classification_file.name.replace("__classification", "__not-classified"))
    if not path.exists():
        return pd.DataFrame(columns=["edition", "uid", "title", "finding", "note"])
    frame = read_csv_strings(path)
    return frame[frame["edition"] == evidence_edition].reset_index(drop=True)
