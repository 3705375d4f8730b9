"""``python -m synth``: the command line."""

from synth.cli import run

run()
