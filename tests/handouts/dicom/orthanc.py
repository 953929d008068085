"""A real PACS for the send tests: Orthanc (Debian package ``orthanc``), ours alone, on loopback.

Each server gets a temporary configuration, storage and index, free ports for DICOM and HTTP, and
accepts only this machine: HTTP refuses remote clients (``RemoteAccessAllowed``), and DICOM accepts
only the ``TAKEHOME`` modality at 127.0.0.1 (``DicomCheckModalityHost``), to which it also sends its
storage commitment reports.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.handouts.dicom.scp import free_port

AET = "ORTHANC"
CLIENT_AET = "TAKEHOME"
#: Drops every encapsulated PDF yet answers C-STORE Success (as Orthanc does for a filtered instance).
DROP_PDF_FILTER = """
function ReceivedInstanceFilter(dicom, origin, info)
  return dicom.SOPClassUID ~= '1.2.840.10008.5.1.4.1.1.104.1'
end
"""


@dataclass
class Orthanc:
    """A running Orthanc: its DICOM and HTTP ports, the port it reports commitments to, its process."""

    dicom_port: int
    http_port: int
    commit_port: int
    folder: Path
    process: subprocess.Popen[bytes]

    @property
    def peer(self) -> str:
        return f"{AET}@127.0.0.1:{self.dicom_port}"

    def get(self, path: str) -> Any:
        """GET a REST resource of the server as JSON."""
        with urllib.request.urlopen(f"http://127.0.0.1:{self.http_port}{path}", timeout=10) as answer:
            return json.loads(answer.read())

    def instances(self) -> list[dict[str, Any]]:
        """Every stored instance with its main tags (SOP Instance UID, SOP class, study)."""
        found = []
        for ident in self.get("/instances"):
            tags = self.get(f"/instances/{ident}/simplified-tags")
            parent = self.get(f"/instances/{ident}/study")
            found.append({"id": ident, "sop": tags.get("SOPInstanceUID"), "class": tags.get("SOPClassUID"),
                          "study": parent["MainDicomTags"].get("StudyInstanceUID")})
        return found

    def file(self, ident: str) -> bytes:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.http_port}/instances/{ident}/file",
                                    timeout=10) as answer:
            return bytes(answer.read())

    def kill(self) -> None:
        """Stop the server at once (SIGKILL): no goodbye to any association."""
        self.process.kill()
        self.process.wait(timeout=10)


def _config(folder: Path, dicom: int, http: int, commit: int, lua: str) -> Path:
    scripts = []
    if lua:
        (folder / "filter.lua").write_text(lua)
        scripts.append(str(folder / "filter.lua"))
    config = {
        "Name": "takehome-test", "StorageDirectory": str(folder / "storage"),
        "IndexDirectory": str(folder / "index"), "StorageCompression": False,
        "HttpServerEnabled": True, "HttpPort": http, "RemoteAccessAllowed": False,
        "AuthenticationEnabled": False, "DicomServerEnabled": True, "DicomAet": AET, "DicomPort": dicom,
        "DicomCheckCalledAet": True, "DicomCheckModalityHost": True,
        "DicomAlwaysAllowEcho": False, "DicomAlwaysAllowStore": False,
        "DicomModalities": {"takehome": {"AET": CLIENT_AET, "Host": "127.0.0.1", "Port": commit,
                                         "AllowStorageCommitment": True, "AllowStore": True,
                                         "AllowEcho": True}},
        "DicomScuTimeout": 5, "LuaScripts": scripts, "Plugins": [], "ConcurrentJobs": 1,
        "OverwriteInstances": False, "SaveJobs": False, "StableAge": 1,
    }
    path = folder / "orthanc.json"
    path.write_text(json.dumps(config))
    return path


@contextmanager
def orthanc(folder: Path, *, lua: str = "", commit_port: int | None = None,
            dicom_port: int | None = None, http_port: int | None = None) -> Iterator[Orthanc]:
    """Start Orthanc with its own config and storage in ``folder``; stop it (by its pid) afterwards."""
    tool = shutil.which("Orthanc") or ("/usr/sbin/Orthanc" if Path("/usr/sbin/Orthanc").exists() else None)
    if tool is None:
        pytest.fail("Orthanc is not installed (Debian package orthanc, listed in .ci/apt-packages.txt)")
    folder.mkdir(parents=True, exist_ok=True)
    dicom, http = dicom_port or free_port(), http_port or free_port()
    commit = commit_port or free_port()
    config = _config(folder, dicom, http, commit, lua)
    log = (folder / "orthanc.log").open("wb")
    process = subprocess.Popen([tool, str(config)], stdout=log, stderr=subprocess.STDOUT, cwd=folder)
    server = Orthanc(dicom, http, commit, folder, process)
    try:
        _wait_ready(server)
        yield server
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        log.close()


def _wait_ready(server: Orthanc, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            log = (server.folder / "orthanc.log").read_text(errors="replace")
            pytest.fail(f"Orthanc exited early: {log}")
        try:
            server.get("/system")
            return
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.1)
    pytest.fail(f"Orthanc did not answer on port {server.http_port} within {timeout} s")
