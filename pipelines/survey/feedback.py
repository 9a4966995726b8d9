"""Validation reports an author can send back to each respondent: HTML and CSV per respondent."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from pipelines.shared.jinja_env import make_environment
from pipelines.survey.validate import IntakeResult
from pipelines.tables.export import write_csv


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-") or "unnamed"


def report_groups(result: IntakeResult) -> dict[str, pd.DataFrame]:
    """Problems grouped by who must fix them: the respondent id, or the file for unattributed rows."""
    groups: dict[str, pd.DataFrame] = {}
    problems = result.problems
    for key, part in problems.groupby(problems["respondent_id"].where(problems["respondent_id"] != "", problems["file"].map(lambda f: Path(f).stem))):
        groups[_slug(key)] = part
    for respondent in result.respondents["respondent_id"]:
        groups.setdefault(_slug(respondent), problems.iloc[0:0])
    return dict(sorted(groups.items()))


def write_validation_reports(result: IntakeResult, target: Path, templates_dir: Path, edition_id: str) -> list[Path]:
    """One HTML and one CSV report per respondent (and per file with unattributed rows), plus a summary."""
    env = make_environment(str(templates_dir))
    template = env.get_template("validation/respondent.html.j2")
    written = []
    target.mkdir(parents=True, exist_ok=True)
    names = dict(zip(result.respondents["respondent_id"].map(_slug), result.respondents["organisation"]))
    for key, problems in report_groups(result).items():
        accepted = result.initiatives[result.initiatives["respondent_id"].map(_slug) == key] if not result.initiatives.empty else result.initiatives
        html = template.render(edition_id=edition_id, who=names.get(key, key), key=key, problems=problems.to_dict("records"), accepted=len(accepted))
        (target / f"{key}.html").write_text(html, encoding="utf-8")
        write_csv(problems, target / f"{key}.csv")
        written += [target / f"{key}.html", target / f"{key}.csv"]
    write_csv(result.problems, target / "all-problems.csv")
    quarantine = result.quarantine.drop(columns=["data"]).assign(data=result.quarantine["data"].map(lambda d: repr(sorted(d.items())) if isinstance(d, dict) else ""))
    write_csv(quarantine, target / "quarantine.csv")
    write_csv(result.files, target / "files.csv")
    (target / "intake-log.txt").write_text("\n".join(result.log + result.structural) + "\n", encoding="utf-8")
    return written
