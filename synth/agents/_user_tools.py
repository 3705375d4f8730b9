"""Behaviour of a tool the user defines: what a call does, its arguments and its results.

Arguments come from ``synth.from_schema(spec.parameters)``, refined into realistic values
by :mod:`synth.agents._arguments`; the description is read as an instruction for tasks
and thoughts. Results follow an MCP ``outputSchema`` when there is one; without one, a
tool named for a change (``create_*``, ``send_*``, ``update_*``, ...) acknowledges it with
an id and a status, and any other tool answers with what it read, as
:mod:`synth.agents._results` shapes it: the weather in the city asked about, the open
issues of the repository given, the order with the id given, the converted amount; an
object of the noun for nouns synth does not know. Never an echo of the request.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections.abc import Callable
from typing import Any

from synth.agents._arguments import _ALNUM, _ID_NAME, _refiner
from synth.agents._behaviour import Behaviour, Outcome, dumps, error_content
from synth.agents._builtin import REFERENCE_DATE
from synth.agents._draw import below, cap
from synth.agents._results import ReadResult, _summary
from synth.agents.models import ToolSpec
from synth.core.gen import Gen
from synth.schema.realistic import normalise_name, singular

__all__ = ["UserTool", "compile_output", "compile_parameters"]

#: Keywords of a parameter schema that say nothing about which arguments a call has.
_ANNOTATIONS = frozenset(
    {"type", "properties", "required", "description", "title", "$schema", "$id", "$comment"}
)


def compile_parameters(spec: ToolSpec) -> Gen[Any]:
    """``synth.from_schema(spec.parameters)``: compiling checks the schema, and its errors
    carry the JSON Pointer of the offending subschema.

    A tool that declares no arguments (no ``parameters`` / ``inputSchema``, or an object
    schema without properties, requirements or other keywords) is called with ``{}``: its
    schema allows any object, but a call inventing undeclared arguments is garbage.
    """
    from synth.schema import from_schema

    params = spec.parameters
    if (
        set(params) <= _ANNOTATIONS
        and not params.get("properties")
        and not params.get("required")
        and params.get("type", "object") == "object"
    ):
        return from_schema({**params, "additionalProperties": False})
    return from_schema(params)


def compile_output(spec: ToolSpec) -> Gen[Any] | None:
    """``synth.from_schema(spec.output_schema)`` (an MCP ``outputSchema``), or None."""
    if spec.output_schema is None:
        return None
    from synth.schema import from_schema

    return from_schema(spec.output_schema)


def _echoed(
    parameters: dict[str, Any], output_schema: dict[str, Any] | None
) -> tuple[tuple[str, Callable[[Any], bool]], ...]:
    """The properties a result shares with its call's arguments (the ``ticker`` asked
    about, the ``state`` an issue was set to), each with a check that the argument's value
    is valid where the result holds it: a result echoes those values."""
    if not isinstance(output_schema, dict):
        return ()
    given, returned = parameters.get("properties"), output_schema.get("properties")
    if not isinstance(given, dict) or not isinstance(returned, dict):
        return ()
    shared = [k for k in returned if k in given and isinstance(returned[k], dict)]
    if not shared:
        return ()
    import jsonschema  # only for tools whose results and calls share properties

    checks = []
    for key in shared:
        sub = returned[key]
        try:
            cls = jsonschema.validators.validator_for(sub)
            cls.check_schema(sub)
        except jsonschema.SchemaError:
            continue
        checks.append((key, cls(sub, format_checker=cls.FORMAT_CHECKER).is_valid))
    return tuple(checks)


#: Verbs a tool's description or name starts with, in the base form an instruction uses.
_VERBS = frozenset(
    """add analyse analyze append approve archive assign book calculate call cancel check
    classify close compare compute convert copy count create decline delete deploy describe
    detect disable download draft edit enable enrich estimate evaluate execute export extract
    fetch filter find forecast format generate geocode get grant import index insert invite
    list load locate lock look lookup make merge monitor move notify open parse pay
    ping place post predict preview print publish purchase query rank read record redact
    refund register reject reload remove rename render reply report request reschedule
    reserve reset resolve restart restore retrieve return revoke rotate run save scan
    schedule score search send set share show sort start stop store submit subscribe
    summarise summarize suspend sync tag test track transcribe transfer translate trigger
    unlock unsubscribe update upload upsert validate verify view watch write""".split()
)
#: More verbs a description may start with. Only descriptions read them: in a tool's
#: name, several of them are nouns as often as verbs.
_DESCRIPTION_VERBS = _VERBS | frozenset(
    """answer ask authenticate block build capture clean clone combine compress crop decode
    decrypt draw embed encode encrypt explain give greet hash identify join measure mute
    normalise normalize obtain paraphrase pause play plot provide recommend resize resume
    rewrite shorten sign split suggest take tell transform turn unblock unmute visualise
    visualize wait""".split()
)
#: Words after a description's first word that make it a verb ("Turn an address ...",
#: "Spins up a server") rather than a noun ("Weather for a city"); not "on" or "that",
#: which follow nouns as often ("Information on the weather", "Wrapper that calls ...").
_OBJECT_STARTS = frozenset(
    """a an the one two some all any every each its their this these those your my our his
    her up down off out back away""".split()
)
#: First words followed by such a word that are still not verbs ("All the users").
_NOT_VERBS = frozenset("all both only just also here now then today given".split())
#: Words before the instruction itself: "Use this tool to get ...", "Allows the agent to ...".
_PREAMBLE = re.compile(
    r"^(?:(?:use|call|invoke) (?:this|the|it)(?: (?:tool|function|endpoint|api))? (?:to|for) "
    r"|(?:use|call|invoke) (?:this|it)(?: (?:tool|function|endpoint|api))? (?:when|if) "
    r"(?:you|the (?:user|agent|model)) (?:need|needs|want|wants) to "
    r"|(?:this|a|an|the) (?:tool|function|endpoint|api|service|utility|helper) "
    r"(?:that|which|to|for) "
    r"|(?:tool|function|endpoint|api|service|utility|helper) (?:that|which|to|for) "
    r"|(?:this (?:tool|function|endpoint|api) )"
    r"|(?:allows?|lets?|enables?|helps?) (?:you |the (?:user|agent|model|caller) |users )?(?:to )?"
    r"|(?:can be )?used (?:to|for) "
    r"|useful (?:to|for|when) )",
    re.IGNORECASE,
)
#: Labels and markers before a description's sentence: "[Beta] ", "(Admin only) ",
#: "Geocoding: ", "Text to speech: ".
_LABEL = re.compile(r"^(?:\[[^\]]{1,30}\]|\([^)]{1,30}\))\s*|^\w+(?:[ -]\w+){0,3}: ")
#: The end of a description's first sentence (not the dot of "e.g." or "i.e.").
#: "Given an address, returns its coordinates": what the call is given, said last.
_GIVEN = re.compile(r"^given ([^,]{1,60}), ", re.IGNORECASE)
#: Examples at the end of a sentence: "Search products, e.g. shoes or shirts".
_EXAMPLES = re.compile(r",?\s*\(?\b(?:e\.g\.|i\.e\.|for example|such as)[^)]*\)?$", re.IGNORECASE)
#: ... or of its first paragraph, or where a docstring's sections ("Args:") or a list
#: begin; a line break inside a sentence is a space.
_SENTENCE_END = re.compile(
    r"(?<!\be\.g)(?<!\bi\.e)(?<!\betc)\.(?:\s|$)|\n\s*\n"
    r"|\n\s*(?:args|arguments|parameters|params|returns|raises|examples?|notes?|usage)\b"
    r"|\n\s*[-*\u2022]",
    re.IGNORECASE,
)


def _base_verb(word: str, verbs: frozenset[str] = _VERBS) -> str | None:
    """``word`` as the base form of a known verb ("Returns" -> "return"), or None."""
    w = word.lower()
    if w in verbs:
        return w
    # "fetches" -> "fetch", "queries" -> "query"; else only the final s ("caches" -> "cache")
    for candidate in (singular(w), w[:-1] if w.endswith("s") else w):
        if candidate in verbs:
            return candidate
    if w.endswith("ing") and len(w) > 5:  # "Sending ..." -> "send", "Getting" -> "get"
        stem = w[:-3]
        for candidate in (stem, stem + "e", stem[:-1] if stem[-1:] == stem[-2:-1] else stem):
            if candidate in verbs:
                return candidate
    return None


def _verb_by_shape(word: str, after: str) -> str | None:
    """The base form of a first word a description uses as a verb though synth does not
    list it: one followed by an object's article or a particle ("Fling a ball", "Spins
    up a server"), written in the third person or not."""
    w = word.lower()
    if not w.isalpha() or w in _NOT_VERBS or after.lower() not in _OBJECT_STARTS:
        return None
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith(("sses", "shes", "ches", "xes", "zes")):
        return w[:-2]
    if w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return w[:-1]
    return w


