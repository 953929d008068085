"""``takehome-viewer`` without a Qt binding: one line saying what to install, exit 2, no traceback."""

from __future__ import annotations

import subprocess
import sys

import pytest

# Runs the viewer's entry point in a fresh interpreter where every Qt binding (and qtpy) fails to import,
# as after `pip install takehome` without the viewer extra.
_WITHOUT_QT = """
import importlib.abc, sys
class NoQt(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {BLOCKED!r}:
            raise ImportError("No module named " + repr(name))
        return None
sys.meta_path.insert(0, NoQt())
from takehome.plugin.standalone import main
sys.exit(main([]))
"""


@pytest.mark.parametrize("blocked", [("PySide6", "PyQt6", "PyQt5", "PySide2"),
                                     ("qtpy", "PySide6", "PyQt6", "PyQt5", "PySide2")])
def test_viewer_without_qt_says_what_to_install(blocked: tuple[str, ...]) -> None:
    code = _WITHOUT_QT.replace("{BLOCKED!r}", repr(set(blocked)))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                          check=False)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    assert "pip install 'takehome[viewer]'" in lines[0] and "PySide6" in lines[0]


def test_viewer_extra_is_named_in_the_readme() -> None:
    import tomllib
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    extras = tomllib.loads((root / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    assert any("pyside6" in dep.lower() for dep in extras["viewer"])
    assert "takehome[viewer]" in (root / "README.md").read_text()
