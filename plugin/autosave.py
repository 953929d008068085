"""Autosave: every edit writes the study's session JSON (atomically) into the user data folder.

One file per study, named by a hash of the study's identity (no UID or name in the file name).
``TAKEHOME_DATA_DIR`` overrides the folder (tests, kiosks, roaming profiles).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from pathlib import Path

from takehome.annotations.errors import SessionFileError
from takehome.annotations.model import Session
from takehome.annotations.session_file import load_session, save_session
from takehome.handouts.folders import data_dir


def study_key(study_uid: str | None, instance_uids: Iterable[str]) -> str:
    """A stable file-name-safe key for a study: its Study Instance UID, else its instances."""
    ids = "\n".join(sorted(set(instance_uids)))
    basis = f"study:{study_uid}" if study_uid else f"instances:{ids}"
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()[:32]


class Autosaver:
    """Saves and restores one study's session."""

    def __init__(self, key: str, folder: Path | None = None) -> None:
        self.path = (folder or data_dir()) / "sessions" / f"{key}.json"

    def load(self) -> Session | None:
        """The saved session, None when there is none. A damaged file raises SessionFileError."""
        if not self.path.exists():
            return None
        return load_session(self.path)

    def save(self, session: Session) -> None:
        """Write the session (atomic: a crash mid-write keeps the previous file)."""
        try:
            save_session(session, self.path)
        except OSError as exc:
            raise SessionFileError(str(self.path), "autosave",
                                   f"cannot be written ({exc.strerror or exc}); your edits are kept "
                                   "in the panel, free some space or check the folder's permissions"
                                   ) from None

    def set_aside(self) -> Path | None:
        """Rename a damaged autosave out of the way (kept for inspection), return its new path."""
        if not self.path.exists():
            return None
        target = self.path.with_suffix(".damaged.json")
        os.replace(self.path, target)
        return target
