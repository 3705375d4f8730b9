"""The ``synth`` command line: a thin layer over the library.

Start-up is kept fast: this module imports only click and the kernel; Faker, the JSON
Schema compiler, the agent data, pyarrow and dask are imported inside the commands that
need them. Every failure ends as one line on stderr saying what is wrong and how to fix
it, with exit status 2 when the command line or a file it names is wrong (fix the
command) and 1 when the run itself fails (output, disk, a missing extra, generation).
A failed or interrupted run leaves the output path exactly as it was.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import sys
import time
from collections.abc import Iterable, Sequence
from typing import Any, ClassVar, NoReturn

import click

__all__ = ["cli", "main"]

TYPES = ("text", "json", "conversation", "tool_call", "agent_trace")
EXPORTS = ("native", "openai", "sharegpt")
FORMATS = ("jsonl", "json", "parquet")
USAGE, RUNTIME, INTERRUPTED = 2, 1, 130


class Failure(Exception):
    """A failure reported as one line on stderr with an exit status."""

    def __init__(self, message: str, code: int = USAGE) -> None:
        super().__init__(message)
        self.code = code


def _given(param: str) -> bool:
    """Whether the command line set option ``param`` (rather than its default)."""
    source = click.get_current_context().get_parameter_source(param)
    return source not in (None, click.core.ParameterSource.DEFAULT)


def _usage(message: str) -> NoReturn:
    raise Failure(message, USAGE)


def _runtime(message: str) -> NoReturn:
    raise Failure(message, RUNTIME)


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


# -- parameter types with messages that say how to fix them ------------------------------


class _Count(click.ParamType):
    name = "N"

    def convert(self, value: Any, param: Any, ctx: Any) -> int:
        if isinstance(value, int):
            number = value
        else:
            try:
                number = int(str(value).replace("_", ""), 10)
            except ValueError:
                self.fail(f"{value!r} is not a whole number; pass a count such as 100", param, ctx)
        if number < 1:
            self.fail(f"{number} is not a positive number; pass a count of 1 or more", param, ctx)
        return number


class _Seed(click.ParamType):
    name = "INTEGER"

    def convert(self, value: Any, param: Any, ctx: Any) -> int:
        if isinstance(value, int):
            return value
        try:
            return int(str(value), 10)
        except ValueError:
            self.fail(
                f"{value!r} is not an integer; pass a whole number such as --seed 42",
                param,
                ctx,
            )


class _Workers(click.ParamType):
    name = "N"

    def convert(self, value: Any, param: Any, ctx: Any) -> int:
        try:
            number = int(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not a whole number; pass e.g. --workers 2", param, ctx)
        if number < 1:
            self.fail(f"{number} must be 1 or more; pass e.g. --workers 2", param, ctx)
        return number


# -- command group ------------------------------------------------------------------------


def _version() -> str:
    import synth

    return synth.__version__


class _Group(click.Group):
    """The top-level group; ``synth llm`` is loaded only when it is used (it imports the
    LLM layer, asyncio and sqlite3, which the other commands never need)."""

    _lazy_commands: ClassVar[dict[str, tuple[str, str, str]]] = {
        "llm": ("synth.llm.cli", "llm_command", "Generate records with an LLM.")
    }

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self._lazy_commands})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        command = super().get_command(ctx, name)
        if command is None and name in self._lazy_commands:
            import importlib

            module, attr, _ = self._lazy_commands[name]
            command = getattr(importlib.import_module(module), attr)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # Like click's, but lazy commands show their short help without being imported.
        rows = []
        for name in self.list_commands(ctx):
            if name in self._lazy_commands and name not in self.commands:
                rows.append((name, self._lazy_commands[name][2]))
                continue
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(formatter.width - 6 - len(name))))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # Keep the examples' line breaks (click would re-wrap them).
        if self.epilog:
            formatter.write_paragraph()
            formatter.write(self.epilog)


class _Command(click.Command):
    format_epilog = _Group.format_epilog


@click.group(
    cls=_Group,
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog="""Examples:
  synth generate --type conversation --count 3 --seed 42
  synth generate --type json --schema user.json --count 1000 --output users.parquet
  synth templates --list
  synth explain --type agent_trace
