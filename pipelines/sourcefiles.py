"""Reading the project's CSV sources the same way everywhere, and reporting what is wrong with them.

Identifiers stay strings, nothing is guessed to be missing ("n/a" in an answer is an answer), and
every problem found carries the file, sheet, row, column and value a person needs to fix it.
Row numbers are the ones a spreadsheet shows: the header is row 1, the first record row 2.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd

FIRST_DATA_ROW = 2  # the header is spreadsheet row 1
SHOWN_CHARACTERS = 120  # a value quoted in a message is cut after this many characters

# Characters that must never reach a log line, a message or a page unnoticed: C0/C1 controls
# (NUL included) and the bidirectional embeddings, overrides and isolates that reorder text.
CONTROL = "\x00-\x1f\x7f-\x9f"
BIDI = "\u202a-\u202e\u2066-\u2069"
_UNSAFE = re.compile(f"[{CONTROL}{BIDI}\u2028\u2029]")
_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def shown(text: object, limit: int = SHOWN_CHARACTERS) -> str:
    """A value as a message may show it: controls and direction marks made visible ("\\n", "[U+202E]"),
    long text cut with its length, so no value can forge a log line or flood a report."""
    text = "" if text is None else str(text)
    length = len(text)
    if length > limit:
        text = text[:limit]
    text = _UNSAFE.sub(lambda m: _ESCAPES.get(m.group(), f"[U+{ord(m.group()):04X}]"), text)
    return text + (f"… ({length} characters)" if length > limit else "")


def quoted(name: object) -> str:
    """A file name (or any value) in double quotes, made safe to print on one line."""
    return f'"{shown(name, limit=400)}"'


@dataclass(frozen=True)
class SourceProblem:
    """One thing wrong with one cell (or row, or file) of a source."""

    file: str
    row: int | None
    column: str
    value: str
    reason: str
    sheet: str = ""

    def describe(self) -> str:
        where = quoted(self.file) + (f", sheet {quoted(self.sheet)}" if self.sheet else "")
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column {quoted(self.column)}"
        return f"{where}: {shown(self.reason, limit=2000)}" + (f" (value: {quoted(self.value)})" if self.value != "" else "")

    def as_record(self) -> dict[str, object]:
        return asdict(self)


class SourceError(ValueError):
    """A source that cannot be used, with every problem found in it."""

    def __init__(self, problems: list[SourceProblem]):
        self.problems = problems
        lines = [p.describe() for p in problems[:50]]
        if len(problems) > 50:
            lines.append(f"... and {len(problems) - 50} more")
        super().__init__(f"{len(problems)} problem(s) in the sources:\n  " + "\n  ".join(lines))


def sha256_file(path: Path) -> str:
    """SHA-256 of a file's content, read in blocks."""
    import hashlib

    hasher = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            hasher.update(block)
    return hasher.hexdigest()


def read_csv_strings(path: Path) -> pd.DataFrame:
    """Read a UTF-8 CSV (a BOM is tolerated) with every cell as a string and nothing turned into NaN.
    A file that is not UTF-8 is an error naming the file and the first byte that is not."""
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False, encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceError([SourceProblem(path.name, None, "", "", f"not UTF-8 (byte {exc.start} of a block): {SAVE_AS}")]) from None


def relative_name(path: Path, root: Path) -> str:
    """The path as a person finds it in the checkout (never an absolute path of this machine). A link
    is named as itself, never by its target."""
    try:
        return (path.parent.resolve() / path.name).relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.name


def problems_from_pandera(error: Exception, file: str, frame: pd.DataFrame) -> list[SourceProblem]:
    """Turn a lazy pandera ``SchemaErrors`` into one :class:`SourceProblem` per failing cell."""
    cases = getattr(error, "failure_cases", None)
    if cases is None:
        return [SourceProblem(file, None, "", "", str(error))]
    problems = []
    for case in cases.itertuples(index=False):
        index = getattr(case, "index", None)
        row = None
        if index is not None and not pd.isna(index) and index in frame.index:
            row = int(frame.index.get_loc(index)) + FIRST_DATA_ROW
        column = "" if pd.isna(case.column) else str(case.column)
        value = "" if pd.isna(case.failure_case) else str(case.failure_case)
        problems.append(SourceProblem(file, row, column, value, f"fails check {case.check}"))
    return problems


