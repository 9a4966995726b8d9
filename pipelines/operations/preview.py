"""Live preview for authors (``make preview``): the HTML edition served on localhost, rebuilt when a
source or template file changes, and the page in the browser reloaded.

One long-lived process keeps the edition's upstream data in memory (catalog, source tables, survey
intake, indicators), computed by the same plain functions the Dagster assets call. A change
recomputes only the stage its folder feeds (``stages.stage_of``: the same classification incremental
builds use), then the document and its HTML; the PDF is not rendered.

The files are watched by polling their modification times and sizes (no extra dependency). The page
the browser gets is a copy of ``report.html`` with a small script that polls the preview's version
and reloads when it changes; the published report never contains it. A build that fails (a narrative
typo, a bad survey row) shows a readable error page naming the file and line, the last good page
stays at ``/last-good``, and saving the fixed file brings the page back. Everything the preview
writes goes to ``outputs/<edition>/preview/`` (and the charts and font subsets it makes to the content
cache ``outputs/.cache/`` the builds share): never into a published build, never into the Dagster
instance.
"""

from __future__ import annotations

import html
import json
import os
import sys
import threading
import time
import traceback
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from pipelines.operations.stages import BRINGS, EVERYTHING, REPORT_STAGES, stage_of
from pipelines.settings import ProjectPaths

PREVIEW_FOLDER = "preview"
VERSION_PATH = "/__preview__/version"
STATUS_PATH = "/__preview__/status"
POLL_SECONDS = 0.2
CONTEXT_CHARS = 160  # lines around the faulty one are shortened to this
SETTLE_SECONDS, SETTLE_ROUNDS = 0.05, 20
PORT_ATTEMPTS = 20


RELOAD_SCRIPT = """<script id="afml-preview-reload">/* live preview only: reloads the page when the preview is rebuilt */
(function () {
  var version = "%(version)s", key = "afml-preview-scroll";
  try { var y = sessionStorage.getItem(key); if (y !== null) { sessionStorage.removeItem(key); window.scrollTo(0, +y); } } catch (e) {}
  function poll() {
    fetch("%(path)s", {cache: "no-store"}).then(function (r) { return r.text(); }).then(function (text) {
      if (text.trim() !== version) { try { sessionStorage.setItem(key, String(window.scrollY)); } catch (e) {} location.reload(); }
      else { setTimeout(poll, 250); }
    }, function () { setTimeout(poll, 1000); });
  }
  setTimeout(poll, 250);
})();
</script>
"""


def with_reload_script(page: str, version: int) -> str:
    """The page with the reload script inserted before its last ``</body>`` (appended if it has none)."""
    script = RELOAD_SCRIPT % {"version": version, "path": VERSION_PATH}
    at = page.lower().rfind("</body>")
    return page + script if at < 0 else page[:at] + script + page[at:]


def is_ignored(path: Path) -> bool:
    """Editor swap and backup files, lock files and partial downloads are not changes of the sources."""
    name = path.name
    return name.startswith((".", "~$", "#")) or name.endswith(("~", ".tmp", ".swp", ".swx", ".part", ".crdownload")) or "__pycache__" in path.parts


def snapshot(folders: list[Path]) -> dict[Path, tuple[int, int]]:
    """Modification time and size of every file under ``folders``."""
    seen = {}
    for folder in folders:
        for dirpath, dirnames, filenames in os.walk(folder):
            dirnames[:] = [d for d in dirnames if not d.startswith(".") and d != "__pycache__"]
            for name in filenames:
                path = Path(dirpath) / name
                if is_ignored(path):
                    continue
                try:
                    stat = path.stat()
                except OSError:
                    continue  # removed while we looked
                seen[path] = (stat.st_mtime_ns, stat.st_size)
    return seen


def changed_files(before: dict, after: dict) -> list[Path]:
    return sorted(p for p in before.keys() | after.keys() if before.get(p) != after.get(p))


@dataclass
class Problem:
    """Why the preview could not be rebuilt, as the error page shows it."""

    message: str
    file: str | None = None
    line: int | None = None
    excerpt: list[tuple[int, str]] = field(default_factory=list)

    @property
    def advice(self) -> str:
        """What to change, in general terms (the message says what exactly)."""
        if self.file and self.line and self.file.endswith((".md", ".j2")) and "syntax" in self.message:
            return f"Look at line {self.line}: a {{{{ … }}}} or {{% … %}} on it is not closed or not well formed."
        if self.file and self.line and self.file.endswith((".md", ".j2")):
            return (f"Look at line {self.line}: an expression between {{{{ and }}}} names a figure the pipeline does not compute, "
                    "or is misspelt; write a name the generated texts under templates/narrative/ use, or remove the braces around plain text.")
        if self.file:
            return f"Correct {self.file} as the message says."
        return "Correct the file the message names."


