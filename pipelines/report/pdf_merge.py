"""The PDFs of the paper's parts joined into one tagged PDF (PDF/UA-1), as one layout of the whole
paper would have written it: its pages in order, one structure tree, one outline, one set of named
destinations, the links between parts, the page labels the pages print, and the files attached.

Each part is a complete tagged PDF written by WeasyPrint (:func:`pipelines.report.render.write_part`).
Joined:

- **Structure.** The elements under each part's ``Document`` element go under one ``Document``, in
  order. The numbers that tie marked content and link annotations to their elements
  (``/StructParents`` of a page, ``/StructParent`` of an annotation, the keys of the
  ``/ParentTree``) are shifted past those of the parts before.
- **Outline.** The parts' top-level bookmarks follow one another; each part starts with a top-level
  section, so nothing nests across parts.
- **Links.** A link to another part's anchor was written as a URI (:data:`paged_parts.PART_LINK`);
  it becomes a link to the named destination the anchor's part holds, as WeasyPrint writes a link
  within a part.
- **Document.** The catalog's language, marking, viewer preferences and XMP metadata, and the
  document information, are the first part's (every part has the same head).

pikepdf (qpdf) writes the file with deterministic object numbers and identifier: the same parts give
the same bytes.
"""

from __future__ import annotations

import datetime as dt
import mimetypes
import warnings
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name

from pipelines.report.paged_parts import PART_LINK

CATALOG_KEYS = ("/Lang", "/MarkInfo", "/ViewerPreferences", "/Metadata")


def merge(parts: list[Path], target: Path, body_start: int | None, attachments: list[Path], build_date: dt.datetime | None) -> None:
    """Join the PDFs ``parts`` into ``target``; ``body_start`` is the index of the page where the
    body's numbering starts at 1 (the pages before it are labelled in roman numerals), if any; the
    ``attachments`` are embedded with the build date as their dates."""
    out = pikepdf.new()
    document = out.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document, K=Array()))
    tree = out.make_indirect(Dictionary(Type=Name.StructTreeRoot, K=Array([document])))
    document.P = tree
    parent_tree, next_key = Array(), 0
    destinations: dict[bytes, object] = {}
    bookmarks = []
    sources = [pikepdf.open(path) for path in parts]
    try:
        for source in sources:
            first_page = len(out.pages)
            with warnings.catch_warnings():  # the named destinations are carried over below
                warnings.simplefilter("ignore", pikepdf.PageCopyWarning)
                out.pages.extend(source.pages)
            pages = [out.pages[i].obj for i in range(first_page, len(out.pages))]
            copied = out.copy_foreign(source.Root.StructTreeRoot)
            for element in copied.K[0].K:
                element.P = document
                document.K.append(element)
            numbers = copied.ParentTree.Nums
            keys = [int(numbers[i]) for i in range(0, len(numbers), 2)]
            for i, key in enumerate(keys):
                parent_tree.append(key + next_key)
                parent_tree.append(numbers[2 * i + 1])
            for page in pages:
                if "/StructParents" in page:
                    page.StructParents = int(page.StructParents) + next_key
                for annotation in page.get("/Annots", []):
                    if "/StructParent" in annotation:
                        annotation.StructParent = int(annotation.StructParent) + next_key
                    _link_across_parts(annotation)
            next_key += max(keys) + 1 if keys else 0
            names = source.Root.get("/Names")
            dests = names.get("/Dests") if names is not None else None
            if dests is not None:
                listed = dests.Names
                for i in range(0, len(listed), 2):
                    destinations[bytes(listed[i])] = out.copy_foreign(source.make_indirect(listed[i + 1]))
            outline = source.Root.get("/Outlines")
            if outline is not None:
                item = out.copy_foreign(outline if outline.is_indirect else source.make_indirect(outline)).get("/First")
                while item is not None:
                    bookmarks.append(item)
                    item = item.get("/Next")
        tree.ParentTree = out.make_indirect(Dictionary(Nums=parent_tree))
        tree.ParentTreeNextKey = next_key
        out.Root.StructTreeRoot = tree
        out.Root.Names = Dictionary(Dests=Dictionary(Names=Array([entry for name in sorted(destinations) for entry in (pikepdf.String(name), destinations[name])])))
        if bookmarks:
            out.Root.Outlines = _outline(out, bookmarks)
        first = sources[0]
        for key in CATALOG_KEYS:
            if key in first.Root:
                value = first.Root[key]
                out.Root[key] = out.copy_foreign(value if value.is_indirect else first.make_indirect(value)) if isinstance(value, (pikepdf.Dictionary, pikepdf.Stream)) else value
        out.trailer.Info = out.copy_foreign(first.make_indirect(first.trailer.Info))
        if body_start:
            out.Root.PageLabels = Dictionary(Nums=Array([0, Dictionary(S=Name.r), body_start, Dictionary(S=Name.D)]))
        for path in attachments:
            _attach(out, path, build_date)
        out.save(target, deterministic_id=True, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate, force_version="1.7")
    finally:
        for source in sources:
            source.close()


def _link_across_parts(annotation) -> None:
    """A link written as a URI to another part's anchor, made a link to the anchor's destination."""
    action = annotation.get("/A")
    if action is None or action.get("/S") != "/URI":
        return
    uri = bytes(action.URI).decode("utf-8", "replace")
    if uri.startswith(PART_LINK):
        del annotation.A
        annotation.Dest = pikepdf.String(uri[len(PART_LINK) :])


def _outline(out, bookmarks: list):
    """One outline whose top-level items are ``bookmarks``, in order."""
    root = out.make_indirect(Dictionary(Type=Name.Outlines))
    visible = 0
    for i, item in enumerate(bookmarks):
        item.Parent = root
        if i:
            item.Prev = bookmarks[i - 1]
        elif "/Prev" in item:
            del item.Prev
        if i + 1 < len(bookmarks):
            item.Next = bookmarks[i + 1]
        elif "/Next" in item:
            del item.Next
        visible += 1 + max(int(item.get("/Count", 0)), 0)
    root.First, root.Last, root.Count = bookmarks[0], bookmarks[-1], visible
    return root


def _attach(out, path: Path, build_date: dt.datetime | None) -> None:
    """Embed the file at ``path`` under its name, dated with the build date."""
    data = path.read_bytes()
    dates = {}
    if build_date is not None:
        when = build_date if build_date.tzinfo else build_date.replace(tzinfo=dt.timezone.utc)
        dates = {"creation_date": _pdf_date(when), "mod_date": _pdf_date(when)}
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    out.attachments[path.name] = pikepdf.AttachedFileSpec(out, data, filename=path.name, mime_type=mime, **dates)


def _pdf_date(when: dt.datetime) -> str:
    return "D:" + when.astimezone(dt.timezone.utc).strftime("%Y%m%d%H%M%S") + "Z"
