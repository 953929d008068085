"""The audit log: one line per export, in the user log directory or $TAKEHOME_AUDIT_LOG."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from takehome.handouts.deid.audit import (
    ENV_AUDIT_LOG,
    AuditRecord,
    audit_log_path,
    read_audit,
    write_audit,
)
from takehome.handouts.errors import OutputError


def record(mode: str = "auto") -> AuditRecord:
    return AuditRecord("export", mode, ({"sop_instance_uid": "1.2.3", "frame": 1, "redacted": 2},),
                       {"removed": 1}, "ab" * 32, 2)


def test_env_override_and_default_location(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(ENV_AUDIT_LOG, str(tmp_path / "a.log"))
    assert audit_log_path() == tmp_path / "a.log"
    monkeypatch.delenv(ENV_AUDIT_LOG)
    default = audit_log_path()
    assert default.name == "audit.log" and "takehome" in str(default)


def test_lines_append_and_parse(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "audit.log"
    write_audit(record(), path)
    write_audit(record("none"), path)
    lines = read_audit(path)
    assert [line["redact_mode"] for line in lines] == ["auto", "none"]
    assert "warning" in lines[1] and "warning" not in lines[0]
    assert lines[0]["instances"][0]["sop_instance_uid"] == "1.2.3"
    assert lines[0]["time"].endswith("+00:00")
    assert len(path.read_text().splitlines()) == 2
    assert json.loads(path.read_text().splitlines()[0])["output_sha256"] == "ab" * 32


def test_unwritable_log_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(OutputError, match="audit log could not be written"):
        write_audit(record(), blocker / "audit.log")
