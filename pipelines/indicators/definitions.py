"""Every indicator, defined once: its name (the export column), label, description and computation.

The same list produces the numbers, the method section of the report and the export columns.
Labels and descriptions speak the framework's vocabulary: ``{commitments}``, ``{Group}`` and the like
are filled in by :func:`labelled` (for AFML: recommendations, cluster, ...).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import pandas as pd

from pipelines.survey.model import CONSTITUENCIES, REGIONAL, STATUSES

LITERATURE = "no_respondent"  # initiatives found by the review team, not reported by a respondent


@dataclass
class Group:
    """The data of one group or sub-group."""

    recommendations: list[str]  # the group's commitment ids
    initiatives: pd.DataFrame  # initiatives filed under the group (an initiative may be filed under several commitments of it)
    covered: set[str]  # commitment ids with at least one initiative (any group)
    forum_numbers: dict[str, int]  # commitment id -> instrument number
    ordinals: dict[int, str]


@dataclass(frozen=True)
class Indicator:
    name: str
    label: str
    description: str
    kind: str  # count | share | text
    compute: Callable[[Group], object]

    def __reduce__(self):
        """Pickled by name, with its labels (a framework's words): its ``compute`` is the definition's."""
        return (_defined, (self.name, self.label, self.description))


def _defined(name: str, label: str, description: str) -> Indicator:
    """The indicator defined under ``name``, with these labels (see :meth:`Indicator.__reduce__`)."""
    from dataclasses import replace

    return replace(BY_NAME[name], label=label, description=description)


def _share(numerator: float, denominator: float) -> float | None:
    return None if not denominator else round(100.0 * numerator / denominator, 1)


def _forum_range(g: Group) -> str:
    numbers = sorted({g.forum_numbers[r] for r in g.recommendations})
    if not numbers:
        return ""
    first, last = g.ordinals[numbers[0]], g.ordinals[numbers[-1]]
    return first if first == last else f"{first}–{last}"


def _member_states(g: Group) -> list[str]:
    """The Member States where the group's national initiatives were implemented (regional ones have none)."""
    return sorted(c for c in g.initiatives["country"].unique() if c)


def _with_initiatives(g: Group) -> int:
    return sum(1 for r in set(g.recommendations) if r in g.covered)


INDICATORS: list[Indicator] = [
    Indicator("recommendations", "{Commitments}", "Distinct {commitments} grouped in the {group} or {subgroup}.", "count", lambda g: len(set(g.recommendations))),
    Indicator("forum_range", "{Instruments}", "The range of {instruments} whose {commitments} the group holds.", "text", _forum_range),
    Indicator(
        "recommendations_with_initiatives",
        "{Commitments} with initiatives",
        "{Commitments} of the group for which at least one accepted initiative of the review period names the {commitment} (in any {group}).",
        "count",
        _with_initiatives,
    ),
    Indicator("share_covered", "Share covered (%)", "{Commitments} with initiatives as a percentage of the group's {commitments}.", "share", lambda g: _share(_with_initiatives(g), len(set(g.recommendations)))),
    Indicator(
        "never_covered",
        "{Commitments} without any initiative",
        "{Commitments} of the group that no accepted initiative of the review period names.",
        "count",
        lambda g: len(set(g.recommendations)) - _with_initiatives(g),
    ),
    Indicator("initiatives", "Initiatives", "Accepted initiatives filed under the group (questionnaire, literature review and preparatory meetings).", "count", lambda g: int(g.initiatives["uid"].nunique())),
    Indicator("countries_reporting", "Member States with initiatives", "Member States (of the ten) where at least one initiative of the group was implemented (ASEAN-level initiatives have none).", "count", lambda g: len(_member_states(g))),
    Indicator("countries", "Which Member States", "ISO codes of those Member States.", "text", lambda g: " ".join(_member_states(g))),
    Indicator("initiatives_regional", "ASEAN-level initiatives", "Initiatives of the group carried out at ASEAN level by a regional body, mechanism or network, not in one Member State (counted among the group's initiatives).", "count", lambda g: int(g.initiatives.loc[g.initiatives["scope"] == REGIONAL, "uid"].nunique()) if "scope" in g.initiatives else 0),
    Indicator(
        "share_gender_responsive",
        "Gender-responsive (%)",
        "Initiatives marked gender-responsive as a percentage of the group's initiatives (unknown counts as not marked).",
        "share",
        lambda g: _share(int((g.initiatives["gender_responsive"] == "yes").sum()), len(g.initiatives)),
    ),
]
for _code, _label in CONSTITUENCIES.items():
    INDICATORS.append(
        Indicator(
            f"initiatives_{_code}",
            f"Initiatives reported by: {_label}",
            f"Initiatives of the group reported by respondents of the constituency '{_label}'.",
            "count",
            (lambda code: lambda g: int((g.initiatives["constituency"] == code).sum()))(_code),
        )
    )
INDICATORS.append(
    Indicator(f"initiatives_{LITERATURE}", "Initiatives from the literature review", "Initiatives of the group that the review team found in documents or preparatory meetings, with no respondent.", "count", lambda g: int((g.initiatives["constituency"] == LITERATURE).sum()))
)
for _code, _label in list(STATUSES.items()) + [("not_stated", "Not stated")]:
    INDICATORS.append(
        Indicator(
            f"status_{_code}",
            f"Status: {_label.lower()}",
            f"Initiatives of the group whose status is '{_label.lower()}'.",
            "count",
            (lambda code: lambda g: int((g.initiatives["status"].replace("", "not_stated") == code).sum()))(_code),
        )
    )

BY_NAME = {i.name: i for i in INDICATORS}


def labelled(vocabulary) -> list[Indicator]:
    """The indicators with labels and descriptions in a framework's words (a :class:`Vocabulary`)."""
    from dataclasses import replace

    words = vocabulary.as_dict()
    return [replace(i, label=i.label.format(**words), description=i.description.format(**words)) for i in INDICATORS]
