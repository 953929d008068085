"""Background work in separate lanes: previews and exports, OCR, PACS transfers and image decoding
each have their own worker thread, so a slow PACS never stalls a preview.

A :class:`Job` reports through Qt signals (delivered on the GUI thread) and checks for cancellation
between steps. Workers are daemon threads: quitting cancels every job, waits at most a second for
them, and never hangs on a job stuck in a network call; a job finishing after that stays silent.
"""

from __future__ import annotations

import contextlib
import queue
import threading
import time
from collections.abc import Callable
from enum import StrEnum
from typing import Any

from qtpy.QtCore import QObject, Signal
from qtpy.QtWidgets import QApplication

from takehome.plugin.messages import describe_error

#: how long quitting waits for running jobs (seconds)
QUIT_WAIT_S = 1.0


class Lane(StrEnum):
    """Which worker runs a job: jobs of one lane run one after the other."""

    PDF = "pdf"  # handout previews, Export PDF, Print (pdfium is not thread-safe)
    OCR = "ocr"  # burned-in text detection
    PACS = "pacs"  # DICOM sends and imports
    IMAGES = "images"  # decoding images ahead of the viewer


class Cancelled(Exception):
    """Raised inside a job when it was cancelled."""


class JobSignals(QObject):
    """Signals of a background job (emitted from its worker, delivered on the GUI thread)."""

    progress = Signal(int, int, str)
    finished = Signal(object)
    failed = Signal(int, str)
    cancelled = Signal(int)


class Job:
    """Runs ``work(job)`` on a lane; reports ``finished(result)``, ``failed`` or ``cancelled``."""

    def __init__(self, generation: int, work: Callable[[Job], Any]) -> None:
        self.generation = generation
        # owned by the application (GUI thread), so that dropping the job on its worker never deletes
        # them there; the worker has them deleted on the GUI thread once the job is done
        self.signals = JobSignals(QApplication.instance())
        self._work = work
        self._cancel = threading.Event()
        self.done = False

    def cancel(self) -> None:
        self._cancel.set()

    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def check(self) -> None:
        """Raise :class:`Cancelled` when the job was cancelled (call it between steps)."""
        if self._cancel.is_set():
            raise Cancelled

    def report(self, done: int, total: int, what: str) -> None:
        self._emit(self.signals.progress, done, total, what)

    def run(self) -> None:
        try:
            result = self._work(self)
            self.check()
        except Cancelled:
            self._emit(self.signals.cancelled, self.generation)
        except Exception as exc:
            self._emit(self.signals.failed, self.generation, describe_error(exc))
        else:
            self._emit(self.signals.finished, result)
        finally:
            self.done = True

    def _emit(self, signal: Any, *args: object) -> None:
        if _STOPPED.is_set():
            return  # the application is quitting: nobody listens any more
        with contextlib.suppress(RuntimeError):  # the receiver's Qt objects were deleted meanwhile
            signal.emit(*args)


class _Worker:
    """One daemon thread running the jobs of a lane in order."""

    def __init__(self, lane: Lane) -> None:
        self._queue: queue.Queue[Job] = queue.Queue()
        self._idle = threading.Condition()
        self._pending = 0
        self.current: Job | None = None
        self._thread = threading.Thread(target=self._loop, name=f"takehome-{lane.value}", daemon=True)
        self._thread.start()

    def submit(self, job: Job) -> None:
        with self._idle:
            self._pending += 1
        self._queue.put(job)

    def _loop(self) -> None:
        while True:
            job = self._queue.get()
            self.current = job
            try:
                if job.is_cancelled() or _STOPPED.is_set():
                    job._emit(job.signals.cancelled, job.generation)
                    job.done = True
                else:
                    job.run()
            finally:
                self.current = None
                # the signals live on the GUI thread: deleted there, after the reports queued to it
                with contextlib.suppress(RuntimeError):
                    job.signals.deleteLater()
                del job
                with self._idle:
                    self._pending -= 1
                    self._idle.notify_all()

    def cancel_all(self) -> None:
        """Cancel the running job and every queued one (they report ``cancelled``)."""
        current = self.current
        if current is not None:
            current.cancel()
        for job in list(self._queue.queue):
            job.cancel()

    def wait(self, seconds: float) -> bool:
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout=seconds)


_WORKERS: dict[Lane, _Worker] = {}
_LOCK = threading.Lock()
_STOPPED = threading.Event()


def _worker(lane: Lane) -> _Worker:
    with _LOCK:
        worker = _WORKERS.get(lane)
        if worker is None:
            worker = _WORKERS[lane] = _Worker(lane)
            if len(_WORKERS) == 1:
                _stop_on_quit()
        return worker


def _stop_on_quit() -> None:
    app = QApplication.instance()
    if app is not None:
        app.aboutToQuit.connect(shutdown)


def start_job(job: Job, lane: Lane = Lane.PDF) -> None:
    """Queue ``job`` on ``lane``'s worker."""
    _STOPPED.clear()
    _worker(lane).submit(job)


def busy(lane: Lane) -> bool:
    """Whether ``lane`` has a job running or waiting."""
    worker = _WORKERS.get(lane)
    return worker is not None and not worker.wait(0)


def wait_for_jobs(msecs: int = 30000, lanes: tuple[Lane, ...] = tuple(Lane)) -> bool:
    """Block until the lanes' jobs are done (tests, closing a panel); False on timeout."""
    deadline = time.monotonic() + msecs / 1000
    return all(worker.wait(max(0.0, deadline - time.monotonic()))
               for lane, worker in list(_WORKERS.items()) if lane in lanes)


def shutdown(seconds: float = QUIT_WAIT_S) -> bool:
    """Cancel every job and wait at most ``seconds`` for the running ones (the application quits).

    Jobs still running afterwards (a network call that does not return) are abandoned silently.
    """
    for worker in list(_WORKERS.values()):
        worker.cancel_all()
    done = wait_for_jobs(int(seconds * 1000))
    _STOPPED.set()
    return done
