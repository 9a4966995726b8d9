"""Schemas of the catalog files in ``sources/catalog/``, as pandera models."""

from __future__ import annotations

import pandera.pandas as pa
from pandera.typing import Series

ASEAN_MEMBER_STATES = {
    "BRN": "Brunei Darussalam",
    "KHM": "Cambodia",
    "IDN": "Indonesia",
    "LAO": "Lao People's Democratic Republic",
    "MYS": "Malaysia",
    "MMR": "Myanmar",
    "PHL": "Philippines",
    "SGP": "Singapore",
    "THA": "Thailand",
    "VNM": "Viet Nam",
}
CLUSTER_LETTERS = list("ABCDEFGHIJ")


class Forums(pa.DataFrameModel):
    """One row per ASEAN Forum on Migrant Labour (Table 3 of the 2020 paper)."""

    forum_id: Series[str] = pa.Field(unique=True, str_matches=r"^afml\d{2}$")
    number: Series[int] = pa.Field(ge=1, unique=True)
    ordinal: Series[str] = pa.Field(str_matches=r"^\d+(st|nd|rd|th)$")
    year: Series[int] = pa.Field(ge=2000, le=2100)
    month: Series[int] = pa.Field(ge=1, le=12)
    city: Series[str] = pa.Field(str_length={"min_value": 1})
    country_code: Series[str] = pa.Field(isin=list(ASEAN_MEMBER_STATES))
    country_name: Series[str]
    theme: Series[str] = pa.Field(str_length={"min_value": 1})

    class Config:
        strict = True
        coerce = True


class ForumSubthemes(pa.DataFrameModel):
    forum_id: Series[str] = pa.Field(str_matches=r"^afml\d{2}$")
    position: Series[int] = pa.Field(ge=1)
    subtheme: Series[str] = pa.Field(str_length={"min_value": 1})

    class Config:
        strict = True
        coerce = True
        unique = ["forum_id", "position"]


class Clusters(pa.DataFrameModel):
    cluster: Series[str] = pa.Field(unique=True, isin=CLUSTER_LETTERS)
    title: Series[str] = pa.Field(str_length={"min_value": 1})

    class Config:
        strict = True


class Subclusters(pa.DataFrameModel):
    subcluster_id: Series[str] = pa.Field(unique=True, str_matches=r"^[A-J]\d+$")
    cluster: Series[str] = pa.Field(isin=CLUSTER_LETTERS)
    position: Series[int] = pa.Field(ge=1)
    title: Series[str] = pa.Field(str_length={"min_value": 1})
    chapter_section: Series[str] = pa.Field(str_matches=r"^(\d+\.\d+\.\d+)?$")

    class Config:
        strict = True
        coerce = True


class Recommendations(pa.DataFrameModel):
    recommendation_id: Series[str] = pa.Field(unique=True, str_matches=r"^afml\d{2}-\d{2}$")
    forum_id: Series[str] = pa.Field(str_matches=r"^afml\d{2}$")
    number: Series[int] = pa.Field(ge=1)
    text: Series[str] = pa.Field(str_length={"min_value": 10})

    class Config:
        strict = True
        coerce = True
        unique = ["forum_id", "number"]


class Memberships(pa.DataFrameModel):
    position: Series[int] = pa.Field(ge=1, unique=True)
    recommendation_id: Series[str] = pa.Field(str_matches=r"^afml\d{2}-\d{2}$")
    cluster: Series[str] = pa.Field(isin=CLUSTER_LETTERS)
    subcluster_id: Series[str] = pa.Field(str_matches=r"^[A-J]\d+$")

    class Config:
        strict = True
        coerce = True
        unique = ["recommendation_id", "subcluster_id"]