""",
)
@click.version_option(package_name="synth", prog_name="synth", message="%(prog)s %(version)s")
def cli() -> None:
    """synth: synthetic data for building, testing and training AI agents.

    Text, JSON records (free-form or from a JSON Schema), conversations, tool calls and
    agent traces, reproducible from a seed, written as JSON Lines, JSON or Parquet.
    """


# -- generate -----------------------------------------------------------------------------


def _keep_faker_snapshot() -> None:
    """This process is ours: let it keep the snapshot of Faker's data (see
    synth.providers.snapshot) in the user's cache directory, unless $SYNTH_CACHE_DIR says
    otherwise. Library use writes no such file unless $SYNTH_CACHE_DIR asks for it."""
    if "SYNTH_CACHE_DIR" not in os.environ:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        os.environ["SYNTH_CACHE_DIR"] = os.path.join(base, "synth")


@cli.command(
    cls=_Command,
    epilog="""Examples:
  synth generate --type conversation --count 20 --seed 42 --output conversations.jsonl
  synth generate --type tool_call --count 50 --constraint tool=search
  synth generate --type text --count 30 --constraint min_sentences=5 --constraint max_sentences=10
  synth generate --type json --schema user.json --count 100000 --output users.parquet --workers 2
  synth generate --type tool_call --tools my_tools.json --export openai --output calls.json
  synth generate --type agent_trace --locale de_DE --count 100 --output traces_de.jsonl
  synth generate --type agent_trace --count 1000000 --output traces/ --dask-scheduler tcp://host:8786

