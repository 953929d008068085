"""Autosave: every edit writes the study's session JSON (atomically) into the user data folder.

One file per study, named by a hash of the study's identity (no UID or name in the file name).
``TAKEHOME_DATA_DIR`` overrides the folder (tests, kiosks, roaming profiles).

Work is never lost: a file that cannot be read, for any reason, is set aside under a new name that
never replaces an earlier one before anything is written; a file written by a newer takehome stays
where that version will find it, and this version saves beside it. When a file can be neither read
nor moved, autosave stays off for the study, and the panel says so instead of claiming to save.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from takehome.annotations.errors import NewerSessionError, SessionFileError
from takehome.annotations.model import Session
from takehome.annotations.session_file import load_session, save_session
from takehome.handouts.folders import data_dir


def study_key(study_uid: str | None, instance_uids: Iterable[str]) -> str:
    """A stable file-name-safe key for a study: its Study Instance UID, else its instances."""
    ids = "\n".join(sorted(set(instance_uids)))
    basis = f"study:{study_uid}" if study_uid else f"instances:{ids}"
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class Restored:
    """What opening a study found: the saved work (None: start afresh) and what to tell the user."""

    session: Session | None
    message: str = ""
    level: str = "info"


class Autosaver:
    """Saves and restores one study's session."""

    def __init__(self, key: str, folder: Path | None = None) -> None:
        self.folder = (folder or data_dir()) / "sessions"
        self.key = key
        self.path = self.folder / f"{key}.json"
        #: False when the last save failed or autosave had to be turned off: nothing may claim "saved".
        self.healthy = True
        self._off_reason = ""

    def load(self) -> Session | None:
        """The saved session, None when there is none. A damaged file raises SessionFileError."""
        if not os.path.lexists(self.path):
            return None
        return load_session(self.path)

    def restore(self) -> Restored:
        """Load the saved work; on any failure keep the file safe first, then say what happened."""
        try:
            session = self.load()
        except NewerSessionError as exc:
            return self._beside_newer(exc)
        except (SessionFileError, ValueError, OverflowError, RecursionError, MemoryError) as exc:
            problem = exc.problem if isinstance(exc, SessionFileError) else type(exc).__name__
            return self._damaged(problem)
        if session is not None and session.key_images:
            return Restored(session, f"Restored your work on this study: {len(session.key_images)} "
                                     "key image(s).")
        return Restored(session)

    def _damaged(self, problem: str) -> Restored:
        try:
            kept = self.set_aside()
        except OSError as exc:
            self._turn_off(f"the damaged autosave could not be moved aside ({exc.strerror or exc})")
            return Restored(None, f"The autosaved work for this study could not be read ({problem}) nor "
                                  f"moved aside ({exc.strerror or exc}). Autosave is OFF for this study so "
                                  f"that file ({self.path}) is not overwritten; export your handout before "
                                  "closing.", "error")
        where = f" (kept as {kept.name})" if kept is not None else ""
        return Restored(None, f"The autosaved work for this study could not be read{where}: {problem}. "
                              "A new handout was started.", "warning")

    def _beside_newer(self, exc: NewerSessionError) -> Restored:
        """Leave the newer version's file in place; this version saves (and restores) beside it."""
        newer, beside = self.path, self.folder / f"{self.key}.schema{exc.supported}.json"
        if newer == beside:  # the side file itself claims to be newer: it is damaged
            return self._damaged(exc.problem)
        self.path = beside
        restored = self.restore()
        note = (f"This study's autosave ({newer.name}) was written by a newer takehome (session version "
                f"{exc.found}); it is kept unchanged and that version will offer it again. This version "
                f"saves your work here separately ({self.path.name}).")
        return Restored(restored.session, f"{note} {restored.message}".strip(), "warning")

    def _turn_off(self, reason: str) -> None:
        self.healthy = False
        self._off_reason = reason

    def save(self, session: Session) -> None:
        """Write the session (atomic: a crash mid-write keeps the previous file)."""
        if self._off_reason:
            raise SessionFileError(str(self.path), "autosave",
                                   f"is off for this study: {self._off_reason}; your edits are kept in the "
                                   "panel only, export the handout before closing")
        try:
            save_session(session, self.path)
        except OSError as exc:
            self.healthy = False
            raise SessionFileError(str(self.path), "autosave",
                                   f"cannot be written ({exc.strerror or exc}); your edits are NOT saved, "
                                   "they are kept in the panel only: free some space or check the folder's "
                                   "permissions") from None
        self.healthy = True

    def set_aside(self) -> Path | None:
        """Move an unreadable autosave out of the way, never over an earlier one; return its new path.

        The new name carries the time and a counter. A hard link claims the name atomically (it fails
        if the name exists), so two damaged files, or two panels, never replace each other's copy.
        """
        if not os.path.lexists(self.path):
            return None
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
        for number in range(1, 10_000):
            target = self.path.with_name(f"{self.key}.damaged-{stamp}-{number}.json")
            if os.path.lexists(target):
                continue
            try:
                os.link(self.path, target, follow_symlinks=False)
            except FileExistsError:
                continue
            except OSError:  # no hard links here (some network or FAT drives): rename without replacing
                if os.path.lexists(target):
                    continue
                os.rename(self.path, target)
                return target
            os.unlink(self.path)
            return target
        raise OSError(f"too many damaged autosaves beside {self.path.name}")
