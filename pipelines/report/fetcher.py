"""The only way WeasyPrint may fetch anything: the project's own files and ``data:`` URIs.

Survey text is untrusted. Even though it is escaped, the renderer is confined as a second wall:
no network, no redirects, no file outside the template folder and the build's own folder.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from urllib.parse import unquote, urlsplit

from pipelines.report.paged_parts import INLINED


class ForbiddenResource(ValueError):
    """A URL the report is not allowed to load."""


def make_url_fetcher(allowed_roots: list[Path], inlined: Mapping[str, str] | None = None):
    """A WeasyPrint URL fetcher allowing ``data:`` and ``file:`` below ``allowed_roots`` only, and the
    paper's own ``data:`` URLs by reference (``inlined``: :data:`pipelines.report.paged_parts.INLINED`
    reference -> URL, see :func:`pipelines.report.paged_parts.split`)."""
    from weasyprint.urls import URLFetcher

    roots = [root.resolve() for root in allowed_roots]
    inlined = inlined or {}

    class ConfinedURLFetcher(URLFetcher):
        def __init__(self):
            super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False, timeout=5)

        def fetch(self, url, headers=None):
            if url.startswith(INLINED):
                if url not in inlined:
                    raise ForbiddenResource(f"blocked resource (not one of the paper's own): {url}")
                url = inlined[url]
            check_allowed(url, roots)
            return super().fetch(url, headers)

    return ConfinedURLFetcher()


def check_allowed(url: str, roots: list[Path]) -> None:
    """Raise :class:`ForbiddenResource` unless ``url`` is ``data:`` or a file under one of ``roots``."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "data":
        return
    if scheme != "file" or parts.netloc not in ("", "localhost"):
        raise ForbiddenResource(f"blocked resource (only the project's own files may be loaded): {url}")
    path = Path(unquote(parts.path)).resolve()
    if not any(path == root or root in path.parents for root in roots):
        raise ForbiddenResource(f"blocked file outside the template and build folders: {url}")
