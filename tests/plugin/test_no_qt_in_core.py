"""The core packages never load Qt: they must run headless and from the command line."""

from __future__ import annotations

import json
import subprocess
import sys


def test_core_imports_load_no_qt():
    code = (
        "import json, sys\n"
        "import takehome.annotations, takehome.handouts\n"
        "import takehome.annotations.session_file, takehome.annotations.spacing\n"
        "import takehome.handouts.build, takehome.handouts.cli, takehome.handouts.sample\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('qtpy', 'PySide6', 'PyQt6', 'PyQt5', 'PySide2', 'pyqtgraph', 'shiboken6'))\n"
        "print(json.dumps(bad))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []
