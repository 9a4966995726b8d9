"""How much of the survey the paper prints: its volume limits, decided before anything is rendered.

Everything accepted is always published whole in the data files (``initiatives.csv``,
``respondents.csv`` under ``data/``). The paper prints the compilation of initiatives and the list of
respondents only up to a size it can lay out in reasonable time and memory (about a quarter of a
second and a few megabytes per page), and a description or title only up to a length a page can
carry. Beyond a limit the paper says where the rest is, and the build says so before rendering.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from pipelines import formatting

# Initiatives listed in the compilation of chapter 2, all sub-clusters together (afml-13: 369).
MAX_INITIATIVES_PRINTED = 1500
# Organizations listed in Appendix I (afml-13: 31).
MAX_RESPONDENTS_LISTED = 500
# Characters of one initiative's description printed (afml-13: at most 372).
MAX_DESCRIPTION_CHARS = 1200
# Characters of an initiative title or an organization name printed (afml-13: at most 94).
MAX_TITLE_CHARS = 250

DATA_FILE_NOTE = "published with this paper"


@dataclass(frozen=True)
class VolumePlan:
    """What the paper will print of this edition's survey, against the limits above."""

    initiatives: int
    respondents: int
    long_descriptions: int  # descriptions shortened on the page
    long_titles: int  # titles and organization names shortened on the page

    @property
    def print_compilation(self) -> bool:
        return self.initiatives <= MAX_INITIATIVES_PRINTED

    @property
    def list_respondents(self) -> bool:
        return self.respondents <= MAX_RESPONDENTS_LISTED

    def messages(self) -> list[str]:
        """One message per limit the build reaches: which limit, what the paper does, what to do."""
        n = formatting.number
        found = []
        if not self.print_compilation:
            found.append(
                f"The edition has {n(self.initiatives)} initiatives, more than the {n(MAX_INITIATIVES_PRINTED)} the paper prints "
                f"(MAX_INITIATIVES_PRINTED in pipelines/report/volume.py): chapter 2 gives the number per sub-cluster and points to "
                f"data/initiatives.csv, which lists them all. To print them, split the survey into smaller editions "
                f"or raise the limit on a machine with the memory for it."
            )
        if not self.list_respondents:
            found.append(
                f"The edition has {n(self.respondents)} respondents, more than the {n(MAX_RESPONDENTS_LISTED)} Appendix I lists "
                f"(MAX_RESPONDENTS_LISTED in pipelines/report/volume.py): the appendix points to data/respondents.csv instead."
            )
        if self.long_descriptions:
            found.append(
                f"{n(self.long_descriptions)} initiative descriptions are longer than the {n(MAX_DESCRIPTION_CHARS)} characters the paper "
                f"prints (MAX_DESCRIPTION_CHARS): they are shortened on the page, with a note, and kept whole in data/initiatives.csv."
            )
        if self.long_titles:
            found.append(
                f"{n(self.long_titles)} initiative titles or organization names are longer than the {n(MAX_TITLE_CHARS)} characters "
                f"the paper prints (MAX_TITLE_CHARS): they are shortened on the page and kept whole in the data files."
            )
        return found

    def statement(self) -> str:
        """The sentence of the method section that states the limits to the reader."""
        n = formatting.number
        return (
            f"The paper lists up to {n(MAX_INITIATIVES_PRINTED)} initiatives and {n(MAX_RESPONDENTS_LISTED)} respondents and prints "
            f"up to {n(MAX_DESCRIPTION_CHARS)} characters of a description and {n(MAX_TITLE_CHARS)} of a title or name; the data "
            f"files {DATA_FILE_NOTE} hold every accepted initiative and respondent in full."
            + (" This edition exceeds these limits; the places concerned say so." if self.messages() else "")
        )

    def compilation_note(self, count: int) -> str:
        """What a sub-cluster shows instead of its list when the compilation is not printed."""
        n = formatting.number
        return (
            f"{formatting.count_noun(count, 'initiative was', 'initiatives were')} reported for this sub-cluster. "
            f"This edition has {n(self.initiatives)} initiatives, more than the {n(MAX_INITIATIVES_PRINTED)} the paper lists: "
            f"they are in the list of initiatives {DATA_FILE_NOTE}."
        )

    def respondents_note(self) -> str:
        n = formatting.number
        return (
            f"The {n(self.respondents)} organizations that answered the questionnaire, more than the {n(MAX_RESPONDENTS_LISTED)} "
            f"this appendix lists, are in the list of respondents {DATA_FILE_NOTE}; "
            f"the table of respondents by Member State and constituency in section 1 counts them."
        )


def _longer_than(values: pd.Series, limit: int) -> int:
    return int((values.astype(str).str.len() > limit).sum()) if len(values) else 0


def plan_volume(initiatives: pd.DataFrame, respondents: pd.DataFrame) -> VolumePlan:
    """The decision, from the accepted survey alone (cheap: counts and lengths, nothing laid out)."""
    long_titles = _longer_than(initiatives.get("title", pd.Series(dtype=str)), MAX_TITLE_CHARS) + _longer_than(respondents.get("organisation", pd.Series(dtype=str)), MAX_TITLE_CHARS)
    return VolumePlan(
        initiatives=len(initiatives),
        respondents=len(respondents),
        long_descriptions=_longer_than(initiatives.get("description", pd.Series(dtype=str)), MAX_DESCRIPTION_CHARS),
        long_titles=long_titles,
    )


def shorten(text: str, limit: int, note: str = "") -> str:
    """``text`` cut to ``limit`` characters at a word boundary, with an ellipsis and ``note``; unchanged if it fits."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    if " " in cut[limit // 2:]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:.") + "…" + (f" [{note}]" if note else "")
