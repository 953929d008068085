"""Screenshot of the panel's Handout tab from a real window (run: QT_QPA_PLATFORM=offscreen python this).

Opens the standalone viewer on the bundled sample study, chooses the built-in "large-print" template
(its locked settings greyed out) and Spanish, and saves the panel's side (tabs) as handout-tab.png.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    os.environ.setdefault("TAKEHOME_DATA_DIR", tempfile.mkdtemp(prefix="takehome-shots-"))
    os.environ.setdefault("XDG_DATA_HOME", tempfile.mkdtemp(prefix="takehome-shots-data-"))
    from qtpy.QtWidgets import QApplication  # noqa: TID251 (a plugin tool kept with the docs)

    from takehome.handouts.sample import demo_session, sample_files
    from takehome.plugin.jobs import wait_for_jobs
    from takehome.plugin.standalone.window import ViewerWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    window = ViewerWindow()
    window.resize(1680, 980)
    window.open_paths(sample_files(), seed=demo_session())
    window.show()
    panel = window.panel
    assert panel is not None
    tab = panel.handout
    panel.tabs.setCurrentWidget(tab)
    tab.chooser.setCurrentIndex(tab.chooser.findData("large-print"))
    language = tab.settings.editor("language")
    language.setCurrentIndex(language.findData("es"))  # type: ignore[attr-defined]
    done: list[object] = []
    panel.preview.updated.connect(done.append)
    panel.preview.failed.connect(done.append)
    deadline = time.monotonic() + 60
    while not done and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.02)
    wait_for_jobs()
    for _ in range(20):
        app.processEvents()
    panel.tabs.grab().save(str(HERE / "handout-tab.png"))
    print("saved", HERE / "handout-tab.png", "session:", panel.session.template, panel.session.language)
    window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