def load_validated_csv(path: Path, model: type, root: Path) -> pd.DataFrame:
    """Read ``path`` and validate it against a pandera model, raising one error that lists every problem."""
    import pandera.errors

    name = relative_name(path, root)
    if not path.exists():
        raise SourceError([SourceProblem(name, None, "", "", "file not found")])
    frame = read_csv_strings(path)
    try:
        return model.validate(frame, lazy=True)
    except pandera.errors.SchemaErrors as error:
        raise SourceError(problems_from_pandera(error, name, frame)) from None


# --- Text encodings of CSV files -------------------------------------------------------------

BOMS = [  # longest first: the UTF-32-LE BOM starts with the UTF-16-LE one
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xfe\xff", "utf-16-be"),
    (b"\xff\xfe", "utf-16-le"),
]
# Legacy code pages a file may declare in its name (``name.cp874.csv``): Western European, Central
# European, Thai and Vietnamese Windows code pages and their ISO counterparts.
DECLARABLE = {"cp1252", "cp1250", "cp1258", "cp874", "iso8859-1", "iso8859-15", "iso8859-11", "tis-620", "latin-1", "utf-8", "utf-16", "utf-32"}
SAVE_AS = "save it as \"CSV UTF-8\" (Excel: File > Save As > CSV UTF-8 (Comma delimited))"
DETECTOR_MAX_CHAOS = 0.1  # charset-normalizer's mess ratio above which a guess is not taken
DETECTOR_SAMPLE_BYTES = 4 * 1024 * 1024  # the detector looks at the start of a file; the whole file must then decode
NOT_UTF8 = "\ufffd"  # what an undecodable byte of a mostly-UTF-8 file becomes; such cells are reported


class EncodingRefused(ValueError):
    """The file's encoding cannot be known for sure; the message says what to save it as."""


@dataclass(frozen=True)
class Decoded:
    text: str | None  # None: the bytes are valid in ``encoding`` as they are (parse them directly, no copy)
    encoding: str  # the codec used
    how: str  # "byte order mark", "content", "declared in the file name", "detected", "mixed"


def declared_encoding(name: str) -> str | None:
    """The encoding a file declares in its name: ``literature.cp1252.csv`` -> ``cp1252``."""
    import codecs

    parts = name.rsplit("/", 1)[-1].split(".")
    if len(parts) < 3:
        return None
    try:
        codec = codecs.lookup(parts[-2]).name
    except LookupError:
        return None
    return codec if codec in {codecs.lookup(n).name for n in DECLARABLE} else None


def _wide_unicode(data: bytes) -> str | None:
    """UTF-16 or UTF-32 without a byte order mark, told by where the zero bytes fall (the ASCII of
    headers, commas and digits has a zero high byte)."""
    sample = data[: 1 << 14]
    if sample.count(0) < len(sample) // 5:
        return None
    if len(data) % 4 == 0:
        lanes = [sample[i::4].count(0) for i in range(4)]
        quarter = len(sample) // 4
        if lanes[2] == lanes[3] == quarter and lanes[1] > quarter // 3:
            return "utf-32-le"
        if lanes[0] == lanes[1] == quarter and lanes[2] > quarter // 3:
            return "utf-32-be"
    half = len(sample) // 2
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if odd > half // 3 and even < odd // 10:
        return "utf-16-le"
    if even > half // 3 and odd < even // 10:
        return "utf-16-be"
    return None


def _strict(data: bytes, codec: str) -> bool:
    try:
        data.decode(codec)
        return True
    except UnicodeDecodeError:
        return False


