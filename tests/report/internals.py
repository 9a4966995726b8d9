"""What a reader must never see on the page: the pipeline's insides.

Shared by the tests that scan the PDF text and the HTML body: file paths, edition ids, variable
codes (snake_case words) and Python representations. ``ALLOWED`` lists the few legitimate texts
that look like one of them.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

PATTERNS = {
    "file path": re.compile(r"\bsources/|\btemplates/|\bpipelines/|\b[\w-]+\.(?:csv|yaml|yml|md|py|j2)\b"),
    "variable code": re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b"),
    "Python representation": re.compile(r"\[\s*'|'\s*\]|\{\s*'|\bNone\b|\bnan\b|\bNaN\b|\bTrue\b|\bFalse\b|\bdtype\b"),
}
# Legitimate text that matches a pattern above (kept short and explicit).
ALLOWED = {"manifest.json"}


def findings(text: str, edition_ids: list[str]) -> list[str]:
    """Every suspicious fragment of ``text``, each with a little context, as "kind: «...»"."""
    found = []
    patterns = dict(PATTERNS)
    if edition_ids:
        patterns["edition id"] = re.compile("|".join(re.escape(e) for e in edition_ids))
    for kind, pattern in patterns.items():
        for match in pattern.finditer(text):
            if match.group(0) in ALLOWED:
                continue
            context = text[max(0, match.start() - 40) : match.end() + 40].replace("\n", " ")
            found.append(f"{kind}: {match.group(0)!r} in «{context}»")
    return found


class BodyText(HTMLParser):
    """The text of an HTML document's <body>, without scripts and styles."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._in_body = False
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag == "body":
            self._in_body = True
        elif tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if self._in_body and not self._skip:
            self.parts.append(data)


def body_text(html: str) -> str:
    parser = BodyText()
    parser.feed(html)
    return " ".join(parser.parts)
