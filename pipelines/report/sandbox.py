"""The Jinja sandbox narratives run in: bounded cost, every error located and worded for authors.

A narrative is text written by people, so its expressions are run in Jinja's immutable sandbox
(no Python internals, no mutation) with these limits on top:

- **cost**: ``**`` and ``*`` may not build numbers longer than :data:`MAX_DIGITS` digits; ``*``,
  ``+``, ``~``, ``replace``, ``join`` and padding may not build text or lists longer than
  :data:`MAX_LENGTH`; format widths are at most :data:`MAX_WIDTH`; a narrative's output is at most
  :data:`MAX_OUTPUT` characters; ``range`` is capped by the sandbox (100 000 numbers);
- **time**: a narrative that runs longer than :data:`TIME_LIMIT` seconds (nested loops, say) is
  stopped, at the line it had reached;
- **every error, not only the first**: each ``{{ … }}`` is compiled inside a guard that records its
  error (with its line) and goes on, so one build reports all the problems of a file; an error in a
  ``{% … %}`` statement stops that file only.

Messages name the expression and say what to change, e.g. ``"catalog.recomendations" does not
exist; did you mean "catalog.recommendations"?``.
"""

from __future__ import annotations

import functools
import math
import re
import string
import sys
import time
import types
from collections.abc import Callable

import jinja2
import jinja2.sandbox
from jinja2 import nodes
from jinja2.defaults import DEFAULT_NAMESPACE
from jinja2.exceptions import SecurityError
from jinja2.visitor import NodeTransformer

from pipelines import formatting
from pipelines.yamlfiles import Problem, nearest

MAX_DIGITS = 15  # digits of a number an expression may compute (a thousand trillion: no figure of a paper is larger)
MAX_BITS = int(MAX_DIGITS * math.log2(10)) + 1
MAX_LENGTH = 100_000  # characters of a text, or items of a list, an expression may build
MAX_WIDTH = 1_000  # a format width or padding
MAX_OUTPUT = 1_000_000  # characters one narrative may produce
TIME_LIMIT = 10.0  # seconds one narrative may take
WIDTH_FILTERS = {"center", "indent", "wordwrap", "truncate", "batch", "slice"}
GUARD, SHOW, CONCAT = "_guard", "_show", "_concat"  # the helpers the compiled narrative calls


class AuthorError(Exception):
    """An expression the sandbox refuses or cannot compute; the message is for the author."""


class TooSlow(BaseException):
    """The time limit of a narrative ran out (a BaseException, so that no guard swallows it)."""


class _Missing(jinja2.UndefinedError):
    """A name or attribute that does not exist, with what is needed to suggest the nearest one."""

    def __init__(self, undefined: jinja2.Undefined):
        self.name = undefined._undefined_name
        self.obj = undefined._undefined_obj
        self.hint = undefined._undefined_hint
        super().__init__(f'"{self.name}" does not exist')


class _Undefined(jinja2.StrictUndefined):
    """StrictUndefined whose errors carry the missing name and its owner (for "did you mean")."""

    __slots__ = ()

    def _fail_with_undefined_error(self, *args, **kwargs):
        if self._undefined_exception is SecurityError:
            raise SecurityError(self._undefined_hint)
        raise _Missing(self)


for _name in dir(jinja2.StrictUndefined):  # the operators are bound to the base class's function
    if getattr(jinja2.StrictUndefined, _name, None) is jinja2.Undefined._fail_with_undefined_error:
        setattr(_Undefined, _name, _Undefined._fail_with_undefined_error)


def _too_long(length: int, what: str) -> AuthorError:
    return AuthorError(f"{what} would be {length:,} long; a narrative may build at most {MAX_LENGTH:,} characters or items. Compute it in Python as a fact instead".replace(",", " "))


def _check_nested(*values) -> None:
    """Lists and mappings an operation would print or walk must have at most ``MAX_LENGTH`` items in
    all (counted through shared parts, so a list built by doubling itself is caught)."""
    stack, count = list(values), 0
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, (list, tuple, set, frozenset)):
            stack.extend(value)
        else:
            continue
        count += len(value)
        if count > MAX_LENGTH:
            raise AuthorError(f"goes through lists of more than {MAX_LENGTH:,} items in all, more than a narrative may handle".replace(",", " "))


def _check_length(value, what: str):
    if isinstance(value, (str, list, tuple)) and len(value) > MAX_LENGTH:
        raise _too_long(len(value), what)
    return value


