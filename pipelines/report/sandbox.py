"""The Jinja sandbox narratives run in: bounded cost, every error located and worded for authors.

A narrative is text written by people, so its expressions are run in Jinja's immutable sandbox
(no Python internals, no mutation) with these limits on top:

- **cost**: ``**`` and ``*`` may not build numbers longer than :data:`MAX_DIGITS` digits; ``*``,
  ``+``, ``~``, ``replace``, ``join`` and padding may not build text or lists longer than
  :data:`MAX_LENGTH`; format widths are at most :data:`MAX_WIDTH`; a narrative's output is at most
  :data:`MAX_OUTPUT` characters; ``range`` is capped by the sandbox (100 000 numbers);
- **time**: a narrative that runs longer than :data:`TIME_LIMIT` seconds (nested loops, a macro
  that calls itself twice) is stopped at the line it had reached: the clock is checked at every
  call and every step of a loop, the only ways a template can run long;
- **every error, not only the first**: each ``{{ … }}`` is compiled inside ``try``/``except`` that
  records its error (with its line) and goes on, so one build reports all the problems of a file;
  an error in a ``{% … %}`` statement stops that file only.

Messages name the expression and say what to change, e.g. ``"catalog.recomendations" does not
exist; did you mean "catalog.recommendations"?``.
"""

from __future__ import annotations

import functools
import math
import re
import string
import time
import types
from collections.abc import Callable

import jinja2
import jinja2.sandbox
from jinja2 import nodes
from jinja2.compiler import CodeGenerator
from jinja2.defaults import DEFAULT_NAMESPACE
from jinja2.exceptions import SecurityError
from jinja2.visitor import NodeTransformer

from pipelines import formatting
from pipelines.yamlfiles import nearest

MAX_DIGITS = 15  # digits of a number an expression may compute (a thousand trillion: no figure of a paper is larger)
MAX_BITS = int(MAX_DIGITS * math.log2(10)) + 1
MAX_LENGTH = 100_000  # characters of a text, or items of a list, an expression may build
MAX_WIDTH = 1_000  # a format width or padding
MAX_OUTPUT = 1_000_000  # characters one narrative may produce
TIME_LIMIT = 10.0  # seconds one narrative may take
WIDTH_FILTERS = {"center", "indent", "wordwrap", "truncate", "batch", "slice"}
# Filters that never turn a list into text: the others have their lists' size checked first.
WALKING_FILTERS = {
    "abs", "attr", "batch", "count", "count_noun", "d", "default", "dictsort", "first", "float", "groupby", "int",
    "items", "last", "length", "list", "map", "max", "min", "number", "percent", "random", "reject", "rejectattr",
    "reverse", "round", "select", "selectattr", "slice", "sort", "sum", "unique",
}


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


_CONTAINERS = (dict, list, tuple, set, frozenset)


def _check_nested(*values) -> None:
    """Lists and mappings an operation would print or walk must have at most ``MAX_LENGTH`` items in
    all (counted through shared parts, so a list built by doubling itself is caught)."""
    if not any(isinstance(v, _CONTAINERS) for v in values):
        return
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
        if name not in WALKING_FILTERS:
            _check_nested(value, *extra)
        if name in WIDTH_FILTERS and any(isinstance(a, int) and abs(a) > MAX_WIDTH for a in extra):
            raise AuthorError(f"|{name} with a size above {MAX_WIDTH} is not allowed in a narrative")
        if name == "format" and isinstance(value, str):
            _check_percent_format(value, tuple(extra))
        if name == "replace" and len(extra) >= 2:
            _check_replace(str(value), extra[0], extra[1])
        if name == "join" and isinstance(value, (list, tuple)):
            _check_join(str(extra[0]) if extra else "", value)
        result = func(*args, **kwargs)
        return _check_length(result, f"the result of |{name}") if isinstance(result, str) else result

    return bounded


# --- compiling: a guard around every {{ … }} -----------------------------------------------------


GUARD_INDEX = "narrative_guard_index"  # set on an Output node: compile it inside try/except


def guarded_output(expression: nodes.Expr, index: int) -> nodes.Output:
    """One ``{{ … }}`` (``index``: its position on its line), to be compiled inside ``try``/``except``
    (Jinja allows no custom node types, so a plain Output carries a mark)."""
    node = nodes.Output([expression], lineno=expression.lineno)
    setattr(node, GUARD_INDEX, index)
    return node


class _GuardingCodeGenerator(CodeGenerator):
    """Compiles each marked output as ``try: <output> except Exception: <record it>``, so an error is
    recorded at its line and the rest of the narrative is still rendered (and checked)."""

    def visit_Output(self, node: nodes.Output, frame) -> None:
        index = getattr(node, GUARD_INDEX, None)
        if index is None:
            return super().visit_Output(node, frame)
        self.writeline("try:", node)
        self.indent()
        self.writeline("pass")
        super().visit_Output(node, frame)
        self.outdent()
        self.writeline("except Exception as t_narrative_error:")
        self.indent()
        self.writeline(f"environment.narrative_failed(t_narrative_error, {node.lineno}, {index})")
        self.outdent()


