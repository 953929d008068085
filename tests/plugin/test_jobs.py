"""Background work: one lane per kind of work, cancellable, and quitting never waits on a stuck job."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
import time

from takehome.plugin.jobs import Job, Lane, busy, start_job, wait_for_jobs


def test_a_stuck_pacs_transfer_does_not_stall_previews(qtbot) -> None:  # type: ignore[no-untyped-def]
    release = threading.Event()
    stuck = Job(1, lambda job: release.wait(30))  # a PACS that does not answer
    start_job(stuck, Lane.PACS)
    preview = Job(2, lambda job: "pages")
    try:
        with qtbot.waitSignal(preview.signals.finished, timeout=5000) as finished:
            start_job(preview, Lane.PDF)
        assert finished.args == ["pages"] and busy(Lane.PACS)
    finally:
        release.set()
    assert wait_for_jobs(5000)


def test_cancelled_jobs_report_cancelled_not_a_result(qtbot) -> None:  # type: ignore[no-untyped-def]
    started, release = threading.Event(), threading.Event()

    def slow(job: Job) -> str:
        started.set()
        release.wait(10)
        job.check()
        return "built"

    running, queued = Job(1, slow), Job(2, lambda job: "never")
    results: list[object] = []
    for job in (running, queued):
        job.signals.finished.connect(results.append)
    start_job(running, Lane.OCR)
    start_job(queued, Lane.OCR)
    assert started.wait(5)
    with qtbot.waitSignals([running.signals.cancelled, queued.signals.cancelled], timeout=5000):
        running.cancel()
        queued.cancel()
        release.set()
    assert results == []


QUIT_SCRIPT = textwrap.dedent("""
    import threading, time
    from qtpy.QtCore import QTimer
    from qtpy.QtWidgets import QApplication, QLabel
    from takehome.plugin.jobs import Job, Lane, start_job

    app = QApplication([])
    label = QLabel("busy")
    started = threading.Event()

    def stuck(job):
        started.set()
        threading.Event().wait(60)  # a C-STORE to a PACS that never answers: no cancellation point
        return "late"

    for lane in (Lane.PACS, Lane.OCR, Lane.PDF):
        job = Job(0, stuck)
        job.signals.finished.connect(label.setText)
        start_job(job, lane)
    started.wait(5)
    QTimer.singleShot(50, app.quit)
    begun = time.monotonic()
    app.exec()
    print(f"quit-took {time.monotonic() - begun:.2f}")
""")


def test_quitting_stops_within_a_second_without_a_traceback(tmp_path) -> None:  # type: ignore[no-untyped-def]
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    begun = time.monotonic()
    run = subprocess.run([sys.executable, "-c", QUIT_SCRIPT], env=env, capture_output=True, text=True,
                         timeout=50, cwd=tmp_path)
    elapsed = time.monotonic() - begun
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr and "Error" not in run.stderr, run.stderr
    took = float(run.stdout.split("quit-took")[1])
    assert took < 1.5, took  # the event loop quit at once, the stuck jobs were abandoned
    assert elapsed < 40  # the process ended: nothing waited for the 60 s jobs


def test_a_done_jobs_signals_are_deleted_on_the_gui_thread(qtbot) -> None:  # type: ignore[no-untyped-def]
    """The worker may drop a job last (nobody else kept it): its Qt signals must still be deleted on
    the GUI thread, after the reports queued to it (deleting them on the worker crashed the viewer)."""
    from qtpy.QtCore import Qt

    deleted_on: list[int] = []
    results: list[object] = []
    job = Job(1, lambda _job: "done")
    job.signals.finished.connect(results.append)
    job.signals.destroyed.connect(lambda: deleted_on.append(threading.get_ident()),
                                  Qt.ConnectionType.DirectConnection)
    start_job(job, Lane.PDF)
    del job  # the worker holds the last reference
    qtbot.waitUntil(lambda: bool(deleted_on), timeout=5000)
    assert deleted_on == [threading.get_ident()] and results == ["done"]
