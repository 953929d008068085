"""Real DICOM peers for the send tests: dcmtk's storescp and dcmqrscp on free local ports."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _listening(port: int) -> bool:
    """True when a socket listens on ``port`` (read from /proc: connecting would be an association)."""
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if len(fields) > 3 and fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                return True
    return False


def _wait_listening(port: int, process: subprocess.Popen[bytes], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            out = process.stdout.read().decode(errors="replace") if process.stdout else ""
            pytest.fail(f"the DICOM peer exited early: {out}")
        if _listening(port):
            return
        time.sleep(0.05)
    pytest.fail(f"the DICOM peer did not listen on port {port} within {timeout} s")


@contextmanager
def running(command: Sequence[str], port: int) -> Iterator[subprocess.Popen[bytes]]:
    """Start a DICOM peer, wait until it listens, stop it afterwards (it is ours: we kill by pid)."""
    tool = shutil.which(command[0])
    if tool is None:
        pytest.fail(f"{command[0]} is not installed (Debian package dcmtk)")
    process = subprocess.Popen([tool, *command[1:]], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        _wait_listening(port, process)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        if process.stdout:
            process.stdout.close()


@contextmanager
def storescp(folder: Path, *extra: str, ae_title: str = "STORESCP") -> Iterator[int]:
    """storescp keeping every dataset as received (--bit-preserving) in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    with running(["storescp", "--aetitle", ae_title, "--output-directory", str(folder),
                  "--bit-preserving", "--acse-timeout", "5", "--socket-timeout", "10", *extra,
                  str(port)], port):
        yield port


@contextmanager
def dcmqrscp(folder: Path, ae_title: str = "ARCHIVE") -> Iterator[int]:
    """dcmqrscp with one storage AE: it refuses associations called with any other AE title."""
    port = free_port()
    store = folder / "db"
    store.mkdir(parents=True, exist_ok=True)
    config = folder / "dcmqrscp.cfg"
    config.write_text(
        f"NetworkTCPPort = {port}\nMaxPDUSize = 16384\nMaxAssociations = 4\n"
        "HostTable BEGIN\nHostTable END\nVendorTable BEGIN\nVendorTable END\n"
        f"AETable BEGIN\n{ae_title} {store} RW (20, 64mb) ANY\nAETable END\n")
    with running(["dcmqrscp", "--config", str(config), "--single-process", str(port)], port):
        yield port
