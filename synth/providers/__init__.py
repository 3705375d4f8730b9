"""Faker providers as synth generators: ``fake(provider, ...)``.

Hot providers are compiled from Faker's own data into generator trees; the rest call Faker
with the caller's rng. See :mod:`synth.providers.faker`.
"""

from __future__ import annotations

from synth.providers.compiled import compiled_providers
from synth.providers.faker import available_locales, fake

__all__ = ["available_locales", "compiled_providers", "fake"]
