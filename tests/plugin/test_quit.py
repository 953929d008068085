"""Quitting the standalone viewer right after scrolling a series: within a second, no traceback."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from .conftest import write_study

SCRIPT = textwrap.dedent("""
    import sys, time
    from qtpy.QtCore import QTimer
    from qtpy.QtWidgets import QApplication
    from takehome.plugin.standalone.window import ViewerWindow

    app = QApplication([])
    window = ViewerWindow()
    window.resize(1280, 800)
    window.open_paths([sys.argv[1]])
    window.show()
    slices = window.browser.slices
    steps = iter(range(60))

    def scroll():
        step = next(steps, None)
        if step is None:  # the wheel stops while the read-ahead still decodes: quit now
            window.close()
            global begun
            begun = time.monotonic()
            app.quit()
            return
        slices.step(1)
        window.panel.toggle_key_image() if step % 20 == 0 else None  # OCR jobs running too
        QTimer.singleShot(10, scroll)

    QTimer.singleShot(200, scroll)
    app.exec()
    print(f"quit-took {time.monotonic() - begun:.2f} quit-at {begun}", flush=True)
""")


def test_quitting_right_after_scrolling_a_series_is_quick_and_clean(tmp_path: Path) -> None:
    write_study(tmp_path / "study", images=80)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", TAKEHOME_DATA_DIR=str(tmp_path / "data"))
    run = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path / "study")], env=env,
                         capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    for problem in ("Traceback", "Error", "cannot schedule", "has been deleted"):
        assert problem not in run.stderr, run.stderr
    ended = time.monotonic()  # one clock for both processes (CLOCK_MONOTONIC)
    took = float(run.stdout.split("quit-took")[1].split()[0])
    assert took < 1.0, took  # the event loop ended at once
    assert ended - float(run.stdout.split("quit-at")[1]) < 2.0  # and the process with it
