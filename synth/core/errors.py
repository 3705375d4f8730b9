"""The exceptions synth raises.

Every error synth raises on purpose is a :class:`SynthError`. Each message says what was
wrong, where (argument name, JSON Pointer, template ``line:col`` or record path) and how to
fix it, so that a command line can print it as one line.
"""

from __future__ import annotations

__all__ = [
    "DatasetError",
    "InvalidArgument",
    "MissingExtra",
    "SchemaError",
    "SynthError",
    "TemplateError",
    "Unsatisfiable",
    "UnsatisfiableSchema",
    "UnsupportedPattern",
    "UnsupportedSchema",
]


class SynthError(Exception):
    """Base class of every error synth raises deliberately."""


class InvalidArgument(SynthError, ValueError):
    """A generator was built with an argument of the wrong type or value.

    Raised when the generator is *built*, never when it is drawn.
    """


class Unsatisfiable(SynthError):
    """A generator could not produce a value within its budget.

    Raised at draw time by ``.filter`` after its bounded number of tries, by unique lists
    that run out of distinct values, and by recursion that has no way to stop.
    """


class SchemaError(SynthError, ValueError):
    """A document given as JSON Schema is not valid JSON Schema.

    ``pointer`` is the JSON Pointer of the offending subschema.
    """

    def __init__(self, message: str, pointer: str = "#", keyword: str | None = None) -> None:
        super().__init__(message)
        self.pointer = pointer
        self.keyword = keyword


class UnsupportedSchema(SynthError, NotImplementedError):
    """A valid schema uses something synth cannot generate correctly.

    ``pointer`` is the JSON Pointer of the subschema and ``keyword`` the keyword refused.
    """

    def __init__(self, message: str, pointer: str = "#", keyword: str | None = None) -> None:
        super().__init__(message)
        self.pointer = pointer
        self.keyword = keyword


class UnsatisfiableSchema(SynthError, ValueError):
    """No instance can satisfy the schema (for example ``minimum`` above ``maximum``)."""

    def __init__(self, message: str, pointer: str = "#", keyword: str | None = None) -> None:
        super().__init__(message)
        self.pointer = pointer
        self.keyword = keyword


class TemplateError(SynthError, ValueError):
    """A text template could not be compiled; ``line`` and ``column`` are 1-based."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        super().__init__(message)
        self.line = line
        self.column = column


class UnsupportedPattern(SynthError, NotImplementedError):
    """A regular expression uses a feature that cannot be generated correctly.

    Backreferences, lookarounds and conditionals are refused by name; ``feature`` says which.
    """

    def __init__(self, message: str, feature: str | None = None) -> None:
        super().__init__(message)
        self.feature = feature


class DatasetError(SynthError):
    """A dataset could not be written (records that do not fit the output format, a
    worker that failed); the target file is left as it was."""


class MissingExtra(SynthError, ImportError):
    """An optional feature needs a package that is not installed; ``extra`` names the
    pip extra that installs it (``pip install 'synth[parquet]'``)."""

    def __init__(self, message: str, extra: str | None = None) -> None:
        super().__init__(message)
        self.extra = extra


# -- LLM calls (synth.llm) ---------------------------------------------------------------

__all__ += ["CallFailed", "OutputInvalid"]


class OutputInvalid(SynthError, ValueError):
    """A model's answer could not be parsed, or did not validate against the expected type.

    Every parser raises this one class, whatever the format (JSON, XML, text), so a retry
    policy has a single thing to catch. ``path`` is where in the value the problem is
    (``$.tags[3]``), ``text`` the answer that was rejected.
    """

    def __init__(self, message: str, path: str = "$", text: str | None = None) -> None:
        super().__init__(message)
        self.path = path
        self.text = text


class CallFailed(SynthError):
    """A model call ran out of its budget or hit an error that retrying cannot fix.

    ``attempts`` lists every attempt made (number, kind, reason, seconds), so the message
    and the attribute both say what was tried and why it failed.
    """

    def __init__(self, message: str, attempts: tuple[object, ...] = ()) -> None:
        super().__init__(message)
        self.attempts = attempts
