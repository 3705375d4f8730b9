"""Run every notebook in notebooks/ and store its fresh outputs in place.

    python scripts/refresh_notebooks.py [NOTEBOOK ...]

The test suite runs the notebooks too (nbmake) but keeps the files as they are; the
outputs a reader sees on disk come from this script, so run it after a change that alters
what the notebooks show (generated values, reprs, messages).
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent


def refresh(path: Path) -> None:
    """Execute ``path`` from a clean kernel in its own folder and write it back."""
    notebook = nbformat.read(path, as_version=4)
    where = {"metadata": {"path": str(path.parent)}}
    NotebookClient(notebook, timeout=600, resources=where).execute()
    nbformat.write(notebook, path)


def main(argv: list[str]) -> None:
    paths = [Path(a) for a in argv] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    for path in paths:
        refresh(path)
        print(f"refreshed {path}")


if __name__ == "__main__":
    main(sys.argv[1:])
