"""Fetch the official JSON-Schema-Test-Suite, pinned, from the jsonschema sdist on PyPI.

    python scripts/fetch_schema_suite.py [DEST]

Downloads ``jsonschema==4.26.0`` (source distribution, no dependencies) with pip and
extracts its ``json/tests`` and ``json/remotes`` directories into DEST (default
``.cache/schema-suite``, ignored by git). Does nothing when DEST is already filled.
"""

from __future__ import annotations

import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

VERSION = "4.26.0"
ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DEST = ROOT / ".cache" / "schema-suite"


def fetch(dest: Path = DEFAULT_DEST) -> Path:
    """Make sure ``dest/tests`` and ``dest/remotes`` exist; return ``dest``."""
    if (dest / "tests").is_dir() and (dest / "remotes").is_dir() and (dest / "VERSION").exists():
        return dest
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                f"jsonschema=={VERSION}",
                "--no-deps",
                "--no-binary",
                ":all:",
                "--quiet",
                "-d",
                tmp,
            ],
            check=True,
        )
        archive = next(Path(tmp).glob("jsonschema-*.tar.gz"))
        prefix = f"jsonschema-{VERSION}/json/"
        dest.mkdir(parents=True, exist_ok=True)
        with tarfile.open(archive) as tar:
            for member in tar.getmembers():
                if not member.name.startswith(prefix) or not member.isfile():
                    continue
                rel = member.name[len(prefix) :]
                if not rel.startswith(("tests/", "remotes/")):
                    continue
                target = dest / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                source = tar.extractfile(member)
                assert source is not None
                target.write_bytes(source.read())
    (dest / "VERSION").write_text(VERSION + "\n")
    return dest


if __name__ == "__main__":
    print(fetch(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_DEST))