Exit status: 0 on success, 2 when the command line or a file it names is wrong,
1 when the run fails (output, disk, generation), 130 when interrupted. On any failure
the output path is left as it was.
""",
)
@click.option(
    "--type",
    "data_type",
    type=click.Choice(TYPES, case_sensitive=False),
    required=True,
    help="Type of data to generate.",
)
@click.option("--count", type=_Count(), default=10, show_default=True, help="Number of samples.")
@click.option(
    "--seed",
    type=_Seed(),
    default=None,
    help="Random seed; the same seed gives the same bytes. Chosen at random and printed if absent.",
)
@click.option(
    "--output",
    default="-",
    show_default=True,
    metavar="PATH",
    help="Output file (.jsonl, .json or .parquet), '-' for stdout, or a directory with "
    "--dask-scheduler.",
)
@click.option("--schema", metavar="FILE", help="JSON Schema file (with --type json).")
@click.option(
    "--constraint",
    "constraints",
    multiple=True,
    metavar="KEY=VALUE",
    help="Type-specific setting, repeatable (see 'synth explain').",
)
@click.option("--tools", metavar="FILE", help="Tool definitions (OpenAI tools list or MCP tools).")
@click.option("--template", metavar="FILE", help="Conversation templates (JSON, TOML or YAML).")
@click.option(
    "--export",
    type=click.Choice(EXPORTS, case_sensitive=False),
    default="native",
    show_default=True,
    help="Record shape: the seed's (native), OpenAI chat format, or ShareGPT.",
)
@click.option(
    "--format",
    "out_format",
    type=click.Choice(FORMATS, case_sensitive=False),
    default=None,
    help="Output format; default from the extension (.json = one JSON array), else jsonl.",
)
@click.option("--workers", type=_Workers(), default=1, show_default=True, help="Processes.")
@click.option(
    "--locale",
    default="en_US",
    show_default=True,
    help="Faker locale of the people and places (names, emails, phones, cities, addresses); "
    "the wording stays English; not for --type text.",
)
@click.option(
    "--progress/--no-progress",
    default=None,
    help="Progress bar on stderr (default: when stderr is a terminal).",
)
@click.option("--manifest", is_flag=True, help="Also write PATH.manifest.json (seed, hash, ...).")
@click.option(
    "--index/--no-index",
    default=None,
    help="Put the record number first in each record as 'index' (the seed's shape). "
    "Default: on for native records, off for --export openai/sharegpt, whose lines are "
    "uploaded for fine-tuning and should hold only the chat.",
)
@click.option(
    "--dask-scheduler",
    metavar="ADDRESS",
    help="Run on a Dask cluster (pip install 'synth[dask]'): --output is a directory of shards.",
)
@click.option(
    "--shard-records",
    type=_Count(),
    default=1_048_576,
    show_default=True,
    help="Records per shard with --dask-scheduler.",
)
def generate(
    data_type: str,
    count: int,
    seed: int | None,
    output: str,
    schema: str | None,
    constraints: tuple[str, ...],
    tools: str | None,
    template: str | None,
    export: str,
    out_format: str | None,
    workers: int,
    locale: str,
    progress: bool | None,
    manifest: bool,
    index: bool | None,
    dask_scheduler: str | None,
    shard_records: int,
) -> None:
    """Generate synthetic samples and write them as JSON Lines, JSON or Parquet."""
    data_type = data_type.lower()
    export = export.lower()
    if not output.strip():
        _usage("--output is empty; give a file path, or - for standard output")
    seed_chosen = seed is None
    if seed is None:
        seed = int.from_bytes(os.urandom(4), "big")
    settings = _settings(data_type, schema, constraints, tools, template, export, locale)
    if index is None:
        chosen = settings.get("export") or settings.get("constraints", {}).get("export")
        index = str(chosen or "native").lower() == "native"
    fmt = _output_format(output, out_format, dask_scheduler)
    if manifest and output == "-":
        _usage("--manifest needs an output file; add --output PATH")
    if not dask_scheduler and _given("shard_records"):
        _usage(
            "--shard-records applies only with --dask-scheduler; drop it, or add "
            "--dask-scheduler ADDRESS to write shards on a cluster"
        )
    _keep_faker_snapshot()
    recipe = _build(settings)  # fail on bad settings before touching the output
    # After compiling: a schema that is invalid or unsatisfiable is reported as such (with
    # its pointer), not as a record shape that --no-index would "fix".
    _check_index_collision(settings, index)
    if dask_scheduler:
        _generate_on_dask(
            recipe,
            settings,
            data_type,
            count,
            seed,
            output,
            fmt,
            index,
            dask_scheduler,
            shard_records,
            seed_chosen,
        )
        return
    arguments = {
        "type": data_type,
        "count": count,
        "seed": seed,
        "output": output,
        "format": fmt,
        "schema": schema,
        "constraints": list(constraints),
        "tools": tools,
        "template": template,
        "export": export,
        "locale": locale,
        "workers": workers,
        "index": index,
    }
    show = _progress_wanted(progress)
    began = time.perf_counter()
    finished = _write(
        recipe, settings, output, count, seed, fmt, workers, index, manifest, arguments, show
    )
    if not finished:
        return  # the reader of standard output stopped early (`| head`): say nothing
    elapsed_ms = (time.perf_counter() - began) * 1000
    _summary(count, data_type, elapsed_ms, output, seed, seed_chosen)


def _summary(
    count: int, data_type: str, elapsed_ms: float, output: str, seed: int, seed_chosen: bool
) -> None:
    samples = "sample" if count == 1 else "samples"
    click.echo(f"Generated {count} {data_type} {samples} in {elapsed_ms:.1f} ms.", err=True)
    if output != "-":
        click.echo(f"Output written to: {output}", err=True)
    if seed_chosen:
        click.echo(
            f"Seed: {seed} (chosen at random; add --seed {seed} to repeat this run)", err=True
        )


def _progress_wanted(flag: bool | None) -> bool:
    if flag is not None:
        return flag
    return sys.stderr.isatty()


class _ProgressBar:
    """A one-line progress bar on stderr, redrawn at most ten times a second."""

    def __init__(self) -> None:
        self.began = time.perf_counter()
        self.last = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.perf_counter()
        if done < total and now - self.last < 0.1:
            return
        self.last = now
        width = 30
        filled = width * done // max(total, 1)
        rate = done / max(now - self.began, 1e-9)
        sys.stderr.write(
            f"\r[{'#' * filled}{'.' * (width - filled)}] {100 * done // max(total, 1):3d}% "
            f"{done:,}/{total:,} records, {rate:,.0f}/s"
        )
        sys.stderr.flush()

    def finish(self) -> None:
        sys.stderr.write("\r\033[K")
        sys.stderr.flush()


def _write(
    recipe: Any,
    settings: dict[str, Any],
    output: str,
    count: int,
    seed: int,
    fmt: str,
    workers: int,
    index: bool,
    manifest: bool,
    arguments: dict[str, Any],
    show_progress: bool,
) -> None:
    from synth.core.errors import MissingExtra, SynthError
    from synth.dataset import write_dataset

    bar = _ProgressBar() if show_progress else None
    shown = "standard output" if output == "-" else output
    try:
        write_dataset(
            recipe,
            output,
            count,
            seed=seed,
            format=fmt,
            workers=workers,
            index=index,
            manifest=manifest,
            progress=_progress_or_stop(bar),
            arguments=arguments,
            reference_time=_reference_time(settings),
            checksum=manifest,  # the command shows no checksum unless it writes a manifest
            # Built-in data holds no NaN or infinity; a user's schema, tools or templates
            # might bring one in (YAML's .nan, Python's json reads NaN).
            check_finite=bool(
                settings.get("schema") or settings.get("tools") or settings.get("templates")
            ),
        )
    except KeyboardInterrupt:
        raise Failure(_left_unchanged("Interrupted", output), INTERRUPTED) from None
    except MissingExtra as exc:
        _runtime(str(exc))
    except BrokenPipeError:
        # The reader of standard output went away (e.g. `| head`): not an error.
        _quiet_stdout()
        return False
    except OSError as exc:
        _runtime(_os_message(exc, shown, output))
    except SynthError as exc:
        message = _one_line(exc).replace("use index=False", "add --no-index")
        _runtime(_left_unchanged(f"generation failed: {message}", output))
    finally:
        if bar is not None:
            bar.finish()
    return True


def _quiet_stdout() -> None:
    # Python would report the broken pipe again when it flushes stdout at exit.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def _left_unchanged(message: str, output: str) -> str:
    if output == "-":
        return message
    if os.path.exists(output):
        return f"{message}; {output} was left unchanged"
    return f"{message}; nothing was written"


def _os_message(exc: OSError, shown: str, output: str) -> str:
    import errno

    if exc.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT):
        fix = "free some disk space or write to another --output"
    elif exc.errno == errno.ENOENT:
        fix = "create the directory first or choose another --output"
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        fix = "choose an --output in a directory you can write to"
    elif exc.errno == errno.EISDIR:
        fix = "give a file name, not a directory, as --output"
    elif exc.errno == errno.ENOTDIR:
        fix = "choose an --output whose parent path is a directory"
    else:
        fix = "check the --output path"
    reason = exc.strerror or str(exc)
    return _left_unchanged(f"cannot write {shown}: {_one_line(reason)}; {fix}", output)


def _reference_time(settings: dict[str, Any]) -> Any:
    """The "now" that dates and timestamps count from (recorded in the manifest)."""
    constraints = settings.get("constraints", {})
    given = constraints.get("reference_time")
    if given:
        return given
    kind = settings.get("data_type")
    if kind == "agent_trace" or (
        kind == "conversation"
        and (
            constraints.get("template") == "tool_use"
            or constraints.get("tools")
            or (settings.get("tools") and not constraints.get("template"))
        )
    ):
        # Traces (and tool-use conversations, which are traces) count from their own
        # start, not from the templates' reference time.
        from synth.agents.trace import DEFAULT_START

        return DEFAULT_START
    try:
        from synth.compilers.template import DEFAULT_REFERENCE_TIME
    except ImportError:  # pragma: no cover - only before the template compiler existed
        return None
    return DEFAULT_REFERENCE_TIME


def _generate_on_dask(
    recipe: Any,
    settings: dict[str, Any],
    data_type: str,
    count: int,
    seed: int,
    output: str,
    fmt: str,
    index: bool,
    scheduler: str,
    shard_records: int,
    seed_chosen: bool,
) -> None:
    from synth.core.errors import DatasetError, MissingExtra, SynthError

    if output == "-":
        _usage("--dask-scheduler writes shards into a directory; add --output DIRECTORY")
    if os.path.exists(output) and not os.path.isdir(output):
        _usage(f"--output {output} is a file; with --dask-scheduler give a directory")
    parent = os.path.dirname(os.path.abspath(output))
    if not os.path.isdir(parent):
        _runtime(f"cannot write {output}: directory {parent} does not exist; create it first")
    try:
        from synth.dataset.distributed import write_dask
    except MissingExtra as exc:
        _runtime(str(exc))
    began = time.perf_counter()
    try:
        shards = write_dask(
            recipe,
            output,
            count,
            seed=seed,
            scheduler=scheduler,
            format=fmt,
            shard_records=shard_records,
            index=index,
        )
    except KeyboardInterrupt:
        raise Failure("Interrupted; the shards of this run were removed", INTERRUPTED) from None
    except OSError as exc:
        _runtime(f"cannot write shards to {output}: {_one_line(exc)}")
    except DatasetError as exc:
        _runtime(_one_line(exc))
    except SynthError as exc:
        _runtime(f"generation failed: {_one_line(exc)}")
    elapsed_ms = (time.perf_counter() - began) * 1000
    _summary(count, data_type, elapsed_ms, output, seed, seed_chosen)
    click.echo(f"Shards: {len(shards)} ({fmt}), in index order by file name.", err=True)


def _output_format(output: str, explicit: str | None, dask: str | None) -> str:
    from synth.dataset.formats import infer_format

    fmt = explicit.lower() if explicit else infer_format(None if dask else output)
    if fmt == "parquet" and output == "-":
        _usage("Parquet cannot be written to standard output; add --output data.parquet")
    if dask and fmt == "json":
        _usage("--dask-scheduler writes shards as jsonl or parquet; use --format jsonl or parquet")
    return fmt


# -- settings: constraints, schema, tools, templates -----------------------------------


def _parse_constraints(pairs: Iterable[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            _usage(f"--constraint must be KEY=VALUE, got {pair!r}; e.g. --constraint tool=search")
        out[key.strip()] = value.strip()
    return out


def _settings(
    data_type: str,
    schema: str | None,
    constraints: Sequence[str],
    tools: str | None,
    template: str | None,
    export: str,
    locale: str,
) -> dict[str, Any]:
    """The keyword arguments of ``synth.compat.payload_generator`` for this command line:
    plain data (so a worker process can rebuild the generator from them)."""
    parsed = _parse_constraints(constraints)
    settings: dict[str, Any] = {"data_type": data_type}
    if parsed:
        settings["constraints"] = parsed
    if schema is not None:
        if data_type != "json":
            _usage(
                f"--schema is used only with --type json, not --type {data_type}; "
                "drop --schema or use --type json"
            )
        document = load_schema(schema)
        if document is False:
            _usage(
                f"no value can satisfy the schema: --schema {schema} is false, which admits "
                "nothing; use true or an object schema"
            )
        # `true` admits everything, as `{}` does (the agent data takes schema objects).
        settings["schema"] = {} if document is True else document
    if tools is not None:
        if data_type not in ("conversation", "tool_call", "agent_trace"):
            _usage(
                f"--tools is used only with --type conversation, tool_call or agent_trace, "
                f"not --type {data_type}; drop --tools or change --type"
            )
        settings["tools"] = _existing_file(tools, "--tools")
    if template is not None:
        if data_type != "conversation":
            _usage(
                f"--template is used only with --type conversation, not --type {data_type}; "
                "drop --template or use --type conversation"
            )
        settings["templates"] = _existing_file(template, "--template")
    if export != "native":
        settings["export"] = export
    if locale != "en_US":
        settings["locale"] = locale
    return settings


def _read_text(path: str, option: str, kind: str = "file") -> str:
    """The UTF-8 text of the file named by ``option`` (a byte-order mark is dropped), or a
    one-line usage error naming it: missing, a directory (give a ``kind``), unreadable or
    not UTF-8."""
    if not os.path.exists(path):
        _usage(f"{option}: file not found; check the path")
    if os.path.isdir(path):
        _usage(f"{option} is a directory; give a {kind}")
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except OSError as exc:
        _usage(f"{option}: cannot read it ({exc.strerror}); check its permissions")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        _usage(
            f"{option} is not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
            "save it as UTF-8"
        )


def _existing_file(path: str, option: str) -> str:
    """The absolute path of a readable UTF-8 text file named by ``option`` (a tools or
    templates file), or a one-line usage error naming it."""
    _read_text(path, f"{option} {path}")
    return os.path.abspath(path)


def _path_once(message: str, path: str) -> str:
    """``message`` with a doubled ``PATH: PATH: `` prefix said once."""
    doubled = f"{path}: {path}: "
    while doubled in message:
        message = message.replace(doubled, f"{path}: ")
    return message


def load_schema(path: str) -> Any:
    """Read a JSON Schema file; every problem becomes a one-line usage error."""
    import json

    option = f"--schema {path}"
    text = _read_text(path, option, "a .json file")
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        _usage(
            f"{option} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}; "
            "fix the JSON there"
        )
    if not isinstance(document, (dict, bool)):
        kind = {list: "an array", str: "a string", int: "a number", float: "a number"}.get(
            type(document), "null"
        )
        _usage(
            f"{option} holds {kind}, but a JSON Schema is an object or a boolean; "
            'wrap it, e.g. {"type": "object", ...}'
        )
    return document


def _check_index_collision(settings: dict[str, Any], index: bool) -> None:
    """With ``index`` on, records must be objects without their own ``index`` key."""
    schema = settings.get("schema")
    if not index or not isinstance(schema, dict):
        return
    kind = schema.get("type", "object")  # without "type" we find out when drawing
    if kind not in ("object", ["object"]) or not schema:
        _usage(
            "the schema's records are not always JSON objects, so synth cannot put the "
            "record number in them as 'index'; add --no-index, or give the schema "
            '"type": "object"'
        )
    properties = schema.get("properties")
    if isinstance(properties, dict) and "index" in properties:
        _usage(
            "the schema has a property named 'index', which would collide with the record "
            "number synth adds; add --no-index"
        )


_SCHEMA_PROBLEM = {
    "SchemaError": "the schema is not valid JSON Schema",
    "UnsupportedSchema": "the schema uses something synth cannot generate",
    "UnsatisfiableSchema": "no value can satisfy the schema",
}


def _schema_kind(exc: Exception) -> str:
    for klass in type(exc).__mro__:
        if klass.__name__ in _SCHEMA_PROBLEM:
            return klass.__name__
    return "SchemaError"


def _schema_detail(exc: Exception) -> str:
    """The message, with the JSON Pointer and keyword added if it does not name them."""
    message = _one_line(exc)
    pointer = getattr(exc, "pointer", None) or "#"
    keyword = getattr(exc, "keyword", None)
    if pointer not in message:
        message += f" (at {pointer}" + (f", keyword {keyword!r})" if keyword else ")")
    return message


def _build(settings: dict[str, Any]) -> Any:
    """The recipe for these settings, its generator built once (and kept in it): bad
    settings become one-line usage errors. Workers and clusters rebuild from the recipe."""
    from synth.core.errors import (
        SchemaError,
        SynthError,
        TemplateError,
        UnsatisfiableSchema,
        UnsupportedSchema,
    )
    from synth.dataset import Recipe

    path = settings.get("templates")
    try:
        if path is not None and "template" not in settings.get("constraints", {}):
            _pick_user_template(settings, path)
        recipe = Recipe("synth.compat:payload_generator", settings)
        recipe.build()
        if path is not None:
            _check_user_templates(path)
        return recipe
    except (SchemaError, UnsupportedSchema, UnsatisfiableSchema) as exc:
        _usage(f"{_SCHEMA_PROBLEM[_schema_kind(exc)]}: {_schema_detail(exc)}")
    except TemplateError as exc:
        message = _one_line(exc)
        if path:
            message = _path_once(message, str(path))
        where = f" in --template {path}" if path and str(path) not in message else ""
        _usage(f"template error{where}: {message}")
    except SynthError as exc:
        message = _one_line(exc)
        for key in ("templates", "tools"):
            if settings.get(key):
                message = _path_once(message, str(settings[key]))
        _usage(message)


def _pick_user_template(settings: dict[str, Any], path: str) -> None:
    """``--template FILE`` without ``--constraint template=NAME``: the file's template when
    it holds one (the built-in default would ignore the file), else a usage error listing
    them."""
    from synth.agents.conversation import load_templates

    names = list(load_templates(path))
    if len(names) != 1:
        _usage(
            f"--template {path} defines {len(names)} templates ({', '.join(names)}); choose "
            f"one with --constraint template=NAME"
        )
    settings["constraints"] = {**settings.get("constraints", {}), "template": names[0]}


def _check_user_templates(path: str) -> None:
    """Compile every template in the user's file now: a placeholder that names nothing is
    an error at load, even in a template or phrasing this run would never draw."""
    from synth.agents.conversation import conversations, load_templates

    table = load_templates(path)
    for name in table:
        conversations(name, templates=table)


# -- templates ----------------------------------------------------------------------------


@cli.command(
    cls=_Command,
    epilog="""Examples:
  synth templates --list
  synth templates --category conversation
  synth templates --list --template my_templates.json --tools my_tools.json