class _Guarded(NodeTransformer):
    """Rewrites each ``{{ expr }}`` into a guarded output of ``expr|narrative_show``, ``a ~ b`` into
    ``[a, b]|narrative_concat`` and the iterable of a ``{% for %}`` into ``items|narrative_loop``
    (which keeps to the time limit)."""

    def __init__(self):
        self.per_line: dict[int, int] = {}

    @staticmethod
    def _filter(value: nodes.Expr, helper: str, lineno: int) -> nodes.Filter:
        # a filter compiles to a direct call (a call node would go through the sandbox's checks)
        return nodes.Filter(value, helper, [], [], None, None, lineno=lineno)

    def visit_Concat(self, node: nodes.Concat):
        self.generic_visit(node)
        return self._filter(nodes.List(list(node.nodes), lineno=node.lineno), "narrative_concat", node.lineno)

    def visit_For(self, node: nodes.For):
        self.generic_visit(node)
        node.iter = self._filter(node.iter, "narrative_loop", node.lineno)
        return node

    def visit_Output(self, node: nodes.Output):
        self.generic_visit(node)
        out = []
        for child in node.nodes:
            if isinstance(child, nodes.TemplateData):
                out.append(nodes.Output([child], lineno=child.lineno))
                continue
            index = self.per_line.get(child.lineno, 0)
            self.per_line[child.lineno] = index + 1
            out.append(guarded_output(self._filter(child, "narrative_show", child.lineno), index))
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


class NarrativeSandbox(jinja2.sandbox.ImmutableSandboxedEnvironment):
    """The immutable sandbox, with the size checks of this module on operators, calls and filters,
    and a time limit checked at every call and loop step. ``on_failure(exc, line, index)`` receives
    the error of a ``{{ … }}``; :meth:`start` starts the clock."""

    intercepted_binops = frozenset({"*", "**", "+", "%"})
    code_generator_class = _GuardingCodeGenerator

    def __init__(self, on_failure: Callable[[Exception, int, int], None] | None = None):
        super().__init__(undefined=_Undefined, autoescape=False, keep_trailing_newline=True, loader=jinja2.DictLoader({}))
        self.on_failure = on_failure
        self.deadline = math.inf
        self.globals.pop("lipsum", None)  # lipsum(n) writes n paragraphs: nothing a narrative needs
        self.filters["number"] = formatting.number
        self.filters["percent"] = formatting.percent
        self.filters["count_noun"] = formatting.count_noun
        self.filters = {name: _bounded_filter(name, func) for name, func in self.filters.items()}
        self.filters |= {"narrative_show": show, "narrative_concat": lambda parts: concat(*parts), "narrative_loop": self.narrative_loop}

    def start(self, seconds: float) -> None:
        self.deadline = time.monotonic() + seconds

    def check_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise TooSlow

    def narrative_failed(self, exc: Exception, line: int, index: int) -> None:
        if self.on_failure is None:
            raise exc
        self.on_failure(exc, line, index)

    def narrative_loop(self, items):
        return _Timed(items, self)

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
        __self.check_time()
        if not __self.is_safe_callable(__obj):
            raise SecurityError(f'calling "{getattr(__obj, "__name__", "this")}" is not allowed in a narrative')
        method = getattr(__obj, "__wrapped__", __obj)  # str.format comes wrapped by the sandbox
        text = getattr(method, "__self__", None)
        if isinstance(method, types.BuiltinMethodType) and isinstance(text, str):
            _check_nested(*args, *kwargs.values())
            if any(isinstance(a, int) and abs(a) > MAX_LENGTH for a in (*args, *kwargs.values())):
                raise AuthorError(f"text.{__obj.__name__}() with a size above {MAX_LENGTH:,} is not allowed in a narrative".replace(",", " "))
            if __obj.__name__ == "replace" and len(args) >= 2:
                _check_replace(text, args[0], args[1])
            if __obj.__name__ == "join" and args:
                _check_join(text, args[0])
        result = __context.call(__obj, *args, **kwargs)
        return _check_length(result, f'the result of "{getattr(__obj, "__name__", "the call")}"') if isinstance(result, str) else result


class _Timed:
    """The items of a ``{% for %}``, checking the time limit at each one."""

    __slots__ = ("items", "env")

    def __init__(self, items, env: "NarrativeSandbox"):
        self.items, self.env = items, env

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self):
        for item in self.items:
            self.env.check_time()
            yield item


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
    if isinstance(exc, jinja2.TemplateNotFound):
        return f'a narrative cannot include, import or extend other files ("{exc.name}"); write the text here'
    if isinstance(exc, jinja2.TemplateError):
        return _plain(exc.message or exc)
    return f"cannot be computed: {_plain(exc)} ({type(exc).__name__})"


# --- running ---------------------------------------------------------------------------------------


def line_reached(exc: BaseException, template: jinja2.Template, name: str) -> int | None:
    """The narrative line that was running when ``exc`` (not rewritten by Jinja) was raised."""
    line, tb = None, exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == name:
            try:
                line = template.get_corresponding_lineno(tb.tb_lineno)
            except Exception:  # noqa: BLE001 -- the line is a courtesy
                pass
        tb = tb.tb_next
    return line
