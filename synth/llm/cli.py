"""``synth llm``: a model-written dataset from a prompt file pair and a schema or a type.

    synth llm --prompt prompts/persona --schema persona.schema.json --count 100 \\
        --base-url http://127.0.0.1:8080/v1 --model gemma-3-270m \\
        --cache .synth-cache.sqlite --max-concurrency 8 --output personas.jsonl

Each record is ``{"index": i, "input": ..., "output": ...}``. Inputs come from ``--input``
(a JSONL file, one input per line: a string is sent as it is, anything else as JSON) or
from ``--user`` (the same message for every record; each record gets its own seed, drawn
from ``--seed``, so answers differ and are reproducible). The output is checked against
``--schema`` (a JSON Schema file) or ``--type`` (``package.module:Class``, an attrs class
or dataclass); with neither it is free text. Answers go to the ``--cache`` (sqlite):
rerunning the command replays them, and a killed run resumes where it stopped.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import json
import logging
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click

import synth
from synth.core.errors import SynthError
from synth.dataset.atomic import check_output_dir
from synth.llm.call import RetryPolicy, StructuredCall, run_sync
from synth.llm.client import CAPABILITIES, Client
from synth.llm.formats import JsonFormatter, SchemaParser, TextParser, auto_parser_for_type
from synth.llm.generators import Ask
from synth.llm.params import load_config
from synth.llm.runner import run_records_async

__all__ = ["llm_command"]


class _InputFormatter:
    """Strings as they are, anything else as compact JSON."""

    def format(self, value: Any) -> str:
        return value if isinstance(value, str) else JsonFormatter().format(value)


def _read_text(path: str, option: str) -> str:
    """The UTF-8 text of a file named by ``option``, or a usage error naming the file."""
    try:
        return Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise click.UsageError(
            f"{option} {path}: not UTF-8 text (byte {exc.start}); save it as UTF-8"
        ) from None
    except OSError as exc:
        raise click.UsageError(f"{option} {path}: cannot read it ({exc.strerror or exc})") from None


def _parser(schema: str | None, type_path: str | None) -> Any:
    if schema and type_path:
        raise click.UsageError("give --schema or --type, not both")
    if schema:
        try:
            document = json.loads(_read_text(schema, "--schema"))
        except json.JSONDecodeError as exc:
            raise click.UsageError(
                f"--schema {schema}:{exc.lineno}:{exc.colno}: not JSON ({exc.msg})"
            ) from None
        _check_schema(document, schema)
        return SchemaParser(document, name=Path(schema).name.split(".")[0])
    if type_path:
        module, _, name = type_path.partition(":")
        if not name:
            raise click.UsageError(f"--type expects package.module:Class, got {type_path!r}")
        try:
            tp = getattr(importlib.import_module(module), name)
        except (ImportError, AttributeError) as exc:
            raise click.UsageError(f"--type {type_path}: cannot import it ({exc})") from exc
        return auto_parser_for_type(tp)
    return TextParser()


def _check_schema(document: Any, path: str) -> None:
    """Refuse a ``--schema`` file that is not a JSON Schema, with the JSON Pointer of the
    first problem (checked against the metaschema of its ``$schema``, 2020-12 by default)."""
    if not isinstance(document, dict):
        kind = {bool: "a boolean", list: "an array", str: "a string", type(None): "null"}.get(
            type(document), "a number"
        )
        raise click.UsageError(
            f"--schema {path}: a JSON Schema is a JSON object, got {kind}; "
            'write e.g. {"type": "object", "properties": {...}}'
        )
    from jsonschema.exceptions import SchemaError as MetaschemaError
    from jsonschema.validators import Draft202012Validator, validator_for

    try:
        validator_for(document, default=Draft202012Validator).check_schema(document)
    except MetaschemaError as exc:
        pointer = "#" + "".join(
            "/" + str(p).replace("~", "~0").replace("/", "~1") for p in exc.path
        )
        message = " ".join(exc.message.split())
        if len(message) > 160:
            message = message[:157] + "..."
        raise click.UsageError(
            f"--schema {path}: not a valid JSON Schema at {pointer}: {message}"
        ) from None


def _inputs(input_path: str | None, user: str | None, count: int | None) -> list[Any]:
    if input_path and user:
        raise click.UsageError(
            "give the user messages with --input FILE.jsonl or --user TEXT, not both"
        )
    if not input_path and not user:
        raise click.UsageError("give the user messages with --input FILE.jsonl or --user TEXT")
    if user is not None:
        if count is None:
            raise click.UsageError("--user needs --count")
        return [user] * count
    rows = []
    text = _read_text(input_path, "--input")  # type: ignore[arg-type]
    for number, line in enumerate(text.split("\n"), 1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise click.UsageError(
                    f"--input {input_path}:{number}:{exc.colno}: not JSON ({exc.msg}); "
                    "write one JSON value per line"
                ) from None
    return rows if count is None else rows[:count]


def _check_prompt(prompt: str) -> None:
    """``--prompt NAME`` names the pair NAME.txt and NAME.json: say so in the CLI's words."""
    base = Path(prompt)
    if base.suffix in (".txt", ".json"):
        stem = str(base.with_suffix(""))
        raise click.UsageError(
            f"--prompt takes the prompt's name without a suffix, got {prompt!r}; pass "
            f"--prompt {stem} to load {stem}.txt and {stem}.json"
        )
    missing = [f"{prompt}{ext}" for ext in (".txt", ".json") if not Path(prompt + ext).is_file()]
    if missing:
        raise click.UsageError(
            f"--prompt {prompt}: missing {' and '.join(missing)}; a prompt is a pair of files: "
            'NAME.txt (the system message) and NAME.json (parameters, e.g. {"model": ...})'
        )


