"""Reading the project's YAML files safely, and saying exactly where one is wrong.

Every YAML file an author edits (``editions.yaml``, a table's declaration, a box's front matter,
``abbreviations.yaml``) is read by :func:`load_yaml`, which

- refuses anchors and aliases (``&x`` / ``*x``): nothing in our files needs them, and expanding them
  lets a one-kilobyte file grow into gigabytes (the "billion laughs" alias bomb);
- refuses files larger than :data:`MAX_BYTES` and nesting deeper than :data:`MAX_DEPTH`;
- reads mapping keys as the text written (``NO:`` stays ``"NO"``, not ``False``) and refuses a key
  written twice;
- names the file and line of a syntax error;
- checks the keys against a :class:`Field` schema: an unknown key is named with its line and the
  nearest allowed key ("did you mean"), a missing required key with what to add.

The mappings and lists it returns are ordinary ``dict`` and ``list`` objects that also remember the
line of each key or item (:class:`LinedDict`, :class:`LinedList`), so a later check can point at it.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

MAX_BYTES = 1_000_000  # far above any file of the project (the largest is a few kB)
MAX_DEPTH = 32  # mappings and lists nested deeper than this are refused


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a file an author writes (YAML, narrative): where it is and what to change."""

    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        return f"{self.file}{f', line {self.line}' if self.line else ''}: {self.message}"


YamlProblem = Problem


class AuthorFileError(ValueError):
    """Files an author wrote that stop the build; ``problems`` lists each with its file and line
    (a command line can print them as they are: one line each, in the author's terms)."""

    what = "the files"

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(dict.fromkeys(problems), key=lambda p: (p.file, p.line or 0))
        first = self.problems[0]
        self.file, self.line = first.file, first.line
        if len(self.problems) == 1:
            text = str(first)
        else:
            text = f"{len(self.problems)} problems in {self.what} (fix them all, then run make report again):\n  " + "\n  ".join(str(p) for p in self.problems)
        super().__init__(text)


class YamlError(AuthorFileError):
    """A YAML file that cannot be used, with every problem found in it."""

    what = "YAML files"


class LinedDict(dict):
    """A mapping read from YAML; ``line`` is where it starts, ``lines[key]`` where each key is."""

    line: int | None = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines: dict[str, int] = {}

    def line_of(self, key: str) -> int | None:
        return self.lines.get(key, self.line)


class LinedList(list):
    """A list read from YAML; ``line`` is where it starts, ``lines[i]`` where item ``i`` is."""

    line: int | None = None

    def __init__(self, *args):
        super().__init__(*args)
        self.lines: list[int] = []

    def line_of(self, index: int) -> int | None:
        return self.lines[index] if index < len(self.lines) else self.line


def shown_path(path: Path) -> str:
    """A file's name as messages show it: relative to the working folder (the project) if inside it."""
    path = Path(path)
    if path.is_absolute():
        try:
            return path.relative_to(Path.cwd()).as_posix()
        except ValueError:
            return path.as_posix()
    return path.as_posix()


# --- reading ---------------------------------------------------------------------------------------


class _Refused(yaml.MarkedYAMLError):
    """A construct the project's YAML does not allow (alias, anchor, duplicate key, deep nesting)."""


def _make_loader(first_line: int):
    class Loader(yaml.SafeLoader):
        """The safe loader without aliases, with raw-text keys, remembering lines."""

        nesting = 0

        def node_line(self, node) -> int:
            return node.start_mark.line + first_line

        def compose_node(self, parent, index):
            if self.check_event(yaml.AliasEvent):
                event = self.peek_event()
                raise _Refused(
                    None, None,
                    f"an alias (*{event.anchor}) repeats another part of the file; aliases and anchors are not "
                    "allowed in the project's YAML: write the value out in full",
                    event.start_mark,
                )
            event = self.peek_event()
            if getattr(event, "anchor", None):
                raise _Refused(
                    None, None,
                    f"an anchor (&{event.anchor}) is not allowed in the project's YAML: remove it and write "
                    "each value out in full",
                    event.start_mark,
                )
            self.nesting += 1
            if self.nesting > MAX_DEPTH:
                raise _Refused(None, None, f"more than {MAX_DEPTH} levels of nesting", event.start_mark)
            try:
                return super().compose_node(parent, index)
            finally:
                self.nesting -= 1

    def construct_map(loader, node):
        data = LinedDict()
        data.line = loader.node_line(node)
        loader.flatten_mapping(node)
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise _Refused(None, None, "a key must be plain text", key_node.start_mark)
            key = key_node.value
            if key in data:
                raise _Refused(
                    None, None,
                    f'the key "{key}" is written twice (first on line {data.lines[key]}): keep one',
                    key_node.start_mark,
                )
            data[key] = loader.construct_object(value_node, deep=True)
            data.lines[key] = loader.node_line(key_node)
        return data

    def construct_seq(loader, node):
        data = LinedList(loader.construct_object(child, deep=True) for child in node.value)
        data.line = loader.node_line(node)
        data.lines = [loader.node_line(child) for child in node.value]
        return data

    Loader.add_constructor("tag:yaml.org,2002:map", construct_map)
    Loader.add_constructor("tag:yaml.org,2002:seq", construct_seq)
    return Loader


