"""Session-wide test settings."""

from __future__ import annotations

import os
import tempfile

# The snapshot of Faker's data (synth.providers.snapshot) goes to a directory of this
# test session, never to the developer's ~/.cache: every session starts without one, and
# the command-line subprocesses of the tests (which inherit the environment) share it.
os.environ["SYNTH_CACHE_DIR"] = tempfile.mkdtemp(prefix="synth-test-cache-")

# Property tests draw the same examples on every run (hypothesis derandomized, no example
# database): CI is reproducible, and a run cannot stall on a rare random example (a
# generated regex whose `re` search backtracks for minutes was seen once). Set
# SYNTH_HYPOTHESIS_RANDOM=1 to explore new examples locally.
if not os.environ.get("SYNTH_HYPOTHESIS_RANDOM"):
    from hypothesis import settings

    settings.register_profile("synth-ci", derandomize=True, database=None)
    settings.load_profile("synth-ci")
