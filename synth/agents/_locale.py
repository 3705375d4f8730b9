"""The people and places of a locale in tool calls, agent traces and tool_use conversations.

For ``en_US`` the built-in tools use synth's own name lists (:class:`People` with its
defaults) and nothing here loads Faker. For another locale the names come from the same
banks the conversation templates draw from (``_name_bank``: a fixed-seed sample of the
locale's Faker provider), the men's and the women's names kept apart so that a surname
agrees with its first name (a Russian Ivan Bobrov, a Vera Bobrova), and full names are
written in the locale's order (``山田 太郎``). Places for user tools (cities, street
addresses, postcodes, phone numbers) are banks of the locale's Faker providers too.

Addresses stay ASCII: a name is spelled with its romanisation when Faker has one
(``first_name_pairs`` in ja_JP: ``太郎`` -> ``taro``), else transliterated with Faker's
table (``Müller`` -> ``muller``, Cyrillic Bobrova -> ``bobrova``, ``刘`` -> ``liu``);
a name with nothing to transliterate is left out of the address book.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

from synth.agents._builtin import People

__all__ = ["ascii_name", "locale_bank", "people_for"]

#: How many distinct first (and last) names of each gender a locale's address book uses:
#: 64 x 64 pairs each, as synth's own 50 x 50 for en_US.
NAMES_PER_GROUP = 64

_NOT_LETTERS = re.compile(r"[^a-z]")


@functools.cache
def people_for(locale: str = "en_US") -> People:
    """The address book of the built-in tools and user-tool arguments in ``locale``."""
    if locale == "en_US":
        return People()
    from synth.agents.conversation import _name_bank
    from synth.providers.faker import full_name_format

    spell = ascii_name(locale)
    groups = []
    for gender in ("male", "female"):
        firsts = _spellable(_name_bank(f"first_name_{gender}", locale), spell)
        lasts = _spellable(_name_bank(f"last_name_{gender}", locale), spell)
        if firsts and lasts:
            groups.append((firsts, lasts))
    if not groups:
        raise ValueError(f"no name of locale {locale!r} can be spelled in ASCII")
    return People(groups, ascii_form=spell, full_name=full_name_format(locale))


def _spellable(bank: tuple[str, ...], spell: Callable[[str], str]) -> list[str]:
    """The first ``NAMES_PER_GROUP`` distinct names of ``bank`` (the common ones come
    first: a bank follows Faker's frequencies) that have an ASCII spelling."""
    out: list[str] = []
    for name in dict.fromkeys(bank):
        if spell(name):
            out.append(name)
            if len(out) == NAMES_PER_GROUP:
                break
    return out


@functools.cache
def ascii_name(locale: str) -> Callable[[str], str]:
    """``name -> lowercase ASCII letters`` for addresses and user names in ``locale``
    (``""`` when nothing of the name can be spelled so)."""
    from synth.providers.faker import ascii_text, romanised_names

    romanised = romanised_names(locale)

    def spell(name: str) -> str:
        text = romanised.get(name)
        if text is None:
            text = " ".join(romanised.get(w) or ascii_text(w) for w in name.split())
        return _NOT_LETTERS.sub("", text.lower())

    return spell


@functools.cache
def locale_bank(provider: str, locale: str) -> tuple[str, ...] | None:
    """The bank of the Faker provider ``provider`` (``city``, ``phone_number``, ...) in
    ``locale``, or None when the locale does not have it."""
    from synth.agents.conversation import _name_bank
    from synth.providers.faker import provider_names

    if provider not in provider_names(locale):
        return None
    return _name_bank(provider, locale)