def _syntax_problem(exc: yaml.YAMLError, name: str, first_line: int) -> YamlProblem:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = mark.line + first_line if mark is not None else None
    if isinstance(exc, _Refused):
        return YamlProblem(name, line, exc.problem)
    problem = (getattr(exc, "problem", None) or str(exc)).strip()
    context = (getattr(exc, "context", None) or "").strip()
    message = f"not valid YAML: {problem}" + (f" ({context})" if context else "")
    if "could not determine a constructor" in problem:
        message = "not valid YAML: a tag (!something) is not allowed; write the value as plain text"
    elif "\\t" in problem or "\t" in problem:
        message += "; indent with spaces, not tabs"
    elif "mapping values are not allowed" in problem or "could not find expected ':'" in problem:
        message += "; check the indentation, and put quotes around a value that contains ': '"
    return YamlProblem(name, line, message.replace("'", '"'))


def parse_yaml(text: str, name: str, first_line: int = 1):
    """Parse YAML text (``first_line``: the line of the file the text starts on) safely."""
    if len(text.encode("utf-8")) > MAX_BYTES:
        raise YamlError([YamlProblem(name, None, f"larger than {MAX_BYTES // 1000} kB; a YAML file of the project is a few kB")])
    try:
        return yaml.load(text, Loader=_make_loader(first_line))  # noqa: S506 -- a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise YamlError([_syntax_problem(exc, name, first_line)]) from None
    except RecursionError:
        raise YamlError([YamlProblem(name, None, "nested too deeply to read")]) from None


