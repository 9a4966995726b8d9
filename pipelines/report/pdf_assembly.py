"""The paper's PDF, laid out part by part and joined: the parts side by side on the machine's cores,
and after a change, only the parts whose HTML changed.

:func:`write_pdf` cuts the paged HTML into parts (:mod:`pipelines.report.paged_parts`: the front
matter and each top-level section, each starting on a new page), lays each out as a PDF of its own
(:func:`pipelines.report.render.write_part`) and joins them (:mod:`pipelines.report.pdf_merge`).

A part prints numbers that depend on the others' layouts: the number of its first page, the page
labels of the anchors it points to. They are taken from the last layout of the same paper
(:class:`PartStore`, ``plan-*.json``) or, with none, guessed; every part whose numbers turn out other
than those it was laid out with is laid out again, until none is (at most :data:`MAX_LAYOUTS`
rounds). So the PDF depends only on the paged HTML, never on what was guessed: the same HTML gives
the same bytes, whatever was laid out before.

Laying out parts side by side: each part is laid out in a process forked from the caller
(``processes`` at a time), which writes its PDF and ends, returning its memory to the system; the
parent, which has WeasyPrint loaded already, only schedules and joins. With ``processes=0`` (tests,
a caller that is not the render process) the parts are laid out one after another in this process.

Reusing parts (a partial build, after a narrative or survey change): a part whose HTML, page numbers
and code are those of a part laid out before is taken from the store instead of laid out again. A
full build lays out every part.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pipelines.report.paged_parts import PagedPaper, PartLayout, guessed_layout, numbering, part_document, split
from pipelines.report.render import LaidOutPart, PdfResult, epoch_of, loaded_before_fork, source_date_epoch, write_part
from pipelines.shared.garbage_collection import batch_collection

MAX_LAYOUTS = 4  # rounds of layout before the page numbers must have settled
KEPT_PLANS = 8  # papers whose plan and parts the store keeps (the most recently laid out)
RENDER_PACKAGES = ("weasyprint", "pydyf", "fonttools", "tinycss2", "cssselect2", "tinyhtml5", "pikepdf")


class PartLayoutStopped(RuntimeError):
    """The process laying out a part ended on a signal (most often: it ran out of memory)."""

    def __init__(self, message: str, signal: int):
        super().__init__(message)
        self.signal = signal


class PageNumbersUnsettled(RuntimeError):
    """The parts' page numbers still changed after :data:`MAX_LAYOUTS` rounds of layout."""


