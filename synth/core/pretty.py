"""Call-style representations: ``repr(g)`` is the call that builds ``g``, defaults left out."""

from __future__ import annotations

import ast
import inspect
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

__all__ = ["call_repr", "describe_function", "pretty_lines"]

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def _value_repr(value: Any) -> str:
    if callable(value) and not hasattr(value, "draw") and not isinstance(value, type):
        return describe_function(value)
    return repr(value)


def call_repr(name: str, args: Iterable[Any] = (), kwargs: Mapping[str, Any] | None = None) -> str:
    """Format ``name(arg, ..., key=value, ...)``; callables are shown by name or source."""
    parts = [_value_repr(a) for a in args]
    for key, value in (kwargs or {}).items():
        parts.append(f"{key}={_value_repr(value)}")
    return f"{name}({', '.join(parts)})"


_lambda_cache: dict[Any, str] = {}


def describe_function(fn: Callable[..., Any]) -> str:
    """A short readable description of ``fn``: its qualified name, or a lambda's source."""
    name = getattr(fn, "__name__", None)
    if name is None:
        return repr(fn)
    if name != "<lambda>":
        module = getattr(fn, "__module__", None)
        qualname = getattr(fn, "__qualname__", name)
        if module == "builtins" or "<locals>" in qualname:
            return name
        return qualname
    code = getattr(fn, "__code__", None)
    if code is None:
        return "lambda"
    if code in _lambda_cache:
        return _lambda_cache[code]
    text = _lambda_source(fn) or "lambda"
    _lambda_cache[code] = text
    return text


def _lambda_source(fn: Callable[..., Any]) -> str | None:
    """Extract ``lambda x: ...`` from the source line, if it can be found unambiguously."""
    try:
        lines, _ = inspect.getsourcelines(fn)
    except (OSError, TypeError):
        return None
    source = "".join(lines).strip()
    start = source.find("lambda")
    if start < 0:
        return None
    source = source[start:]
    # Shrink from the right until the text parses as one lambda expression.
    for end in range(len(source), 0, -1):
        candidate = source[:end]
        try:
            tree = ast.parse(candidate, mode="eval")
        except SyntaxError:
            continue
        if isinstance(tree.body, ast.Lambda):
            return " ".join(candidate.split())
    return None


def pretty_lines(text: str, width: int = 88) -> str:
    """Re-indent a long call-style repr over several lines, one argument per line."""
    if len(text) <= width:
        return text
    out: list[str] = []
    depth = 0
    i = 0
    quote: str | None = None
    buf = ""
    while i < len(text):
        ch = text[i]
        if quote:
            buf += ch
            if ch == "\\" and i + 1 < len(text):
                buf += text[i + 1]
                i += 1
            elif ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
            buf += ch
        elif ch in "([{":
            depth += 1
            buf += ch
            out.append(buf)
            buf = "    " * depth
        elif ch in ")]}":
            depth -= 1
            if buf.strip():
                out.append(buf.rstrip(", ") + ",")
            buf = "    " * depth + ch
        elif ch == "," and text[i + 1 : i + 2] == " ":
            out.append(buf + ",")
            buf = "    " * depth
            i += 1
        else:
            buf += ch
        i += 1
    if buf.strip():
        out.append(buf)
    # Collapse short groups back onto one line.
    return _collapse("\n".join(out), width)


def _collapse(text: str, width: int) -> str:
    lines = text.split("\n")
    changed = True
    while changed:
        changed = False
        for i, line in enumerate(lines):
            if not line.rstrip().endswith(("(", "[", "{")):
                continue
            indent = len(line) - len(line.lstrip())
            for j in range(i + 1, len(lines)):
                inner = lines[j]
                inner_indent = len(inner) - len(inner.lstrip())
                if inner_indent == indent and inner.lstrip()[:1] in ")]}":
                    body = [s.strip() for s in lines[i + 1 : j]]
                    joined = line.rstrip() + " ".join(body).rstrip(",") + inner.lstrip()
                    if len(joined) <= width and all(not b.endswith(("(", "[", "{")) for b in body):
                        lines[i : j + 1] = [joined]
                        changed = True
                    break
            if changed:
                break
    return "\n".join(lines)
