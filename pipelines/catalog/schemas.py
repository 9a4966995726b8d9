"""Schemas of a framework's catalog tables, as pandera models.

Every framework is read into these tables (see :mod:`pipelines.frameworks`). Column names are the
catalog model's: ``forum_id`` names an instrument, ``cluster`` a group, ``subcluster_id`` a sub-group,
``recommendation_id`` a commitment, whatever the framework calls them. Ids are plain identifiers.
"""

from __future__ import annotations

import pandera.pandas as pa
from pandera.typing import Series

from pipelines.shared.region import ASEAN_MEMBER_STATES  # noqa: F401  (the region is ground-floor data)

IDENTIFIER = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"  # letters, digits, dot, dash, underscore; no spaces


class Forums(pa.DataFrameModel):
    """One row per instrument (for AFML: per Forum, Table 3 of the 2020 paper)."""

    forum_id: Series[str] = pa.Field(unique=True, str_matches=IDENTIFIER)
    number: Series[int] = pa.Field(ge=1, unique=True)
    ordinal: Series[str] = pa.Field(str_length={"min_value": 1})  # how the paper names it: "3rd", "2023"
    year: Series[int] = pa.Field(ge=1967, le=2100)
    month: Series[int] = pa.Field(ge=1, le=12)
    city: Series[str]
    country_code: Series[str] = pa.Field(isin=[*ASEAN_MEMBER_STATES, ""])  # "" where the instrument was adopted outside the region
    country_name: Series[str]
    theme: Series[str] = pa.Field(str_length={"min_value": 1})

    class Config:
        strict = True
        coerce = True


class ForumSubthemes(pa.DataFrameModel):
    forum_id: Series[str] = pa.Field(str_matches=IDENTIFIER)
    position: Series[int] = pa.Field(ge=1)
    subtheme: Series[str] = pa.Field(str_length={"min_value": 1})

    class Config:
        strict = True
        coerce = True
        unique = ["forum_id", "position"]


class Clusters(pa.DataFrameModel):
    cluster: Series[str] = pa.Field(unique=True, str_matches=IDENTIFIER)
    title: Series[str] = pa.Field(str_length={"min_value": 1})

    class Config:
        strict = True


class Subclusters(pa.DataFrameModel):
    subcluster_id: Series[str] = pa.Field(unique=True, str_matches=IDENTIFIER)
    cluster: Series[str] = pa.Field(str_matches=IDENTIFIER)
    position: Series[int] = pa.Field(ge=1)
    title: Series[str] = pa.Field(str_length={"min_value": 1})
    chapter_section: Series[str] = pa.Field(str_matches=r"^(\d+\.\d+\.\d+)?$")

    class Config:
        strict = True
        coerce = True


class Recommendations(pa.DataFrameModel):
    recommendation_id: Series[str] = pa.Field(unique=True, str_matches=IDENTIFIER)
    forum_id: Series[str] = pa.Field(str_matches=IDENTIFIER)
    number: Series[int] = pa.Field(ge=1)
    text: Series[str] = pa.Field(str_length={"min_value": 10})

    class Config:
        strict = True
        coerce = True
        unique = ["forum_id", "number"]


class Memberships(pa.DataFrameModel):
    position: Series[int] = pa.Field(ge=1, unique=True)
    recommendation_id: Series[str] = pa.Field(str_matches=IDENTIFIER)
    cluster: Series[str] = pa.Field(str_matches=IDENTIFIER)
    subcluster_id: Series[str] = pa.Field(str_matches=IDENTIFIER)

    class Config:
        strict = True
        coerce = True
        unique = ["recommendation_id", "subcluster_id"]