_THIRD_PARTY = re.compile(r"\b(?:the |a )?(?:user|caller|customer|end user)'s\b", re.IGNORECASE)


def _first_sentence(description: str) -> str:
    """The description's first sentence, without markup, a trailing dot or a label."""
    text = re.sub(r"[`*]{1,2}(\S[^`*]*?)[`*]{1,2}", r"\1", description.strip())
    sentence = " ".join(_SENTENCE_END.split(text, maxsplit=1)[0].split()).rstrip(".").strip()
    while True:
        shorter = _LABEL.sub("", sentence, count=1).strip()
        if shorter == sentence or not shorter:
            return sentence
        sentence = shorter


def _purpose(description: str, name: str) -> str:
    """What calling the tool does, as an instruction a task and a thought can use ("Please
    {purpose}", "Let me {purpose}"): the description's first sentence with its preamble
    dropped and its verb in the base form ("Returns the forecast" -> "return the
    forecast", "Turns an address into coordinates" -> "turn an address into
    coordinates"); a description without a verb is read through the tool's name ("get
    weather", or "use lookup_city for weather for a city")."""
    sentence = _first_sentence(description)
    # "the user's calendar" reads wrong in the user's own request: "the calendar"
    sentence = _EXAMPLES.sub("", _THIRD_PARTY.sub("the", sentence)).strip() or sentence
    given = _GIVEN.match(sentence)
    if given is not None:
        sentence = sentence[given.end() :]
    while True:
        shorter = _PREAMBLE.sub("", sentence, count=1)
        if shorter == sentence:
            break
        sentence = shorter
    first, _, rest = sentence.partition(" ")
    following = rest.split(" ", 1)[0].strip(",;")
    verb = None
    if first and following.lower() != "of":  # "List of users" names a list
        verb = _base_verb(first, _DESCRIPTION_VERBS) or _verb_by_shape(first, following)
    if verb is not None:
        if verb != first.lower():  # written in the third person: "... and returns its text"
            rest = re.sub(
                r"\b(and|then|or) (\w+)",
                lambda m: (
                    f"{m.group(1)} {_base_verb(m.group(2), _DESCRIPTION_VERBS) or m.group(2)}"
                ),
                rest,
            )
        if given is not None:  # "return the coordinates for an address"
            rest = re.sub(r"^(its|their) ", "the ", rest)
            if given.group(1).lower() not in rest.lower():
                rest = f"{rest} for {given.group(1)}"
        return f"{verb} {rest}".strip()
    phrase = sentence[:1].lower() + sentence[1:]
    words = normalise_name(name).split("_")
    named = _base_verb(words[0]) if words else None
    if named is not None and phrase.lower().startswith(f"{named} of "):
        return f"{named} {phrase[len(named) + 4 :]}"  # "List of users" of list_users
    if named is not None:  # "Weather for a city" of get_weather -> "get weather for a city"
        return f"{named} {phrase}" if phrase else " ".join([named, *words[1:]])
    return f"use {name} for {phrase}" if phrase else f"use {name}"