""",
)
@click.option("--list", "list_all", is_flag=True, help="List every template and tool.")
@click.option(
    "--category",
    type=click.Choice(["conversation", "tool_call"], case_sensitive=False),
    help="Only conversation templates or only tool-call tools.",
)
@click.option("--template", metavar="FILE", help="Also list the templates in this file.")
@click.option("--tools", metavar="FILE", help="Also list the tools in this file.")
def templates(
    list_all: bool, category: str | None, template: str | None, tools: str | None
) -> None:
    """List the built-in conversation templates and tool-call tools (and yours)."""
    if category == "conversation" and tools is not None:
        _usage(
            "--tools adds tool-call tools, which --category conversation does not list; "
            "use --category tool_call or --list, or drop --tools"
        )
    if category == "tool_call" and template is not None:
        _usage(
            "--template adds conversation templates, which --category tool_call does not "
            "list; use --category conversation or --list, or drop --template"
        )
    if not list_all and category is None and template is None and tools is None:
        _usage("Specify --list or --category <category>.")
    from synth.compat import list_templates, list_tools

    # Given alone, a file of your own is listed beside the built-ins of its kind.
    show_conversations = (
        list_all or category == "conversation" or (category is None and template is not None)
    )
    show_tools = list_all or category == "tool_call" or (category is None and tools is not None)
    lines = [""]
    if show_conversations:
        builtin = list_templates()
        lines.append("--- Conversation Templates ---")
        lines += [_template_line(name, info) for name, info in builtin.items()]
        if template is not None:
            path = _existing_file(template, "--template")
            yours = _listed(list_templates, path, builtin)
            lines += ["", f"--- Your Templates ({template}) ---"]
            lines += [_template_line(name, info) for name, info in yours.items()]
        lines.append("")
    if show_tools:
        builtin_tools = list_tools()
        lines.append("--- Tool-Call Templates ---")
        lines += [f"  {key}  -> {function}" for key, function in builtin_tools.items()]
        if tools is not None:
            path = _existing_file(tools, "--tools")
            yours = _listed(list_tools, path, builtin_tools)
            lines += ["", f"--- Your Tools ({tools}) ---"]
            lines += [f"  {key}  -> {function}" for key, function in yours.items()]
        lines.append("")
    click.echo("\n".join(lines))


def _template_line(name: str, info: dict[str, Any]) -> str:
    turns = info.get("turns")
    return f"  {name}  ({turns} turns)" if turns else f"  {name}  (turns vary)"


def _listed(lister: Any, path: str, builtin: dict[str, Any]) -> dict[str, Any]:
    """What the file at ``path`` adds to the built-in table (a bad file: a usage error)."""
    from synth.core.errors import SynthError

    try:
        table = lister(path)
    except SynthError as exc:
        _usage(_path_once(_one_line(exc), path))
    return {name: value for name, value in table.items() if name not in builtin}


# -- explain ------------------------------------------------------------------------------


@cli.command(
    cls=_Command,
    epilog="""Examples:
  synth explain --type conversation --constraint template=code_assistant
  synth explain --schema user.json
  synth explain --type conversation --template my_templates.json
