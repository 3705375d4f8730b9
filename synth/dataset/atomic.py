"""Atomic output files: write beside the target, then rename over it.

The target path is either left exactly as it was (on any error, Ctrl-C or termination
the temporary file is removed) or replaced in one step by the complete new file.
Missing parent directories are created (like ``mkdir -p``) and removed again if the
write fails, so a failed run leaves the file system as it found it.

The new file gets the permissions of any new file (``0o666`` less the umask): the
temporary file is created with mode ``0o666`` and the kernel applies the umask, so the
process umask is never read by setting it (``os.umask`` changes it for every thread).
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
from collections.abc import Iterator
from typing import IO

__all__ = ["atomic_output", "check_output_dir"]


def check_output_dir(path: str | os.PathLike[str]) -> None:
    """Raise ``OSError`` (with a readable message) if ``path`` cannot be created: its
    nearest existing ancestor must be a writable directory (missing directories below it
    are created when the file is written). A path that ends with a separator
    (``out/``) names a directory, never a file, whether or not it exists."""
    text = os.fspath(path)
    if not text:
        raise FileNotFoundError(errno.ENOENT, "the output path is empty", text)
    if text.endswith(os.sep) or (os.altsep and text.endswith(os.altsep)):
        raise IsADirectoryError(
            errno.EISDIR, f"{text} ends with {text[-1]!r}, so it names a directory", text
        )
    directory = os.path.dirname(os.path.abspath(path)) or "."
    existing = directory
    while not os.path.exists(existing):
        existing = os.path.dirname(existing)
    if not os.path.isdir(existing):
        raise NotADirectoryError(errno.ENOTDIR, f"{existing} is not a directory", existing)
    if not os.access(existing, os.W_OK | os.X_OK):
        raise PermissionError(errno.EACCES, f"directory {existing} is not writable", existing)
    if os.path.isdir(path):
        raise IsADirectoryError(errno.EISDIR, f"{os.fspath(path)} is a directory", path)


def make_parents(directory: str) -> list[str]:
    """Create ``directory`` and its missing parents; the ones created, outermost first."""
    missing = []
    while not os.path.isdir(directory):
        missing.append(directory)
        parent = os.path.dirname(directory)
        if parent == directory:
            break
        directory = parent
    created = []
    try:
        for d in reversed(missing):
            try:
                os.mkdir(d)
            except FileExistsError:
                if not os.path.isdir(d):
                    raise NotADirectoryError(errno.ENOTDIR, f"{d} is not a directory", d) from None
                continue
            created.append(d)
    except BaseException:
        remove_created(created)
        raise
    return created


def remove_created(created: list[str]) -> None:
    """Remove the directories :func:`make_parents` created, innermost first, as long as
    they are empty (something else may have written into them meanwhile)."""
    for d in reversed(created):
        try:
            os.rmdir(d)
        except OSError:
            return


_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
_FLAGS |= getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)


def _create_temp(directory: str, name: str) -> tuple[int, str]:
    """A new file beside the target, open for writing: ``(fd, path)``. Created with mode
    0o666 so that the umask (and a default ACL) applies as to any new file."""
    for _ in range(100):
        temp = os.path.join(directory, f".{name}.{secrets.token_hex(4)}.tmp")
        try:
            return os.open(temp, _FLAGS, 0o666), temp
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no unused temporary file name", directory)


@contextlib.contextmanager
def atomic_output(path: str | os.PathLike[str]) -> Iterator[IO[bytes]]:
    """Open a temporary file beside ``path`` for binary writing; rename it over ``path``
    when the block ends normally, delete it when the block raises (anything, including
    ``KeyboardInterrupt``). Missing parent directories are created, and removed again
    when the block raises."""
    target = os.path.abspath(path)
    directory, name = os.path.split(target)
    created = make_parents(directory)
    try:
        fd, temp = _create_temp(directory, name)
    except BaseException:
        remove_created(created)
        raise
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        remove_created(created)
        raise
    _fsync_directory(directory)


def _fsync_directory(directory: str) -> None:
    # Makes the rename itself durable; not possible on every platform, so best effort.
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