class UserTool(Behaviour):
    """Calls drawn from the parameter schema, with realistic values for known names (the
    people and places among them from ``locale``)."""

    latency_ms = (40, 1800)

    def __init__(
        self, spec: ToolSpec, locale: str = "en_US", reference: dt.date = REFERENCE_DATE
    ) -> None:
        super().__init__(spec)
        #: The date the tool's argument and result dates count from.
        self.reference = reference
        self.args = compile_parameters(spec)._fn
        output = compile_output(spec)
        self.output = None if output is None else output._fn
        context = f"{spec.name} {spec.description}"
        self.refine = _refiner(spec.parameters, context=context, locale=locale, reference=reference)
        self.refine_output = (
            None
            if spec.output_schema is None
            else _refiner(spec.output_schema, context=context, locale=locale, reference=reference)
        )
        self.echo = _echoed(spec.parameters, spec.output_schema)
        self.purpose = _purpose(spec.description, spec.name)
        self.action = _action(spec.name)
        # what a tool that reads answers with (weather, a quote, issues, an order, ...)
        self.read = (
            ReadResult(spec, self.purpose, _base_verb, locale, reference)
            if self.output is None and self.action is None
            else None
        )

    def call(self, rng: random.Random) -> tuple[dict[str, Any], Any]:
        args = self.args(rng)
        if self.refine is not None:
            self.refine(rng, args)
        return args, None

    def bad_call(self, rng: random.Random) -> tuple[dict[str, Any], Any, str]:
        args, ctx = self.call(rng)
        if args:
            key = next(iter(args))
            return args, ctx, f"invalid value for '{key}': rejected by {self.name}"
        return args, ctx, f"{self.name} rejected the request: missing required context"

    def intent(self, args: dict[str, Any], ctx: Any) -> str:
        # a word says more than a number: (city: Lisbon) before (latitude: 38.72)
        shown = [(k, v) for k, v in args.items() if isinstance(v, str)] + [
            (k, v)
            for k, v in args.items()
            if isinstance(v, (int, float)) and not isinstance(v, bool)
        ]
        if shown:
            k, v = shown[0]
            text = v if isinstance(v, str) else str(v)
            if len(text) > 60:
                text = text[:57] + "..."
            return f"{self.purpose} ({k}: {text})"
        return self.purpose

    def result(self, rng: random.Random, args: dict[str, Any], ctx: Any) -> tuple[str, Outcome]:
        if self.output is not None:
            # The structured result of an MCP tool with an outputSchema, as JSON text.
            output = self.output(rng)
            if self.refine_output is not None:
                output = self.refine_output(rng, output)
            if isinstance(output, dict):
                # what the result says of the call's own values is those values
                for key, fits in self.echo:
                    if key in output and key in args and fits(args[key]):
                        output[key] = args[key]
            content = dumps(output)
            return content, Outcome(
                note=f"{self.name} returned {_summary(output, content)}.",
                answer=f"{cap(self.purpose)}: {self.name} returned {_summary(output, content)}.",
                wrong=f"{self.name} returned nothing useful.",
            )
        if self.action is not None:
            return self._acknowledge(rng, args)
        assert self.read is not None
        return self.read.result(rng, args)

    def _acknowledge(self, rng: random.Random, args: dict[str, Any]) -> tuple[str, Outcome]:
        """What a service answers to a call that changes something (creates, sends,
        books, updates, deletes ...): the new object's id and its status, with the call's
        short identifying values, rather than an echo of the whole request."""
        assert self.action is not None
        noun, status = self.action
        # a change to an existing object names it by the id the call gave
        given = (
            None if status in _NEW else next((v for k, v in args.items() if _names_id(k, v)), None)
        )
        if given is not None:
            ident = given
        else:
            stem = noun.split()[-1][:8]
            ident = f"{stem}_{''.join(_ALNUM[below(rng, 62)] for _ in range(14))}"
        body: dict[str, Any] = {"id": ident, "status": status}
        for key, value in args.items():
            if value is given:
                continue
            if len(body) == 4:
                break
            if isinstance(value, (str, int, float)) and not isinstance(value, bool):
                if key not in body and len(str(value)) <= 60:
                    body[key] = value
        return dumps(body), Outcome(
            note=f"The {noun} was {status} (id {ident}).",
            answer=f"{cap(self.purpose)}: {status}, id {ident}.",
            wrong=f"{self.name} reported that the request failed.",
        )

    def error(self, rng: random.Random, args: dict[str, Any], ctx: Any) -> str:
        kind, message = (
            ("ServiceUnavailable", f"{self.name} is temporarily unavailable (HTTP 503)"),
            ("InternalError", f"{self.name} failed with an internal error (HTTP 500)"),
            ("RateLimited", f"too many requests to {self.name}; retry after 30 s"),
        )[below(rng, 3)]
        return error_content(kind, message)