def describe(error: BaseException, root: Path) -> Problem:
    """The error in the author's terms: message, file and line (when known), and the lines around it."""
    file, line = getattr(error, "file", None), getattr(error, "line", None)
    message = str(error).strip() or type(error).__name__
    if not isinstance(error, (ValueError, KeyError, OSError, LookupError)):
        message = f"{type(error).__name__}: {message}"
    excerpt = []
    if isinstance(file, str):
        for prefix in (f"{file}, line {line}: ", f"{file}: "):  # the page says where already
            message = message.removeprefix(prefix)
    if isinstance(file, str) and isinstance(line, int):
        try:
            lines = (root / file).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            lines = []
        for n in range(max(1, line - 1), min(len(lines), line + 1) + 1):
            text = lines[n - 1]
            excerpt.append((n, text if n == line or len(text) <= CONTEXT_CHARS else text[:CONTEXT_CHARS] + " …"))
    return Problem(message, file if isinstance(file, str) else None, line if isinstance(line, int) else None, excerpt)


def error_page(problem: Problem, edition_id: str, has_good_page: bool) -> str:
    """A readable page for a failed rebuild (every piece of text escaped)."""
    esc = html.escape
    where = ""
    if problem.file:
        where = f"<p class=where>In <code>{esc(problem.file)}</code>" + (f", line {problem.line}" if problem.line else "") + ":</p>"
    excerpt = ""
    if problem.excerpt:
        rows = "".join(f'<tr{" class=bad" if n == problem.line else ""}><th>{n}</th><td>{esc(text)}</td></tr>' for n, text in problem.excerpt)
        excerpt = f"<table class=excerpt>{rows}</table>"
    good = '<p>The last page that built is at <a href="/last-good">/last-good</a>.</p>' if has_good_page else ""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Preview of {esc(edition_id)}: needs a fix</title>