def _check_int(value: int, what: str) -> None:
    if isinstance(value, int) and value.bit_length() > MAX_BITS:
        raise AuthorError(f"{what} gives a number of more than {MAX_DIGITS} digits; a narrative may not compute numbers that large")


def _check_percent_format(fmt: str, args) -> None:
    """``"%10d" % x`` and the ``format`` filter: widths and precisions must stay small."""
    for width in re.findall(r"%(?:\([^)]*\))?[-#0 +]*(\d+|\*)?(?:\.(\d+|\*))?", fmt):
        for part in width:
            if part.isdigit() and int(part) > MAX_WIDTH:
                raise AuthorError(f"a format width of {part} is too large (at most {MAX_WIDTH})")
    if "*" in fmt:
        values = args if isinstance(args, tuple) else (args,)
        if any(isinstance(v, int) and abs(v) > MAX_WIDTH for v in values):
            raise AuthorError(f"a format width above {MAX_WIDTH} is not allowed")


def _check_brace_format(fmt: str) -> None:
    """``"{:>10}".format(x)``: the widths in the format specs must stay small."""
    try:
        parsed = list(string.Formatter().parse(fmt))
    except ValueError:
        return  # str.format reports it
    for _, _, spec, _ in parsed:
        for number in re.findall(r"\d+", spec or ""):
            if int(number) > MAX_WIDTH:
                raise AuthorError(f"a format width of {number} is too large (at most {MAX_WIDTH})")


def _check_join(separator: str, items) -> None:
    if isinstance(items, (list, tuple)):
        length = len(separator) * max(len(items) - 1, 0) + sum(len(i) if isinstance(i, str) else 1 for i in items)
        if length > MAX_LENGTH:
            raise _too_long(length, "the joined text")


def _check_replace(text: str, old: str, new: str) -> None:
    if isinstance(text, str) and isinstance(old, str) and isinstance(new, str) and len(new) > len(old):
        occurrences = text.count(old) if old else len(text) + 1
        length = len(text) + occurrences * (len(new) - len(old))
        if length > MAX_LENGTH:
            raise _too_long(length, "the replaced text")


def _bounded_binop(operator: str, left, right):
    """The arithmetic of narratives, refusing results that would be huge before computing them."""
    if operator == "**" and isinstance(left, int) and isinstance(right, int) and right > 0 and abs(left) > 1:
        if right * math.log2(abs(left)) > MAX_BITS:
            digits = int(right * math.log10(abs(left))) + 1
            raise AuthorError(f"the power {left:,} ** {right:,} has about {digits:,} digits; a narrative may compute numbers of at most {MAX_DIGITS} digits: quote a fact computed in Python instead".replace(",", " "))
    if operator == "*":
        if isinstance(left, int) and isinstance(right, int) and left.bit_length() + right.bit_length() > MAX_BITS:
            raise AuthorError(f"the product has more than {MAX_DIGITS} digits; a narrative may not compute numbers that large")
        for seq, times in ((left, right), (right, left)):
            if isinstance(seq, (str, list, tuple)) and isinstance(times, int) and len(seq) * times > MAX_LENGTH:
                raise _too_long(len(seq) * times, "the repeated text or list")
    if operator == "+" and isinstance(left, (str, list, tuple)) and isinstance(right, (str, list, tuple)):
        if len(left) + len(right) > MAX_LENGTH:
            raise _too_long(len(left) + len(right), "the joined text or list")
    if operator == "%" and isinstance(left, str):
        _check_nested(right)
        _check_percent_format(left, right)
    result = jinja2.sandbox.SandboxedEnvironment.default_binop_table[operator](left, right)
    _check_int(result, f"the {operator} operation")
    return _check_length(result, f"the result of {operator}")


def _bounded_filter(name: str, func: Callable) -> Callable:
    """A filter with its width arguments and its result bounded."""
    skip = 2 if hasattr(func, "jinja_pass_arg") else 1  # the context/environment, then the value

    @functools.wraps(func)
    def bounded(*args, **kwargs):
        value = args[skip - 1] if len(args) >= skip else None
        extra = [*args[skip:], *kwargs.values()]
        _check_nested(value, *extra)
        if name in WIDTH_FILTERS and any(isinstance(a, int) and abs(a) > MAX_WIDTH for a in extra):
            raise AuthorError(f"|{name} with a size above {MAX_WIDTH} is not allowed in a narrative")
        if name == "format" and isinstance(value, str):
            _check_percent_format(value, tuple(extra))
        if name == "replace" and len(extra) >= 2:
            _check_replace(str(value), extra[0], extra[1])
        if name == "join" and isinstance(value, (list, tuple)):
            _check_join(str(extra[0]) if extra else "", value)
        return _check_length(func(*args, **kwargs), f"the result of |{name}")

    return bounded