#: Verbs of tools that change something, and the status their result reports.
_DONE = {
    "create": "created",
    "add": "created",
    "insert": "created",
    "open": "created",
    "register": "created",
    "submit": "submitted",
    "place": "placed",
    "book": "confirmed",
    "reserve": "confirmed",
    "schedule": "scheduled",
    "send": "sent",
    "post": "posted",
    "publish": "published",
    "notify": "sent",
    "reply": "sent",
    "invite": "sent",
    "update": "updated",
    "edit": "updated",
    "rename": "updated",
    "assign": "updated",
    "delete": "deleted",
    "remove": "deleted",
    "archive": "archived",
    "cancel": "cancelled",
    "close": "closed",
    "refund": "refunded",
    "approve": "approved",
    "reject": "rejected",
    "upload": "uploaded",
    "deploy": "deployed",
}


#: Statuses of results that make a new object (with a new id).
_NEW = frozenset(
    {
        "created",
        "submitted",
        "placed",
        "confirmed",
        "scheduled",
        "sent",
        "posted",
        "published",
        "uploaded",
        "deployed",
    }
)


def _names_id(key: str, value: Any) -> bool:
    return isinstance(value, str) and _ID_NAME.match(normalise_name(key)) is not None


def _action(name: str) -> tuple[str, str] | None:
    """``(noun, status)`` of a tool named for a change (``create_calendar_event`` ->
    ``("calendar event", "created")``), or None (reads, searches, runs, other names)."""
    words = normalise_name(name).split("_")
    for i, word in enumerate(words):
        verb = _base_verb(word)
        if verb in _DONE:
            noun = " ".join(words[i + 1 :]) or "request"
            return noun, _DONE[verb]
        if verb is not None:  # list_open_issues reads: "open" describes what it lists
            return None
    return None
