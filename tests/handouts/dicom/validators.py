"""The standard's own validators (dicom3tools, dcmtk), run on written objects."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:  # the Debian packages are listed in .ci/apt-packages.txt
        pytest.fail(f"{name} is not installed (Debian packages dicom3tools and dcmtk)")
    return path


def dciodvfy_errors(path: Path) -> list[str]:
    """dciodvfy's "Error" lines for the file (warnings are allowed)."""
    run = subprocess.run([_tool("dciodvfy"), str(path)], capture_output=True, text=True, timeout=60,
                         errors="replace")
    lines = (run.stdout + run.stderr).splitlines()
    return [line for line in lines if line.startswith("Error")]


def dcmpschk_errors(path: Path) -> list[str]:
    """dcmpschk's error report for a presentation state (empty when it passes)."""
    run = subprocess.run([_tool("dcmpschk"), str(path)], capture_output=True, text=True, timeout=60,
                         errors="replace")
    text = run.stdout + run.stderr
    failed = run.returncode != 0 or "Test failed" in text or "\nE:" in "\n" + text
    return [line for line in text.splitlines() if line.startswith(("E:", "F:"))] or (
        [text] if failed else [])


def dsrdump(path: Path) -> str:
    """dsrdump's rendering of a structured document (raises when it cannot read it)."""
    run = subprocess.run([_tool("dsrdump"), str(path)], capture_output=True, text=True, timeout=60,
                         errors="replace")
    assert run.returncode == 0, run.stdout + run.stderr
    return run.stdout
