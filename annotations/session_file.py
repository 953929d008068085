"""Reading and writing a consultation as JSON (schema-versioned, validated, written atomically)."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from takehome.annotations.errors import AnnotationError, NewerSessionError, SessionFileError
from takehome.annotations.input_file import InputFileError, printable_path, read_input_file
from takehome.annotations.model import SCHEMA_VERSION, Session

MAX_SESSION_BYTES = 20 * 1024 * 1024
#: A session nests five levels (session, key images, image, overlays, points); room for growth.
MAX_NESTING = 12


def loads_session(text: str, *, source: str = "") -> Session:
    """Parse a session from JSON text; any problem is a SessionFileError naming the field."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SessionFileError(source, "json", f"not valid JSON ({exc.msg} at line {exc.lineno})") from None
    except RecursionError:
        raise SessionFileError(source, "json", "nested too deeply") from None
    except ValueError:  # an integer of thousands of digits (Python's int_max_str_digits)
        raise SessionFileError(source, "json", "holds a number too long to be a value of a session") from None
    if _depth(data) > MAX_NESTING:
        raise SessionFileError(source, "json", f"nested more than {MAX_NESTING} levels deep; "
                                               "a session is never that deep")
    version = data.get("schema_version") if isinstance(data, dict) else None
    if isinstance(version, int) and not isinstance(version, bool) and version > SCHEMA_VERSION:
        raise NewerSessionError(source, version, SCHEMA_VERSION)
    try:
        return Session.from_dict(data)
    except SessionFileError:
        raise
    except AnnotationError as exc:
        field, _, problem = str(exc).partition(": ")
        raise SessionFileError(source, field, problem or "invalid") from None


def _depth(data: object) -> int:
    """How deeply lists and objects nest in parsed JSON (iterative: no recursion to exhaust)."""
    deepest = 0
    stack: list[tuple[object, int]] = [(data, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, level + 1) for child in children if isinstance(child, dict | list))
    return deepest


def load_session(path: str | os.PathLike[str]) -> Session:
    """Load and validate a session file. Relative image paths stay relative to the file's folder."""
    try:
        raw = read_input_file(path, limit=MAX_SESSION_BYTES, what="session file")
    except InputFileError as exc:
        raise SessionFileError(exc.path, "file", exc.problem) from None
    shown = printable_path(path)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise SessionFileError(shown, "file", "is not UTF-8 text") from None
    return loads_session(text, source=shown)


def dumps_session(session: Session) -> str:
    """The session as pretty-printed JSON text."""
    return json.dumps(session.to_dict(), indent=2, ensure_ascii=False) + "\n"


def save_session(session: Session, path: str | os.PathLike[str]) -> None:
    """Write the session atomically: a crash mid-write leaves the previous file intact."""
    write_atomic(Path(path), dumps_session(session).encode("utf-8"))


def _read_umask() -> int:
    # os.umask can only be read by setting it; done once, at import, before any worker thread runs
    umask = os.umask(0o022)
    os.umask(umask)
    return umask


_UMASK = _read_umask()


def _default_mode() -> int:
    """The permissions a plain ``open(..., "w")`` would give a new file (0666 less the umask)."""
    return 0o666 & ~_UMASK


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder, then rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, _default_mode())  # mkstemp makes 0600; give the file the usual permissions
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
