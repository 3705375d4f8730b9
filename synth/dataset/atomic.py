"""Atomic output files: write beside the target, then rename over it.

The target path is either left exactly as it was (on any error, Ctrl-C or termination
the temporary file is removed) or replaced in one step by the complete new file.

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
    """Raise ``OSError`` (with a readable message) if ``path`` cannot be created there."""
    directory = os.path.dirname(os.path.abspath(path)) or "."
    if not os.path.isdir(directory):
        raise FileNotFoundError(errno.ENOENT, f"directory {directory} does not exist", directory)
    if not os.access(directory, os.W_OK | os.X_OK):
        raise PermissionError(errno.EACCES, f"directory {directory} is not writable", directory)
    if os.path.isdir(path):
        raise IsADirectoryError(errno.EISDIR, f"{os.fspath(path)} is a directory", path)


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
    ``KeyboardInterrupt``)."""
    target = os.path.abspath(path)
    directory, name = os.path.split(target)
    fd, temp = _create_temp(directory, name)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
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