class NarrativeSandbox(jinja2.sandbox.ImmutableSandboxedEnvironment):
    """The immutable sandbox, with the size checks of this module on operators, calls and filters."""

    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def __init__(self):
        super().__init__(undefined=_Undefined, autoescape=False, keep_trailing_newline=True, loader=jinja2.DictLoader({}))
        self.globals.pop("lipsum", None)  # lipsum(n) writes n paragraphs: nothing a narrative needs
        self.filters["number"] = formatting.number
        self.filters["percent"] = formatting.percent
        self.filters["count_noun"] = formatting.count_noun
        self.filters = {name: _bounded_filter(name, func) for name, func in self.filters.items()}

    def call_binop(self, context, operator, left, right):
        return _bounded_binop(operator, left, right)

    def unsafe_undefined(self, obj, attribute):
        return self.undefined(
            f'"{attribute}" cannot be used in a narrative (names that start with "_", Python internals and changes to values are blocked); use the facts the narrative is given',
            name=attribute, obj=obj, exc=SecurityError,
        )

    def wrap_str_format(self, value):
        wrapped = super().wrap_str_format(value)
        if wrapped is not None:
            _check_brace_format(value.__self__)
        return wrapped

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 -- the sandbox's own signature
        if not __self.is_safe_callable(__obj):
            raise SecurityError(f'calling "{getattr(__obj, "__name__", "this")}" is not allowed in a narrative')
        _check_nested(*args, *kwargs.values())
        text = getattr(__obj, "__self__", None)
        if isinstance(__obj, types.BuiltinMethodType) and isinstance(text, str):
            if any(isinstance(a, int) and abs(a) > MAX_LENGTH for a in (*args, *kwargs.values())):
                raise AuthorError(f"text.{__obj.__name__}() with a size above {MAX_LENGTH:,} is not allowed in a narrative".replace(",", " "))
            if __obj.__name__ == "replace" and len(args) >= 2:
                _check_replace(text, args[0], args[1])
            if __obj.__name__ == "join" and args:
                _check_join(text, args[0])
        return _check_length(__context.call(__obj, *args, **kwargs), f'the result of "{getattr(__obj, "__name__", "the call")}"')


# --- compiling: a guard around every {{ … }} -----------------------------------------------------


class _Guarded(NodeTransformer):
    """Rewrites ``{{ expr }}`` into ``{% call _guard(line, n) %}{{ _show(expr) }}{% endcall %}`` and
    ``a ~ b`` into ``_concat(a, b)``: the guard runs the expression when the output needs it, so an
    error is recorded at its line and the rest of the narrative is still rendered (and checked)."""

    def __init__(self):
        self.per_line: dict[int, int] = {}

    def visit_Concat(self, node: nodes.Concat):
        self.generic_visit(node)
        return nodes.Call(nodes.Name(CONCAT, "load"), list(node.nodes), [], None, None, lineno=node.lineno)

    def visit_Output(self, node: nodes.Output):
        self.generic_visit(node)
        out = []
        for child in node.nodes:
            if isinstance(child, nodes.TemplateData):
                out.append(nodes.Output([child], lineno=child.lineno))
                continue
            line = child.lineno
            index = self.per_line.get(line, 0)
            self.per_line[line] = index + 1
            shown = nodes.Call(nodes.Name(SHOW, "load"), [child], [], None, None, lineno=line)
            call = nodes.Call(nodes.Name(GUARD, "load"), [nodes.Const(line), nodes.Const(index)], [], None, None, lineno=line)
            out.append(nodes.CallBlock(call, [], [], [nodes.Output([shown], lineno=line)], lineno=line))
        return out


def show(value):
    """What ``{{ … }}`` prints: a value, never a whole Python list or mapping."""
    if isinstance(value, (list, tuple, dict, set, frozenset)):
        raise AuthorError('prints a whole list or mapping; print its items instead (|join(", ") or a {% for %} loop)')
    return value


def concat(*parts) -> str:
    """``a ~ b``: the texts joined, bounded in length."""
    texts = [str(show(part)) for part in parts]
    length = sum(map(len, texts))
    if length > MAX_LENGTH:
        raise _too_long(length, "the joined text")
    return "".join(texts)


def compile_narrative(env: NarrativeSandbox, source: str, name: str) -> jinja2.Template:
    """The narrative as a guarded template; raises ``jinja2.TemplateSyntaxError``."""
    tree = env.parse(source, name, name)
    tree = _Guarded().visit(tree)
    tree.set_environment(env)
    code = env.compile(tree, name, name)
    return env.template_class.from_code(env, code, env.make_globals(None), None)