def _capabilities(text: str) -> tuple[str, ...]:
    if text.strip() == "none":
        return ()
    caps = tuple(c for c in text.replace(" ", "").split(",") if c)
    unknown = [c for c in caps if c not in CAPABILITIES]
    if unknown:
        raise click.UsageError(
            f"--capabilities: unknown {', '.join(map(repr, unknown))}; give a comma-separated "
            f"list of {', '.join(sorted(CAPABILITIES))}, or none"
        )
    return caps


def _seed(text: str) -> int | str:
    return int(text) if text.lstrip("-").isdigit() else text


def _quiet(command: Callable[..., None]) -> Callable[..., None]:
    """``command`` run inside :func:`_quiet_retries`."""

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> None:
        with _quiet_retries():
            command(*args, **kwargs)

    return run


@contextlib.contextmanager
def _quiet_retries() -> Iterator[None]:
    """Messages of the synth.llm logger go to stderr as plain lines, except one line per
    retried attempt: the progress line and the summary count retries, and a record that
    fails lists its attempts in its one-line error."""
    logger = logging.getLogger("synth.llm")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    handler.addFilter(lambda record: not getattr(record, "synth_retry", False))
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)


@click.command("llm")
@click.option("--prompt", required=True, help="NAME: loads NAME.txt (system) and NAME.json.")
@click.option("--schema", type=click.Path(exists=True, dir_okay=False), help="JSON Schema file.")
@click.option("--type", "type_path", help="Output type as package.module:Class.")
@click.option("--input", "input_path", type=click.Path(exists=True, dir_okay=False))
@click.option("--user", help="The user message of every record.")
@click.option("--count", type=click.IntRange(min=1), help="Number of records.")
@click.option("--seed", default="0", show_default=True, help="Seed of the per-record seeds.")
@click.option("--base-url", envvar="OPENAI_BASE_URL", help="Server URL, e.g. http://host/v1.")
@click.option("--model", help="Overrides the model named in NAME.json.")
@click.option("--api-key-env", default="OPENAI_API_KEY", show_default=True)
@click.option(
    "--capabilities",
    default="json_schema,json_object",
    show_default=True,
    help="What the server's response_format supports, or 'none'.",
)
@click.option("--cache", default=".synth-cache.sqlite", show_default=True)
@click.option("--max-concurrency", default=8, show_default=True, type=click.IntRange(min=1))
@click.option(
    "--max-attempts",
    default=6,
    show_default=True,
    type=click.IntRange(min=1),
    help="Requests per record at most (retries included).",
)
@click.option(
    "--max-seconds",
    default=300.0,
    show_default=True,
    type=click.FloatRange(min=0, min_open=True),
    help="Seconds per record at most (retries and waits included).",
)
@click.option(
    "--timeout",
    default=120.0,
    show_default=True,
    type=click.FloatRange(min=0, min_open=True),
    help="Seconds per request.",
)
@click.option("--output", "-o", required=True, type=click.Path(dir_okay=False))
@click.option("--progress/--no-progress", default=None, help="Default: when a terminal.")
@_quiet
def llm_command(
    prompt: str,
    schema: str | None,
    type_path: str | None,
    input_path: str | None,
    user: str | None,
    count: int | None,
    seed: str,
    base_url: str | None,
    model: str | None,
    api_key_env: str,
    capabilities: str,
    cache: str,
    max_concurrency: int,
    max_attempts: int,
    max_seconds: float,
    timeout: float,
    output: str,
    progress: bool | None,
) -> None:
    """Write a dataset whose outputs come from a model, reproducibly and resumably."""
    try:
        _check_prompt(prompt)
        try:
            config = load_config(prompt)
        except SynthError as exc:
            raise click.UsageError(f"--prompt {prompt}: {exc}") from None
        if model:
            config = type(config)(config.system_message, _with_model(config.parameters, model))
        caps = _capabilities(capabilities)
        if base_url is not None and not base_url.lower().startswith(("http://", "https://")):
            raise click.UsageError(
                f"--base-url {base_url!r} is not an http:// or https:// URL; pass the server's "
                "OpenAI-compatible endpoint, e.g. --base-url http://127.0.0.1:8080/v1"
            )
        client = Client(base_url, os.environ.get(api_key_env), capabilities=caps, timeout=timeout)
        call = StructuredCall(
            client,
            config,
            _InputFormatter(),
            _parser(schema, type_path),
            RetryPolicy(max_attempts=max_attempts, max_seconds=max_seconds),
        )
        call.retry_hint = (
            f"raise --max-attempts (now {max_attempts}) or --max-seconds (now {max_seconds:g}), "
            "or check that the server at --base-url answers, or fix the prompt"
        )
        inputs = _inputs(input_path, user, count)
        check_output_dir(output)  # before any request: fail fast
        seeds = synth.stream(synth.integers(0, 2**31 - 1), len(inputs), seed=_seed(seed))
        records = (
            {"index": i, "input": row, "output": Ask(call, row, s)}
            for i, (row, s) in enumerate(zip(inputs, seeds, strict=True))
        )
        report = run_sync(
            run_records_async(
                records,
                len(inputs),
                output=output,
                cache=cache,
                max_concurrency=max_concurrency,
                progress=progress,
            )
        )
    except SynthError as exc:
        raise click.ClickException(str(exc)) from exc
    except OSError as exc:
        reason = exc.strerror or str(exc)
        if exc.filename and str(exc.filename) not in reason:
            reason += f": {exc.filename}"
        raise click.ClickException(
            f"cannot write {output}: {reason}; choose another --output (nothing was written)"
        ) from None
    click.echo(
        f"wrote {report.records} records to {output}: {report.cached} from cache, "
        f"{report.called} asked ({report.retries} retries), {report.usage.prompt_tokens} "
        f"prompt + {report.usage.completion_tokens} completion tokens, "
        f"{report.seconds:.1f}s",
        err=True,
    )


def _with_model(parameters: Any, model: str) -> Any:
    import attrs

    return attrs.evolve(parameters, model=model)


if __name__ == "__main__":  # python -m synth.llm.cli ...
    llm_command(sys.argv[1:])