<style>body{{font-family:system-ui,sans-serif;max-width:50rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#222}}
h1{{color:#9b1c1c;font-size:1.4rem}}pre{{white-space:pre-wrap;background:#fdf2f2;border-left:4px solid #9b1c1c;padding:.75rem 1rem}}
.excerpt{{border-collapse:collapse;font-family:monospace;margin:1rem 0}}.excerpt th{{color:#777;padding-right:1rem;text-align:right;font-weight:normal}}
.excerpt td{{white-space:pre-wrap}}.excerpt .bad{{background:#fde8e8}}</style></head>
<body><main>
<h1>The preview of {esc(edition_id)} could not be rebuilt</h1>
{where}
<pre>{esc(problem.message)}</pre>
{excerpt}
<p>{esc(problem.advice)} Save the file: this page reloads by itself as soon as the preview builds again.</p>
{good}
</main></body></html>
"""


WAITING_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Preview: building</title></head>
<body><main><p>Building the preview of %s&hellip; this page reloads when it is ready.</p></main></body></html>
"""


class Preview:
    """The edition's stages kept in memory, recomputed from the first stage a change feeds."""

    def __init__(self, paths: ProjectPaths, edition_id: str):
        self.paths, self.edition_id = paths, edition_id
        self.scratch = paths.edition_outputs(edition_id) / PREVIEW_FOLDER
        self.stale = set(EVERYTHING)  # stages to recompute; kept when a rebuild fails
        self.data: dict = {}
        self.version = 0
        self.good_page: str | None = None  # last good report.html, without the script
        self.problem: Problem | None = None
        self.last_seconds: float | None = None
        self.lock = threading.Lock()

    def _compute(self) -> str:
        """Recompute the stale stages and return the HTML edition."""
        from pipelines.catalog.load import catalog_of_edition
        from pipelines.indicators.assets import coverage_of, indicators_of
        from pipelines.indicators.change import changes_since_previous
        from pipelines.report.assets import document_from, provenance_of, sections_of
        from pipelines.report.render import render_html
        from pipelines.shared.content_cache import cache_folder
        from pipelines.survey.assets import initiatives_of_edition, intake_of_edition
        from pipelines.tables.assets import load_edition_tables, printed_vs_computed_of

        paths, eid, d = self.paths, self.edition_id, self.data
        edition = paths.edition(eid)
        if "catalog" in self.stale:
            d["catalog"] = catalog_of_edition(paths, eid)
            self.stale.discard("catalog")
        c = d["catalog"]
        if "tables" in self.stale:
            d["source_tables"] = load_edition_tables(paths, eid)
            d["printed_vs_computed"] = printed_vs_computed_of(paths, eid, d["source_tables"])
            self.stale.discard("tables")
        if "survey" in self.stale:
            intake = intake_of_edition(paths, eid)
            if intake.structural:
                raise ValueError("the survey cannot be used:\n" + "\n".join(intake.structural))
            d["survey_intake"], d["respondents"] = intake, intake.respondents
            d["initiatives"] = initiatives_of_edition(paths, eid, intake)
            args = (c["forums"], c["recommendations"], c["cluster_memberships"], d["respondents"], d["initiatives"])
            d["cluster_indicators"] = indicators_of(edition, "cluster", *args)
            d["subcluster_indicators"] = indicators_of(edition, "subcluster", *args)
            d["coverage"] = coverage_of(c["clusters"], d["respondents"], d["initiatives"])
            d["indicator_changes"] = changes_since_previous(
                paths, eid, c["forums"], c["clusters"], c["subclusters"], c["recommendations"], c["cluster_memberships"], d["cluster_indicators"], d["initiatives"]
            )
            self.stale.discard("survey")
        provenance = provenance_of(paths, eid, d["respondents"])
        with cache_folder(paths.cache_dir):  # the charts and font subsets the builds already made
            sections = sections_of(
                paths, eid, c["forums"], c["forum_subthemes"], c["clusters"], c["subclusters"], c["recommendations"], c["cluster_memberships"],
                d["source_tables"], d["printed_vs_computed"], d["survey_intake"], d["respondents"], d["initiatives"],
                d["cluster_indicators"], d["subcluster_indicators"], d["coverage"], d["indicator_changes"],
            )  # fmt: skip
            document = document_from(paths, sections, provenance)
            return render_html(document, paths.templates, medium="html")

    def rebuild(self, stages=EVERYTHING) -> bool:
        """Recompute from ``stages`` on; True when the page built. A failure keeps the last good page."""
        start = time.perf_counter()
        for stage in stages:
            self.stale |= BRINGS[stage]
        try:
            page = self._compute()
        except Exception as error:  # noqa: BLE001 -- any failure is shown to the author, the server stays up
            problem = describe(error, self.paths.root)
            if not isinstance(error, (ValueError, OSError)):  # not a problem of the sources: a defect to report
                traceback.print_exc(file=sys.stderr)
            with self.lock:
                self.problem, self.version = problem, self.version + 1
                self._write("error.html", error_page(problem, self.edition_id, self.good_page is not None))
            return False
        self.stale -= REPORT_STAGES
        with self.lock:
            self.good_page, self.problem, self.version = page, None, self.version + 1
            self._write("report.html", with_reload_script(page, self.version))
            self.last_seconds = time.perf_counter() - start
        return True

    def _write(self, name: str, text: str) -> None:
        self.scratch.mkdir(parents=True, exist_ok=True)
        partial = self.scratch / f"{name}.part"
        partial.write_text(text, encoding="utf-8")
        partial.replace(self.scratch / name)

    def page(self, last_good: bool = False) -> str:
        """What the browser gets: the page (or the error page) with the reload script."""
        with self.lock:
            if self.problem is not None and not last_good:
                body = error_page(self.problem, self.edition_id, self.good_page is not None)
            elif self.good_page is not None:
                body = self.good_page
            else:
                body = WAITING_PAGE % html.escape(self.edition_id)
            return with_reload_script(body, self.version)

    def status(self) -> dict:
        with self.lock:
            return {"version": self.version, "ok": self.problem is None and self.good_page is not None, "seconds": self.last_seconds}


def _handler(preview: Preview):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 -- the name http.server calls
            route = self.path.split("?", 1)[0]
            if route == VERSION_PATH:
                self._send(str(preview.status()["version"]), "text/plain")
            elif route == STATUS_PATH:
                self._send(json.dumps(preview.status()), "application/json")
            elif route in ("/", "/report.html", "/last-good"):
                self._send(preview.page(last_good=route == "/last-good"), "text/html")
            else:
                self._send("Not part of the preview: open /", "text/plain", 404)

        def _send(self, text: str, kind: str, status: int = 200):
            data = text.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", f"{kind}; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format, *args):  # noqa: A002 -- quiet: the browser polls several times a second
            pass

    return Handler


def bind(preview: Preview, port: int, attempts: int = PORT_ATTEMPTS) -> ThreadingHTTPServer:
    """An HTTP server on 127.0.0.1 at ``port`` or, if it is taken, the next free one (0: any free port)."""
    for candidate in [port] if port == 0 else range(port, port + attempts):
        try:
            server = ThreadingHTTPServer(("127.0.0.1", candidate), _handler(preview))
        except OSError:
            continue
        server.daemon_threads = True
        return server
    raise OSError(f"ports {port}–{port + attempts - 1} on 127.0.0.1 are all taken; choose another with PORT=…")


class PreviewServer:
    """The preview served and its sources watched, each in a thread of its own (for tests and benchmarks;
    the command line runs the same in the foreground)."""

    def __init__(self, paths: ProjectPaths, edition_id: str, port: int = 0, log=print):
        self.preview = Preview(paths, edition_id)
        self.server = bind(self.preview, port)
        self.log = log
        self.stopping = threading.Event()
        self.threads: list[threading.Thread] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/"

    def watch(self) -> None:
        """Build once, then rebuild after every change until stopped."""
        paths, preview = self.preview.paths, self.preview
        folders = [paths.sources, paths.templates]
        seen = snapshot(folders)
        self._report(preview.rebuild(), "first build")
        while not self.stopping.wait(POLL_SECONDS):
            now = snapshot(folders)
            changed = changed_files(seen, now)
            if not changed:
                continue
            for _ in range(SETTLE_ROUNDS):  # an editor or a copy may still be writing: wait until it settles
                time.sleep(SETTLE_SECONDS)
                later = snapshot(folders)
                if later == now:
                    break
                changed, now = changed_files(seen, later), later
            seen = now
            stages = {stage_of(p, paths, preview.edition_id) for p in changed}
            names = ", ".join(_relative(p, paths.root) for p in changed[:3]) + (f" and {len(changed) - 3} more" if len(changed) > 3 else "")
            self._report(preview.rebuild(stages), f"{names} changed")

    def _report(self, ok: bool, why: str) -> None:
        p = self.preview
        if ok:
            self.log(f"{why}: page rebuilt in {p.last_seconds:.1f} s (version {p.version})")
        else:
            where = f"{p.problem.file}, line {p.problem.line}: " if p.problem.file and p.problem.line else ""
            self.log(f"{why}: the preview could not be rebuilt: {where}{p.problem.message.splitlines()[0]} (shown in the browser)")

    def start(self) -> PreviewServer:
        for target in (self.server.serve_forever, self.watch):
            thread = threading.Thread(target=target, daemon=True)
            thread.start()
            self.threads.append(thread)
        return self

    def stop(self) -> None:
        self.stopping.set()
        self.server.shutdown()
        self.server.server_close()
        for thread in self.threads:
            thread.join(timeout=30)


def _relative(path: Path, root: Path) -> str:
    return str(path.relative_to(root)) if path.is_relative_to(root) else str(path)


def serve(edition_id: str, port: int = 8000, sources: str | None = None, outputs: str | None = None) -> int:
    """``python -m pipelines preview``: serve the edition until Ctrl+C."""
    overrides = {k: v for k, v in {"outputs_dir": outputs, "sources_dir": sources}.items() if v}
    paths = ProjectPaths(**overrides)
    editions = paths.editions()
    edition_id = edition_id or next(iter(editions))
    if edition_id not in editions:
        print(f"unknown edition {edition_id!r}; declared in sources/editions.yaml: {', '.join(editions)} (make preview EDITION=…)", file=sys.stderr)
        return 2
    try:
        runner = PreviewServer(paths, edition_id, port, log=lambda line: print(line, flush=True))
    except OSError as error:
        print(error, file=sys.stderr)
        return 1
    print(f"Preview of {edition_id} at {runner.url} (rebuilt when sources/ or templates/ change; Ctrl+C to stop)", flush=True)
    thread = threading.Thread(target=runner.server.serve_forever, daemon=True)
    thread.start()
    try:
        runner.watch()
    except KeyboardInterrupt:
        print("preview stopped")
    finally:
        runner.stopping.set()
        runner.server.shutdown()
        runner.server.server_close()
    return 0