def read_text(path: Path, name: str | None = None) -> str:
    """An author's file (YAML, narrative, box): its text, refused when too large or not UTF-8."""
    name = name or shown_path(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise YamlError([YamlProblem(name, None, f"cannot be read ({exc.strerror})")]) from None
    if size > MAX_BYTES:
        raise YamlError([YamlProblem(name, None, f"is {size // 1000} kB; a file an author writes may have at most {MAX_BYTES // 1000} kB: split it")])
    with path.open("rb") as handle:
        data = handle.read(MAX_BYTES + 1)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise YamlError([YamlProblem(name, line, "is not UTF-8 text; save the file as UTF-8")]) from None


def load_yaml(path: Path, schema: Field | None = None, name: str | None = None):
    """Read a YAML file safely and, given a ``schema``, check it; raises :class:`YamlError`."""
    name = name or shown_path(path)
    data = parse_yaml(read_text(path, name), name)
    if schema is not None:
        check(data, schema, name)
    return data


# --- checking --------------------------------------------------------------------------------------

KINDS = {
    "text": "text",
    "number": "a number",
    "integer": "a whole number",
    "date": "a date (YYYY-MM-DD)",
    "list": "a list",
    "mapping": "a mapping (key: value lines)",
    "bool": "true or false",
    "any": "a value",
}


@dataclass(frozen=True)
class Field:
    """What one value of a YAML file may be.

    ``kind`` is one of :data:`KINDS`; ``text`` accepts any single value (a number is text too).
    A ``mapping`` lists its ``keys`` (each a Field), or, with ``values`` instead, allows any key
    whose value matches ``values``. A ``list`` checks each item against ``items``. ``choices`` (or a
    callable returning them) restricts the value; ``example`` is what a message suggests to add.
    """

    kind: str = "text"
    required: bool = False
    example: str = ""
    keys: dict[str, "Field"] | None = None
    values: "Field | None" = None
    items: "Field | None" = None
    choices: Iterable[str] | Callable[[], Iterable[str]] | None = None
    nullable: bool = False
    # For a mapping whose keys depend on one of its values (e.g. a derive step's "op"): the name of
    # that key and a function from its value to the keys (Fields) allowed alongside.
    switch: tuple[str, Callable[[object], dict[str, "Field"] | None]] | None = field(default=None)


def nearest(word: str, candidates: Iterable[str]) -> str | None:
    """The candidate closest to ``word`` (difflib), if one is close enough."""
    found = difflib.get_close_matches(str(word), [str(c) for c in candidates], n=1, cutoff=0.6)
    return found[0] if found else None


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """``; did you mean "x"?`` when a candidate is close to ``word``, else an empty string."""
    match = nearest(word, candidates)
    return f'; did you mean "{match}"?' if match else ""


def _where(path: str) -> str:
    return f" (in {path})" if path else ""


def _child(path: str, key: str) -> str:
    return f"{path}, {key}" if path else str(key)


def _kind_ok(value, kind: str) -> bool:
    if kind == "any":
        return True
    if kind == "text":
        return not isinstance(value, (dict, list))
    if kind == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "list":
        return isinstance(value, list)
    if kind == "mapping":
        return isinstance(value, dict)
    if kind == "date":
        if isinstance(value, dt.date):
            return True
        try:
            dt.date.fromisoformat(str(value))
        except ValueError:
            return False
        return True
    raise ValueError(f"unknown kind {kind!r}")


def _described(value) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "empty"
    return f'"{value}"'


def check(data, schema: Field, name: str) -> None:
    """Check ``data`` (as read by :func:`parse_yaml`) against ``schema``; raises :class:`YamlError`
    listing every problem found."""
    problems: list[YamlProblem] = []
    _check(data, schema, name, "", getattr(data, "line", None) or 1, problems)
    if problems:
        raise YamlError(sorted(problems, key=lambda p: p.line or 0))


def _check(value, spec: Field, name: str, path: str, line: int | None, problems: list[YamlProblem]) -> None:
    if value is None and (spec.nullable or not spec.required):
        return
    if not _kind_ok(value, spec.kind):
        label = path or "the file"
        example = f" (for example {spec.example})" if spec.example else ""
        problems.append(YamlProblem(name, line, f"{label} should be {KINDS[spec.kind]}{example}, not {_described(value)}"))
        return
    if spec.choices is not None and not isinstance(value, (dict, list)):
        choices = [str(c) for c in (spec.choices() if callable(spec.choices) else spec.choices)]
        if str(value) not in choices:
            problems.append(YamlProblem(
                name, line,
                f'{path} is "{value}", which is not one of: {", ".join(choices)}{did_you_mean(value, choices)}',
            ))
    if isinstance(value, dict):
        _check_mapping(value, spec, name, path, problems)
    elif isinstance(value, list) and spec.items is not None:
        for index, item in enumerate(value):
            item_line = value.line_of(index) if isinstance(value, LinedList) else line
            _check(item, spec.items, name, _child(path, f"item {index + 1}"), item_line, problems)


def _check_mapping(value: dict, spec: Field, name: str, path: str, problems: list[YamlProblem]) -> None:
    line_of = value.line_of if isinstance(value, LinedDict) else (lambda key: None)
    start = getattr(value, "line", None)
    if spec.keys is None:
        if spec.values is not None:
            for key, item in value.items():
                _check(item, spec.values, name, _child(path, key), line_of(key), problems)
        return
    keys = dict(spec.keys)
    if spec.switch is not None:
        selector, keys_for = spec.switch
        extra = keys_for(value.get(selector)) if selector in value else {}
        if extra is None:  # the selector's value is unknown: its own check reports it
            extra = {k: Field("any") for k in value if k not in keys}
        keys |= extra
    for key, item in value.items():
        child = _child(path, key)
        if key not in keys:
            allowed = ", ".join(keys)
            problems.append(YamlProblem(
                name, line_of(key),
                f'unknown key "{key}"{_where(path)}{did_you_mean(key, keys)} (allowed here: {allowed})',
            ))
            continue
        _check(item, keys[key], name, child, line_of(key), problems)
    for key, expected in keys.items():
        if expected.required and key not in value:
            example = expected.example or "…"
            problems.append(YamlProblem(
                name, start,
                f'"{key}" is missing'
                + (f" in {path} (which starts on this line)" if path else "")
                + f"; add a line such as  {key}: {example}",
            ))