@dataclass
class PartStore:
    """Where the layouts of a paper's parts are kept between builds (``folder``): the plan of the
    last layout of each paper (the guesses of the next), and each part's PDF under the digest of what
    it was laid out from. Parts are taken from it only when ``reuse`` is set (a partial build)."""

    folder: Path
    reuse: bool = False

    def plan_file(self, paper: PagedPaper) -> Path:
        described = paper.head[paper.head.find("<body") :] + "\n" + "\n".join(part.name for part in paper.parts)
        return self.folder / f"plan-{hashlib.sha256(described.encode('utf-8')).hexdigest()[:16]}.json"

    def plan(self, paper: PagedPaper) -> dict:
        try:
            return json.loads(self.plan_file(paper).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def laid_out(self, key: str) -> tuple[LaidOutPart, Path] | None:
        """The part laid out before from the HTML whose digest is ``key``, and its PDF, when reusing."""
        if not self.reuse:
            return None
        pdf, record = self.folder / f"{key}.pdf", self.folder / f"{key}.json"
        try:
            return (LaidOutPart.from_record(json.loads(record.read_text(encoding="utf-8"))), pdf) if pdf.exists() else None
        except (OSError, ValueError, KeyError, TypeError):  # unreadable: laid out again
            return None

    def keep(self, paper: PagedPaper, done: dict) -> None:
        """Keep this paper's plan and parts; drop the parts no kept plan names any more. The plan is
        written first, so that a build of another edition pruning meanwhile keeps these parts."""
        self.folder.mkdir(parents=True, exist_ok=True)
        plan = {}
        for index, part in enumerate(paper.parts):
            rendered = done[index]
            plan[part.name] = {"key": rendered.key, "pages": rendered.part.pages, "restart": rendered.part.restart, "anchors": rendered.part.anchors, "seconds": rendered.seconds}
        _write_atomically(self.plan_file(paper), json.dumps(plan, sort_keys=True).encode("utf-8"))
        for rendered in done.values():
            pdf, record = self.folder / f"{rendered.key}.pdf", self.folder / f"{rendered.key}.json"
            if not pdf.exists():
                _write_atomically(pdf, rendered.pdf.read_bytes())
            if not record.exists():
                _write_atomically(record, json.dumps(dataclasses.asdict(rendered.part)).encode("utf-8"))
        plans = sorted(self.folder.glob("plan-*.json"), key=lambda other: other.stat().st_mtime, reverse=True)
        for stale in plans[KEPT_PLANS:]:  # papers not laid out for a long while (an edition's sections renamed)
            stale.unlink(missing_ok=True)
        named = set()
        for other in plans[:KEPT_PLANS]:
            try:
                named |= {entry["key"] for entry in json.loads(other.read_text(encoding="utf-8")).values()}
            except (OSError, ValueError, KeyError, TypeError):
                continue
        for entry in self.folder.iterdir():
            if entry.suffix in (".pdf", ".json") and not entry.name.startswith("plan-") and entry.stem not in named:
                entry.unlink(missing_ok=True)


def _write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a file of its own, renamed into place."""
    with tempfile.NamedTemporaryFile(dir=path.parent, prefix=path.name + ".", suffix=".part", delete=False) as partial:
        partial.write(data)
    Path(partial.name).replace(path)


@dataclass
class _Rendered:
    key: str
    part: LaidOutPart
    pdf: Path | None  # None: laid out to learn its layout only
    seconds: float


def write_pdf(
    html: str,
    target: Path,
    base_dir: Path,
    allowed_roots: list[Path],
    attachments: list[Path] | Callable[[], list[Path]] | None = None,
    build_date=None,
    processes: int = 0,
    store: PartStore | None = None,
) -> PdfResult:
    """Lay out ``html`` part by part and write the tagged PDF (PDF/UA-1) to ``target``, with
    ``attachments`` (or the files a function given instead returns, asked once the layout is done).

    Resources resolve against ``base_dir`` and only files below ``allowed_roots`` may be read.
    ``processes``: parts laid out at a time, each in a forked process; 0 lays them out here, one
    after another. ``store``: the plan of the last layout and, in a partial build, parts to reuse."""
    from pipelines.report.pdf_merge import merge
    from pipelines.shared.content_cache import pipeline_identity

    paper = split(html)
    identity = hashlib.sha256(pipeline_identity(RENDER_PACKAGES) + str(epoch_of(build_date)).encode()).hexdigest()
    plan = store.plan(paper) if store else {}
    done: dict[int, _Rendered] = {}
    layouts_made = 0
    with tempfile.TemporaryDirectory(prefix="afml-parts-") as scratch:
        for round_number in range(MAX_LAYOUTS + 1):
            documents, keys, guessed = _documents(paper, plan, done, identity)
            todo = [index for index in range(len(paper.parts)) if index not in done or done[index].key != keys[index] or done[index].pdf is None]
            if not todo:
                break
            if round_number == MAX_LAYOUTS:
                unsettled = ", ".join(f"«{paper.parts[index].title}»" for index in todo)
                raise PageNumbersUnsettled(f"the page numbers of the PDF did not settle after {MAX_LAYOUTS} layouts of its parts: the page numbers printed in {unsettled} kept changing (a cross-reference whose page number moves text onto another page; rewording the sentence around it settles it)")
            for index in list(todo):
                reused = store.laid_out(keys[index]) if store else None
                if reused:  # its seconds: those of its last layout, for the next plan
                    done[index] = _Rendered(keys[index], reused[0], reused[1], plan.get(paper.parts[index].name, {}).get("seconds") or 0.0)
                    todo.remove(index)
            expected = {index: plan.get(paper.parts[index].name, {}).get("seconds") or len(paper.parts[index].html) / 1e5 for index in todo}
            todo.sort(key=lambda index: -expected[index])  # the longest first: the cores finish together
            # With numbers merely guessed (a part never laid out before), this round only learns the
            # layouts (about 60 % of the work: nothing is drawn); the next one writes the parts.
            write = not guessed
            jobs = [(index, documents[index], Path(scratch) / f"part-{index}-{round_number}.pdf", paper.parts[index].title) for index in todo]
            layouts_made += len(jobs) if write else 0
            for index, (part, seconds) in _lay_out(jobs, base_dir, allowed_roots, build_date, processes, write, paper.inlined).items():
                done[index] = _Rendered(keys[index], part, Path(scratch) / f"part-{index}-{round_number}.pdf" if write else None, seconds)
        ordered = [done[index] for index in range(len(paper.parts))]
        if callable(attachments):
            attachments = attachments()
        body_start = numbering([rendered.part.layout for rendered in ordered]).body_start
        with source_date_epoch(epoch_of(build_date)):
            merge([rendered.pdf for rendered in ordered], target, body_start, list(attachments or []), build_date)
        if store:
            store.keep(paper, done)
    offsets = [sum(rendered.part.pages for rendered in ordered[:i]) for i in range(len(ordered))]
    fills = [dataclasses.replace(fill, number=fill.number + offset) for offset, rendered in zip(offsets, ordered) for fill in rendered.part.fills]
    return PdfResult(
        pages=sum(rendered.part.pages for rendered in ordered),
        warnings=list(dict.fromkeys(message for rendered in ordered for message in rendered.part.warnings)),
        missing_glyphs=list(dict.fromkeys(glyph for rendered in ordered for glyph in rendered.part.missing_glyphs)),
        fills=fills,
        parts=len(ordered),
        parts_laid_out=layouts_made,
    )


def _documents(paper: PagedPaper, plan: dict, done: dict, identity: str) -> tuple[dict[int, str], dict[int, str], bool]:
    """Each part's HTML with the numbers the layouts known so far give, its digest, and whether any of
    those layouts is a mere guess (a part neither laid out nor in the plan)."""
    layouts, guessed = [], False
    for index, part in enumerate(paper.parts):
        planned = _planned_layout(plan.get(part.name), part)
        if index in done:
            layouts.append(done[index].part.layout)
        elif planned is not None:
            layouts.append(planned)
        else:
            layouts.append(guessed_layout(part))
            guessed = True
    numbers = numbering(layouts)
    documents, keys, footnotes = {}, {}, 0
    for index, part in enumerate(paper.parts):
        documents[index] = part_document(paper, index, numbers.firsts[index], numbers.labels, footnotes)
        keys[index] = hashlib.sha256((identity + "\0" + documents[index]).encode("utf-8")).hexdigest()
        footnotes += part.footnotes
    return documents, keys, guessed


def _planned_layout(entry, part) -> PartLayout | None:
    """The layout the plan recorded for ``part`` (its anchors that still exist), or None when it has
    none or an unreadable one (the plan is a guess: a bad one is only slower)."""
    try:
        return PartLayout(int(entry["pages"]), entry["restart"], {anchor: int(page) for anchor, page in entry["anchors"].items() if anchor in part.ids})
    except (TypeError, KeyError, ValueError, AttributeError):
        return None


def _lay_out(jobs: list[tuple[int, str, Path, str]], base_dir: Path, allowed_roots: list[Path], build_date, processes: int, write: bool = True, inlined: dict[str, str] | None = None) -> dict[int, tuple[LaidOutPart, float]]:
    """Lay out each ``(index, html, target, title)`` and, if ``write``, write it to its target: here, one
    after another (``processes`` 0), or in forked processes, ``processes`` at a time. Returns index ->
    (the part, its seconds). ``inlined``: the paper's data: URLs the parts refer to
    (:attr:`~pipelines.report.paged_parts.PagedPaper.inlined`)."""
    if processes <= 0 or not hasattr(os, "fork"):  # no fork (Windows): one after another, here
        laid = {}
        for index, html, target, _ in jobs:
            started = time.perf_counter()
            with batch_collection():
                laid[index] = (write_part(html, target if write else None, base_dir, allowed_roots, build_date, inlined), time.perf_counter() - started)
        return laid
    return _lay_out_forked(jobs, base_dir, allowed_roots, build_date, processes, write, inlined)


def _lay_out_forked(jobs, base_dir, allowed_roots, build_date, processes, write, inlined) -> dict[int, tuple[LaidOutPart, float]]:
    loaded_before_fork()
    laid, running, waiting = {}, {}, list(jobs)
    titles = {index: title for index, _, _, title in jobs}
    try:
        while waiting or running:
            while waiting and len(running) < processes:
                index, html, target, _ = waiting.pop(0)
                record = target.with_suffix(".json")
                pid = os.fork()
                if pid == 0:  # the child: lay out, write, end
                    _child(html, target if write else None, record, base_dir, allowed_roots, build_date, inlined)
                running[pid] = (index, record, time.perf_counter())
            pid, status = os.wait()
            if pid not in running:
                continue
            index, record, started = running.pop(pid)
            code = os.waitstatus_to_exitcode(status)
            if code < 0:  # a C library that could not allocate (under the memory limit) ends the process
                raise PartLayoutStopped(f"the layout of the part of the PDF starting with «{titles[index]}» stopped without finishing (signal {-code})", -code)
            if code != 0 or not record.exists():
                raise RuntimeError(f"the layout of the part of the PDF starting with «{titles[index]}» failed (exit status {code}); its error is above")
            laid[index] = (LaidOutPart.from_record(json.loads(record.read_text(encoding="utf-8"))), time.perf_counter() - started)
    finally:
        for pid in running:
            try:
                os.kill(pid, 9)
                os.waitpid(pid, 0)
            except OSError:
                pass
    return laid


def _child(html, target, record, base_dir, allowed_roots, build_date, inlined) -> None:
    """In a forked process: lay out one part and end, without tearing the layout down (its memory
    goes back to the system with the process)."""
    status = 1
    try:
        _end_with_parent()
        part = write_part(html, target, base_dir, allowed_roots, build_date, inlined)
        record.write_text(json.dumps(dataclasses.asdict(part)), encoding="utf-8")
        status = 0
    except BaseException:  # noqa: BLE001 -- reported on stderr, the parent raises
        import traceback

        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)


def _end_with_parent() -> None:
    """Linux: end this process when its parent ends (a cancelled build kills the render process)."""
    try:
        import ctypes
        import signal

        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
