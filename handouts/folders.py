"""Where takehome keeps its files on this computer, in one place.

Everything lives in takehome's data folder: ``$TAKEHOME_DATA_DIR`` when set (tests, kiosks, roaming
profiles), else the platform's user data folder. The audit log goes to the platform's log folder
unless the data folder is set; ``$TAKEHOME_AUDIT_LOG`` and ``$TAKEHOME_DICOM_OUTBOX`` name a file
or folder of their own.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP = "takehome"
DATA_DIR_ENV = "TAKEHOME_DATA_DIR"
AUDIT_LOG_ENV = "TAKEHOME_AUDIT_LOG"
OUTBOX_ENV = "TAKEHOME_DICOM_OUTBOX"
AUDIT_LOG_NAME = "audit.log"


def _env_path(name: str) -> Path | None:
    value = os.environ.get(name, "").strip()
    return Path(value).expanduser() if value else None


def data_dir() -> Path:
    """takehome's data folder: ``$TAKEHOME_DATA_DIR`` or the platform's user data folder."""
    return _env_path(DATA_DIR_ENV) or Path(platformdirs.user_data_dir(APP, appauthor=False))


def templates_dir() -> Path:
    """The clinician's own handout templates."""
    return data_dir() / "templates"


def outbox_dir() -> Path:
    """DICOM objects waiting to be sent: ``$TAKEHOME_DICOM_OUTBOX``, else ``dicom-outbox`` in the data
    folder."""
    return _env_path(OUTBOX_ENV) or data_dir() / "dicom-outbox"


def audit_log_path() -> Path:
    """Where audit lines go: ``$TAKEHOME_AUDIT_LOG``, else the data folder when ``$TAKEHOME_DATA_DIR``
    is set, else the platform's user log folder."""
    override = _env_path(AUDIT_LOG_ENV)
    if override is not None:
        return override
    data = _env_path(DATA_DIR_ENV)
    folder = data if data is not None else Path(platformdirs.user_log_dir(APP, appauthor=False))
    return folder / AUDIT_LOG_NAME


def config_file() -> Path:
    """The user's settings (``config.toml`` in the platform's user config folder)."""
    return Path(platformdirs.user_config_dir(APP, appauthor=False)) / "config.toml"
