"""What synth reads from Faker at start-up, kept on disk so that later runs skip Faker.

Importing Faker and building its en_US ``Generator`` costs about 0.1 s, as much as making
10,000 records; the agent data needs from it only a few facts (the locales, the provider
names, which providers are compiled) and two name tables. The first run that compiles the
en_US providers with Faker writes those facts and the tables of the plain
``random_element(<table>)`` providers (``first_name``, ``last_name``, ...) to a small JSON
file; later runs read it instead of importing Faker.

The file is only a copy of Faker's data: it is used only when its stamp matches the
installed Faker (its version, the path, size and modification time of its
``__init__.py``) and synth's provider modules (size and modification time), so an upgrade
of either makes it stale and it is rewritten. A compiled provider built from it is the
same closure over the same table, hence draws exactly as Faker does; the golden tests
check it (``tests/test_providers_snapshot.py``).

Off unless asked for: a library embedded in someone else's program must not write files
on its own. ``$SYNTH_CACHE_DIR`` names the directory (unset or empty: no file). The
``synth`` command sets it, when it is not set, to ``$XDG_CACHE_HOME/synth`` or
``~/.cache/synth`` for its own process. A directory that cannot be written only means that
every run imports Faker.
"""

from __future__ import annotations

import os
import threading
from typing import Any

__all__ = ["SNAPSHOT_VERSION", "cache_dir", "load", "store"]

SNAPSHOT_VERSION = 1

_lock = threading.Lock()
_loaded: dict[str, Any] = {}  # locale -> snapshot dict, or None when absent or stale


def cache_dir() -> str | None:
    """The directory of the snapshot files (``$SYNTH_CACHE_DIR``), or None when unset or
    empty."""
    return os.environ.get("SYNTH_CACHE_DIR") or None


def _path(locale: str, current: str | None) -> str | None:
    """The snapshot file: one per locale and per installation (virtual environments that
    share the cache directory do not overwrite each other's files)."""
    directory = cache_dir()
    if directory is None or current is None:
        return None
    import hashlib

    where = current.split("|")[1:]  # the files' paths, sizes and times, not the version
    key = hashlib.sha256("|".join(p.split(":")[0] for p in where).encode()).hexdigest()[:16]
    return os.path.join(directory, f"faker-{locale}-v{SNAPSHOT_VERSION}-{key}.json")


def _file_stamp(path: str) -> str:
    st = os.stat(path)
    return f"{path}:{st.st_size}:{st.st_mtime_ns}"


def stamp() -> str | None:
    """What the snapshot must have been made with: Faker's and synth's files as installed
    now (found without importing Faker), or None when Faker cannot be found."""
    import importlib.util

    try:
        spec = importlib.util.find_spec("faker")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.origin or not os.path.isfile(spec.origin):
        return None
    version = ""
    with open(spec.origin, encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("VERSION"):
                version = line.split("=", 1)[1].strip().strip("\"'")
                break
    here = os.path.dirname(os.path.abspath(__file__))
    ours = [os.path.join(here, f"{m}.py") for m in ("compiled", "faker", "refused", "snapshot")]
    parts = [f"faker {version}", _file_stamp(spec.origin), *map(_file_stamp, ours)]
    return "|".join(parts)


def load(locale: str) -> dict[str, Any] | None:
    """The snapshot for ``locale`` if there is a current one (read once per process)."""
    if locale in _loaded:
        return _loaded[locale]
    with _lock:
        if locale not in _loaded:
            _loaded[locale] = _read(locale)
        return _loaded[locale]


def _read(locale: str) -> dict[str, Any] | None:
    current = stamp()
    path = _path(locale, current)
    if path is None or not os.path.exists(path):
        return None
    try:
        import orjson

        with open(path, "rb") as handle:
            data = orjson.loads(handle.read())
        if data.get("stamp") != current or data.get("locale") != locale:
            return None
        data["compiled"] = frozenset(data["compiled"])
        data["provider_names"] = frozenset(data["provider_names"])
        data["available_locales"] = tuple(data["available_locales"])
        data["tables"] = {
            name: (tuple(keys) if weights is None else dict(zip(keys, weights, strict=True)))
            for name, (keys, weights) in data["tables"].items()
        }
        return data
    except Exception:  # a damaged or foreign file: ignore it (it will be rewritten)
        return None


def store(
    locale: str,
    *,
    available_locales: tuple[str, ...],
    provider_names: frozenset[str],
    compiled: frozenset[str],
    tables: dict[str, Any],
) -> None:
    """Write the snapshot for ``locale`` (atomically; any failure is ignored)."""
    current = stamp()
    path = _path(locale, current)
    if path is None:
        return
    document = {
        "stamp": current,
        "locale": locale,
        "available_locales": list(available_locales),
        "provider_names": sorted(provider_names),
        "compiled": sorted(compiled),
        "tables": {
            name: (
                [list(table.keys()), list(table.values())]
                if isinstance(table, dict)
                else [list(table), None]
            )
            for name, table in tables.items()
        },
    }
    try:
        import tempfile

        import orjson

        os.makedirs(os.path.dirname(path), exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".faker-", suffix=".tmp", dir=os.path.dirname(path))
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(orjson.dumps(document))
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
    except Exception:  # read-only home, full disk, ...: the next run imports Faker again
        return