def expressions_by_line(source: str) -> dict[tuple[int, int], str]:
    """``{{ … }}`` of the source by (line, position on the line), to quote them in messages."""
    found: dict[tuple[int, int], str] = {}
    per_line: dict[int, int] = {}
    for match in re.finditer(r"\{\{.*?\}\}", source, re.S):
        line = source.count("\n", 0, match.start()) + 1
        index = per_line.get(line, 0)
        per_line[line] = index + 1
        found[(line, index)] = " ".join(match.group(0).split())
    return found


# --- messages --------------------------------------------------------------------------------------


def _members(obj) -> list[str]:
    if isinstance(obj, dict):
        return [str(k) for k in obj]
    if isinstance(obj, types.SimpleNamespace):
        return list(vars(obj))
    return [n for n in dir(obj) if not n.startswith("_")]


def _plain(text: str) -> str:
    """An exception's text without Python's quoting: 'x' becomes "x"."""
    return re.sub(r"'([^'\n]*)'", r'"\1"', str(text)).strip()


def describe(exc: BaseException, expression: str | None, names: list[str]) -> str:
    """What went wrong in an expression, in the author's terms, with what to change."""
    if isinstance(exc, _Missing):
        if exc.obj is jinja2.utils.missing:
            suggestion = nearest(exc.name, names)
            if suggestion:
                return f'"{exc.name}" is not defined; did you mean "{suggestion}"?'
            return f'"{exc.name}" is not defined; a narrative can use: {", ".join(n for n in sorted(names) if n not in DEFAULT_NAMESPACE)}'
        owner = None
        if expression:
            found = re.search(rf"([A-Za-z_][\w.]*)\s*(?:\.\s*{re.escape(str(exc.name))}\b|\[\s*['\"]{re.escape(str(exc.name))}['\"])", expression)
            owner = found.group(1) if found else None
        members = _members(exc.obj)
        full = f"{owner}.{exc.name}" if owner else str(exc.name)
        suggestion = nearest(str(exc.name), members)
        if suggestion:
            return f'"{full}" does not exist; did you mean "{owner + "." if owner else ""}{suggestion}"?'
        listed = ", ".join(sorted(members)[:30]) + (", …" if len(members) > 30 else "")
        return f'"{full}" does not exist' + (f"; {owner or 'it'} has: {listed}" if members else "")
    if isinstance(exc, SecurityError):
        return _plain(exc) or "not allowed in a narrative"
    if isinstance(exc, AuthorError):
        return str(exc)
    if isinstance(exc, ZeroDivisionError):
        return "division by zero: the divisor can be 0 here; test it first ({% if n %}…{% endif %}) or quote a share computed in Python"
    if isinstance(exc, RecursionError):
        return "endless recursion (a macro that calls itself without end?): remove the self-call"
    if isinstance(exc, OverflowError):
        if "range" in str(exc).lower():
            return "range() may produce at most 100 000 numbers in a narrative"
        return f"a number too large to compute ({_plain(exc)})"
    if isinstance(exc, MemoryError):
        return "needs more memory than a narrative may use: simplify the expression"
    if isinstance(exc, jinja2.TemplateError):
        return _plain(exc.message or exc)
    return f"cannot be computed: {_plain(exc)} ({type(exc).__name__})"


# --- running ---------------------------------------------------------------------------------------


class TimeLimit:
    """Stops the narrative's own code (the frames compiled from ``filename``) after ``seconds``;
    records the narrative line reached. Works with a trace function, so it also stops loops that call
    nothing; a single huge operation is prevented by the size checks instead."""

    def __init__(self, filename: str, seconds: float, template: jinja2.Template):
        self.filename, self.seconds, self.template = filename, seconds, template
        self.line: int | None = None

    def _local(self, frame, event, arg):
        if time.monotonic() > self.deadline:
            try:
                self.line = self.template.get_corresponding_lineno(frame.f_lineno)
            except Exception:  # noqa: BLE001 -- the line is a courtesy
                self.line = None
            raise TooSlow
        return self._local

    def _global(self, frame, event, arg):
        if frame.f_code.co_filename == self.filename:
            return self._local(frame, event, arg)
        return None

    def __enter__(self):
        self.deadline = time.monotonic() + self.seconds
        self.previous = sys.gettrace()
        sys.settrace(self._global)
        return self

    def __exit__(self, *exc):
        sys.settrace(self.previous)
        return False