""",
)
@click.option(
    "--type",
    "data_type",
    type=click.Choice(TYPES, case_sensitive=False),
    default=None,
    help="Type of data (default: json with --schema, conversation with --template, else text).",
)
@click.option("--schema", metavar="FILE", help="JSON Schema file.")
@click.option("--constraint", "constraints", multiple=True, metavar="KEY=VALUE")
@click.option("--tools", metavar="FILE", help="Tool definitions.")
@click.option("--template", metavar="FILE", help="Conversation templates.")
@click.option("--export", type=click.Choice(EXPORTS, case_sensitive=False), default="native")
@click.option(
    "--locale",
    default="en_US",
    show_default=True,
    help="Faker locale of the people and places; not for --type text.",
)
@click.option("--seed", type=_Seed(), default=0, show_default=True, help="Seed of the example.")
def explain(
    data_type: str | None,
    schema: str | None,
    constraints: tuple[str, ...],
    tools: str | None,
    template: str | None,
    export: str,
    locale: str,
    seed: int,
) -> None:
    """Print the generator tree that 'synth generate' would draw from, the settings in
    effect and an example record."""
    if data_type is None:
        data_type = "json" if schema else "conversation" if template else None
    if data_type is None:
        _usage("Specify --type, --schema or --template; e.g. synth explain --type text")
    settings = _settings(
        data_type.lower(), schema, constraints, tools, template, export.lower(), locale
    )
    gen = _build(settings).build()
    import synth
    from synth.core.pretty import pretty_lines
    from synth.dataset.formats import dumps

    click.echo("Generator tree:")
    click.echo(_indent(pretty_lines(repr(gen), width=84)))
    effective = _effective_settings(settings)
    if effective:
        click.echo("")
        click.echo("Settings (constraints with their defaults):")
        for key, value in effective.items():
            click.echo(f"    {key} = {value}")
    example = {"index": 0, **synth.sample(gen, seed=seed)}
    click.echo("")
    click.echo(f"Record 0 with --seed {seed}:")
    import json

    click.echo(_indent(json.dumps(json.loads(dumps(example)), indent=2, ensure_ascii=False)))


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.splitlines())


def _effective_settings(settings: dict[str, Any]) -> dict[str, Any]:
    """The constraint values a run would use, defaults included (when the agent data
    module can say)."""
    try:
        from synth.agents.datasets import parse_constraints
    except ImportError:  # pragma: no cover - older agent data modules
        return dict(settings.get("constraints", {}))
    merged = {
        "export": settings.get("export", "native"),
        "locale": settings.get("locale", "en_US"),
        **settings.get("constraints", {}),
    }
    values = parse_constraints(settings["data_type"], merged)
    # Constraints whose default depends on the run: say what it is instead of leaving
    # them out (a reader of 'synth explain --type tool_call' could not find 'tool').
    kind = settings["data_type"]
    yours = "the tools in --tools" if settings.get("tools") else None
    if kind == "conversation" and yours and "template" not in settings.get("constraints", {}):
        values["template"] = "tool_use"  # tool definitions alone make tool_use conversations
    uses_tools = kind == "agent_trace" or (
        kind == "conversation"
        and (values.get("template") == "tool_use" or settings.get("tools") is not None)
    )
    if kind == "tool_call" and values.get("tool") is None:
        values["tool"] = yours or "search"
    if uses_tools and values.get("tools") is None:
        from synth.agents.datasets import list_tools

        values["tools"] = yours or ", ".join(list_tools())
    if "reference_time" in values and values["reference_time"] is None:
        values["reference_time"] = _reference_time(settings)
    return {k: _setting_text(v) for k, v in values.items() if v is not None}


def _setting_text(value: Any) -> Any:
    if isinstance(value, tuple):
        return ", ".join(value)
    if isinstance(value, dt.datetime):
        return value.isoformat().replace("+00:00", "Z")
    return value


# -- entry point --------------------------------------------------------------------------


_STOP_REQUESTED: list[int] = []


def _raise_interrupt(signum: int, frame: Any) -> None:
    # Remembered as well as raised: a KeyboardInterrupt that lands in a destructor is
    # swallowed by Python ("Exception ignored in ..."), so the writer checks again after
    # every chunk (see _progress_or_stop).
    _STOP_REQUESTED.append(signum)
    raise KeyboardInterrupt


def _progress_or_stop(bar: Any) -> Any:
    def progress(done: int, total: int) -> None:
        if _STOP_REQUESTED:
            raise KeyboardInterrupt
        if bar is not None:
            bar(done, total)

    return progress


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (used by the console script)."""
    # An over-size file (RLIMIT_FSIZE) must be an OSError we can report, not a kill.
    if hasattr(signal, "SIGXFSZ"):
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    # Termination cleans up like Ctrl-C: temp files removed, the target untouched.
    signal.signal(signal.SIGTERM, _raise_interrupt)
    signal.signal(signal.SIGINT, _raise_interrupt)
    prog = "synth"
    try:
        code = cli.main(
            args=list(argv) if argv is not None else None, prog_name=prog, standalone_mode=False
        )
    except Failure as exc:
        click.echo(f"Error: {exc}", err=True)
        return exc.code
    except click.exceptions.Abort:
        click.echo("Error: Interrupted", err=True)
        return INTERRUPTED
    except KeyboardInterrupt:
        click.echo("Error: Interrupted", err=True)
        return INTERRUPTED
    except click.UsageError as exc:
        command = exc.ctx.command_path if exc.ctx is not None else prog
        click.echo(f"Error: {_one_line(exc.format_message())} (see '{command} --help')", err=True)
        return USAGE
    except click.ClickException as exc:
        click.echo(f"Error: {_one_line(exc.format_message())}", err=True)
        return exc.exit_code
    return code if isinstance(code, int) else 0


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
