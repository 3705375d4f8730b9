"""Session-wide test settings."""

from __future__ import annotations

import os
import tempfile

# The snapshot of Faker's data (synth.providers.snapshot) goes to a directory of this
# test session, never to the developer's ~/.cache: every session starts without one, and
# the command-line subprocesses of the tests (which inherit the environment) share it.
os.environ["SYNTH_CACHE_DIR"] = tempfile.mkdtemp(prefix="synth-test-cache-")
