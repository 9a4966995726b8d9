"""The respondent's language: message catalogs (gettext PO files read and compiled with Babel) and
numbers and dates written the way the language writes them.

Catalogs live in ``pipelines/survey/locale/<code>/LC_MESSAGES/survey.po``. Message ids are keys
(``sheet.initiatives``); the English catalog holds the source text, the others its translation, so no
questionnaire text is written in code. Every catalog says in its header whether a person reviewed it
(``X-Review-Status: reviewed`` / ``unreviewed``, ``X-Reviewed-By``); an unreviewed translation says so
in what it produces. A lookup of a key that a catalog lacks fails loudly (KeyError), so a missing
translation cannot slip through to a respondent.

Commitment texts (recommendations, cluster and sub-cluster titles) are data and stay in their
official English.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "survey"
SOURCE_LANGUAGE = "en"
# Codes of the catalogs shipped (a test checks the folder holds exactly these). Bahasa Indonesia and
# Vietnamese: the languages of two of the region's largest countries of origin, written in Latin
# script, so workbooks, forms and reports need no extra fonts on respondents' machines.
LANGUAGES = ("en", "id", "vi")
# The language a workbook for a respondent is written in when the respondent has not chosen one.
COUNTRY_LANGUAGES = {"IDN": "id", "VNM": "vi"}
_HEADER = re.compile(r'^"(X-[A-Za-z-]+):\s*(.*?)(?:\\n)?"$', re.MULTILINE)


def catalog_path(code: str) -> Path:
    return LOCALE_DIR / code / "LC_MESSAGES" / f"{DOMAIN}.po"


def language_code(text: str | None) -> str:
    """An answer naming a language (its code, or its name as any catalog writes it) as a catalog code;
    English when it names none."""
    value = (text or "").strip().lower()
    for code in LANGUAGES:
        names = {code} | {load(c)(f"language.{code}").lower() for c in LANGUAGES}
        if value in names:
            return code
    return SOURCE_LANGUAGE


@dataclass(frozen=True)
class Messages:
    """One language's catalog: ``messages("key", name=...)`` gives the text with its placeholders filled."""

    code: str
    texts: dict[str, str]
    reviewed: bool
    reviewed_by: str

    def __call__(self, key: str, **values: object) -> str:
        text = self.texts[key]  # KeyError: a message the catalog lacks
        return text.format(**values) if values else text

    def has(self, key: str) -> bool:
        return key in self.texts

    @property
    def name(self) -> str:
        """The language's own name for itself (``Tiếng Việt``)."""
        return self(f"language.{self.code}")

    @property
    def xlsform_language(self) -> str:
        """How XLSForm columns name the language: ``English (en)``."""
        return f"{self.name} ({self.code})"

    def review_note(self) -> str:
        """Empty for English and reviewed catalogs; else the notice that the translation is unreviewed."""
        return "" if self.reviewed or self.code == SOURCE_LANGUAGE else self("notice.unreviewed")

    # --- numbers and dates, written for the language (Babel's CLDR data) ---------------------
    def number(self, value: float | int) -> str:
        from babel.numbers import format_decimal

        return format_decimal(value, locale=self.code)

    def month_year(self, value: dt.date) -> str:
        from babel.dates import format_skeleton

        return format_skeleton("yMMMM", value, locale=self.code)

    def date(self, value: dt.date) -> str:
        from babel.dates import format_date

        return format_date(value, format="long", locale=self.code)


def review_status(code: str) -> tuple[bool, str]:
    """(reviewed, by whom) from the catalog's ``X-Review-Status`` and ``X-Reviewed-By`` header fields."""
    headers = dict(_HEADER.findall(catalog_path(code).read_text(encoding="utf-8").split("\n\n", 1)[0]))
    status = headers.get("X-Review-Status", "").strip().lower()
    if status not in ("reviewed", "unreviewed"):
        raise ValueError(f"{catalog_path(code).name} of '{code}': the header must say X-Review-Status: reviewed or unreviewed")
    return status == "reviewed", headers.get("X-Reviewed-By", "").strip()


@lru_cache(maxsize=None)
def load(code: str) -> Messages:
    """Read a catalog with Babel, compile it (MO, in memory) and return its messages.

    Fuzzy or empty translations are left out, so that using them fails like a missing one.
    """
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    from babel.support import Translations

    if code not in LANGUAGES:
        raise KeyError(f"no catalog for language '{code}' (available: {', '.join(LANGUAGES)})")
    with catalog_path(code).open("rb") as handle:
        catalog = read_po(handle, locale=code, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    translations = Translations(buffer, domain=DOMAIN)
    keys = [m.id for m in catalog if m.id and isinstance(m.id, str) and m.string and not m.fuzzy]
    reviewed, by = review_status(code)
    return Messages(code, {k: translations.gettext(k) for k in keys}, reviewed, by)


def catalog_keys(code: str) -> dict[str, str]:
    """Every message id of a catalog with its text as written ('' when untranslated or fuzzy), for tests."""
    from babel.messages.pofile import read_po

    with catalog_path(code).open("rb") as handle:
        catalog = read_po(handle, locale=code, domain=DOMAIN)
    return {m.id: ("" if m.fuzzy else m.string) for m in catalog if m.id}