def _has_utf8_lines(data: bytes) -> bool:
    """Whether some line is valid UTF-8 with non-ASCII text: the file was meant as UTF-8 and only
    some rows were written in another encoding (legacy code pages almost never form valid UTF-8)."""
    for line in data.splitlines():
        if not line.isascii():
            try:
                line.decode("utf-8")
                return True
            except UnicodeDecodeError:
                continue
    return False


def _confident_guess(data: bytes) -> str | None:
    """A legacy code page, only when every plausible reading of the bytes gives the same text."""
    from charset_normalizer import from_bytes

    sample = data[:DETECTOR_SAMPLE_BYTES]
    cut = sample.rfind(b"\n") + 1 if len(data) > len(sample) else len(sample)
    matches = list(from_bytes(sample[:cut] or sample))
    if not matches or matches[0].chaos > DETECTOR_MAX_CHAOS:
        return None
    best = matches[0]
    rivals = [m for m in matches if m.chaos <= best.chaos + DETECTOR_MAX_CHAOS]
    texts = {str(m) for m in rivals}
    return best.encoding if len(texts) == 1 else None


def decode_csv(data: bytes, name: str) -> Decoded:
    """The text of a CSV file, and how its encoding was known.

    In order: a byte order mark (UTF-8, UTF-16, UTF-32, either byte order); an encoding declared in
    the file name; strict UTF-8; UTF-16/32 recognised by content; a legacy code page only when a
    detector finds one reading that all plausible code pages agree on. A file that is mostly UTF-8
    but has rows in another encoding is decoded once as UTF-8: the bytes that are not UTF-8 become
    U+FFFD and the rows holding them are reported (never the whole file re-decoded). Anything else is
    refused with a message that says what to save the file as.
    """
    for bom, codec in BOMS:
        if data.startswith(bom):
            if codec == "utf-8-sig":
                if _strict(data, codec):
                    return Decoded(None, codec, "byte order mark")
                return Decoded(data[len(bom):].decode("utf-8", errors="replace"), codec, "mixed")  # rows from elsewhere pasted in
            try:
                return Decoded(data[len(bom):].decode(codec.replace("-sig", "")), codec, "byte order mark")
            except UnicodeDecodeError as exc:
                raise EncodingRefused(f"starts with a {codec} byte order mark but is not {codec} (byte {exc.start + len(bom)}): {SAVE_AS}") from None
    declared = declared_encoding(name)
    if declared:
        if not declared.startswith("utf") and not data.isascii() and _strict(data, "utf-8"):
            raise EncodingRefused(f"the file name declares {declared} but the file is UTF-8: remove \".{declared}\" from its name")
        try:
            return Decoded(data.decode(declared), declared, "declared in the file name")
        except UnicodeDecodeError as exc:
            raise EncodingRefused(f"the file name declares {declared} but byte {exc.start} is not {declared}: {SAVE_AS}") from None
    wide = _wide_unicode(data)
    if wide:
        try:
            return Decoded(data.decode(wide), wide, "content")
        except UnicodeDecodeError:
            raise EncodingRefused(f"looks like {wide} without a byte order mark but does not decode as such: {SAVE_AS}") from None
    if _strict(data, "utf-8"):
        return Decoded(None, "utf-8", "content")
    if _has_utf8_lines(data):
        return Decoded(data.decode("utf-8", errors="replace"), "utf-8", "mixed")
    guess = _confident_guess(data)
    if guess:
        try:
            return Decoded(data.decode(guess), guess, "detected")
        except UnicodeDecodeError:
            pass
    raise EncodingRefused(f"is not UTF-8 and its encoding cannot be told for sure (Windows-1252? Latin-9? Thai?): {SAVE_AS}, or declare the encoding in the name, e.g. \"{_declared_example(name)}\"")


def _declared_example(name: str) -> str:
    stem, _, suffix = name.rsplit("/", 1)[-1].rpartition(".")
    return shown(f"{stem}.cp1252.{suffix}")
