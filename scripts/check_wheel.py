"""Check a built wheel holds every file of the packages' folders that git tracks (code and data).

Usage: ``python scripts/check_wheel.py dist/takehome-*.whl``. The folders map to packages as in
pyproject.toml (``annotations`` -> ``takehome/annotations``, ...). A font, catalog, template or
sample missing from ``package-data`` fails here, naming the file, before anything is installed.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

FOLDERS = {"annotations": "takehome/annotations", "handouts": "takehome/handouts",
           "plugin": "takehome/plugin"}


def main(wheel: str) -> int:
    root = Path(__file__).resolve().parents[1]
    tracked = subprocess.run(["git", "ls-files", *FOLDERS], cwd=root, capture_output=True, text=True,
                             check=True).stdout.split()
    with zipfile.ZipFile(wheel) as archive:
        inside = set(archive.namelist())
    expected = {FOLDERS[name.split("/", 1)[0]] + "/" + name.split("/", 1)[1] for name in tracked}
    missing = sorted(expected - inside)
    if missing:
        print(f"{wheel}: {len(missing)} file(s) of the source tree are missing from the wheel "
              "(add them to [tool.setuptools] packages or package-data in pyproject.toml):", file=sys.stderr)
        for name in missing:
            print(f"  {name}", file=sys.stderr)
        return 1
    compiled = [n for n in inside if n.endswith(".mo")]
    if not compiled:
        print(f"{wheel}: no compiled translations (.mo) in the wheel", file=sys.stderr)
        return 1
    print(f"wheel holds all {len(expected)} tracked files of the packages, and {len(compiled)} catalogs")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
