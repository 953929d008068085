"""One data folder: TAKEHOME_DATA_DIR moves autosaves, templates, audit log and DICOM outbox together."""

from __future__ import annotations

from pathlib import Path

import pytest

from takehome.handouts.deid.audit import audit_log_path
from takehome.handouts.folders import DATA_DIR_ENV, data_dir, outbox_dir
from takehome.handouts.templates import user_folder


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    for name in ("TAKEHOME_AUDIT_LOG", "TAKEHOME_DICOM_OUTBOX", DATA_DIR_ENV):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg-state"))
    return monkeypatch


def test_the_data_folder_holds_everything_when_set(clean_env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    kiosk = tmp_path / "kiosk"
    clean_env.setenv(DATA_DIR_ENV, str(kiosk))
    from takehome.plugin.autosave import Autosaver

    places = [data_dir(), user_folder(), audit_log_path(), outbox_dir(), Autosaver("k").path]
    assert all(place.is_relative_to(kiosk) for place in places), places


def test_platform_folders_otherwise_and_own_overrides_win(clean_env: pytest.MonkeyPatch,
                                                          tmp_path: Path) -> None:
    assert user_folder() == tmp_path / "xdg-data" / "takehome" / "templates"
    assert outbox_dir() == tmp_path / "xdg-data" / "takehome" / "dicom-outbox"
    assert audit_log_path().name == "audit.log" and not audit_log_path().is_relative_to(tmp_path / "xdg-data")
    clean_env.setenv(DATA_DIR_ENV, str(tmp_path / "kiosk"))
    clean_env.setenv("TAKEHOME_AUDIT_LOG", str(tmp_path / "audit" / "a.log"))
    clean_env.setenv("TAKEHOME_DICOM_OUTBOX", str(tmp_path / "out"))
    assert audit_log_path() == tmp_path / "audit" / "a.log"
    assert outbox_dir() == tmp_path / "out"
