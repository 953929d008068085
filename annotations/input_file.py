"""Reading an input file safely: a regular file only, a sane path, at most a given number of bytes.

Every file takehome reads on a user's say-so (session, template, glossary, logo, font) comes through
here, so a FIFO never hangs, ``/dev/zero`` never fills memory and a hostile path is one clear line.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from takehome.annotations.errors import TakehomeError

#: Longest path and file name the common file systems accept (Linux PATH_MAX, NAME_MAX in bytes).
MAX_PATH_BYTES = 4096
MAX_NAME_BYTES = 255


class InputFileError(TakehomeError, ValueError):
    """An input file cannot be used; ``problem`` says why without repeating the path."""

    def __init__(self, path: str, problem: str) -> None:
        self.path = path
        self.problem = problem
        super().__init__(f"{path}: {problem}")


def printable_path(path: str | os.PathLike[str]) -> str:
    """The path for a message: control characters escaped, at most 200 characters."""
    text = os.fspath(path)
    shown = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
    return shown if len(shown) <= 200 else shown[:97] + "…" + shown[-100:]


def check_path(path: str | os.PathLike[str]) -> Path:
    """``path`` as a Path with ``~`` expanded, or InputFileError for a NUL, a too-long name or user."""
    text = os.fspath(path)
    shown = printable_path(text)
    if "\x00" in text:
        raise InputFileError(shown, "a file name cannot contain a NUL character")
    encoded = os.fsencode(text)
    if len(encoded) > MAX_PATH_BYTES:
        raise InputFileError(shown, f"the path is {len(encoded)} bytes, longer than {MAX_PATH_BYTES}")
    for part in Path(text).parts:
        if len(os.fsencode(part)) > MAX_NAME_BYTES:
            raise InputFileError(shown, f"a file or folder name is longer than {MAX_NAME_BYTES} bytes")
    try:
        return Path(text).expanduser()
    except RuntimeError:  # "~user" for a user this system does not know
        raise InputFileError(shown, "names the home folder of an unknown user (~user)") from None


def read_input_file(path: str | os.PathLike[str], *, limit: int, what: str) -> bytes:
    """The bytes of ``path``, a regular file of at most ``limit`` bytes; else InputFileError.

    The file is opened without blocking and checked on the open descriptor, so a FIFO, a device or a
    file swapped between check and read are all refused, and no more than ``limit + 1`` bytes are read.
    """
    checked = check_path(path)
    shown = printable_path(path)
    try:
        fd = os.open(checked, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise InputFileError(shown, f"the {what} cannot be read ({_reason(exc)})") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file (a device or pipe)"
            raise InputFileError(shown, f"the {what} is {kind}; give a regular file")
        if info.st_size > limit:
            raise InputFileError(shown, f"the {what} is {info.st_size} bytes, more than {limit} allowed")
        chunks: list[bytes] = []
        total = 0
        while total <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > limit:
            raise InputFileError(shown, f"the {what} is more than {limit} bytes")
        return b"".join(chunks)
    except OSError as exc:
        raise InputFileError(shown, f"the {what} cannot be read ({_reason(exc)})") from None
    finally:
        os.close(fd)


def _reason(exc: OSError) -> str:
    if exc.errno == errno.ENOENT:
        return "no such file"
    return exc.strerror or type(exc).__name__
