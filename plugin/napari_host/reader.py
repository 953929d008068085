"""The napari reader contribution: DICOM files and folders open as image layers, one per series.

A grey series whose display is a linear window (CT, MR, CR, DX, grey US) holds its modality values
(e.g. Hounsfield units) and opens with napari's contrast limits on the window the core prints
(centre - width/2, centre + width/2; MONOCHROME1 with an inverted grey); any other series (colour,
a VOI LUT, a SIGMOID function) holds the display pixels the core renders. ``layer.metadata["takehome"]``
says which instance, file and frame each slice is. napari's progress bar follows the scan of a folder.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from takehome.annotations.model import Window
from takehome.handouts.study import folder_has_dicom, looks_like_dicom
from takehome.plugin.napari_host.metadata import layer_metadata
from takehome.plugin.napari_host.series import LoadedStudy, SeriesStack, load_study

LayerData = tuple[Any, dict[str, Any], str]
PathOrPaths = str | os.PathLike[str] | Sequence[str | os.PathLike[str]]
ReaderFunction = Callable[[PathOrPaths], list[LayerData]]

#: napari axis labels of a stack: the slider reads "image"
AXIS_LABELS = ("image", "row", "column")
#: How many skipped files a warning names before it only counts the rest.
_NAMED_SKIPS = 3
#: a scan that takes longer than this (seconds) shows napari's progress bar; shorter ones show nothing
PROGRESS_AFTER_S = 0.5
#: at most this many progress updates a second (each repaints napari's activity dock)
_UPDATES_PER_S = 20


def _paths(path: PathOrPaths) -> list[Path]:
    if isinstance(path, str | os.PathLike):
        return [Path(path)]
    return [Path(p) for p in path]


def _claims(path: Path) -> bool:
    if path.is_dir():
        return folder_has_dicom(path)
    return path.is_file() and looks_like_dicom(path)


def napari_get_reader(path: PathOrPaths) -> ReaderFunction | None:
    """Return the takehome reader when every path is a DICOM file or a folder holding DICOM files."""
    paths = _paths(path)
    if not paths or not all(_claims(p) for p in paths):
        return None
    return read_dicom


def layer_data(stack: SeriesStack) -> LayerData:
    """The napari (data, kwargs, "image") tuple for one series stack."""
    single = len(stack.images) == 1
    pixels = stack.first() if single else stack.pixels
    # The slice axis steps one slice (or frame) at a time, so napari's slider pages every series alike.
    # Rows and columns are scaled by the pixel spacing (mm) when the header gives it, so images keep
    # their true aspect; no units are declared, since napari warns on screen when layers' units differ
    # (a CT in mm next to an ultrasound without spacing is an ordinary study).
    in_plane = stack.spacing[1:]
    kwargs: dict[str, Any] = {
        "name": stack.name,
        "rgb": stack.is_color,
        "metadata": layer_metadata(stack.study_instance_uid, stack.series_instance_uid, stack.images,
                                   None if stack.windowed is None else stack.windowed.value_range),
        "scale": in_plane if single else (1.0, *in_plane),
        "axis_labels": AXIS_LABELS[1:] if single else AXIS_LABELS,
    }
    if stack.windowed is not None:  # explicit limits: napari never scans the series for a range
        kwargs["contrast_limits"] = window_limits(stack.windowed.window)
        kwargs["colormap"] = "gray_r" if stack.windowed.inverted else "gray"
    elif not stack.is_color:
        kwargs["contrast_limits"] = (0, 255)
        kwargs["colormap"] = "gray"
    return pixels, kwargs, "image"


def window_limits(window: Window) -> tuple[float, float]:
    """napari's contrast limits showing ``window``: (centre - width/2, centre + width/2)."""
    return window.center - window.width / 2, window.center + window.width / 2


def read_dicom(path: PathOrPaths) -> list[LayerData]:
    """Open DICOM files and folders as image layers (raises InputError when nothing can be shown);
    napari's progress bar counts the files read."""
    with ScanProgress() as advance:
        study = load_study(_paths(path), advance)
    _warn_skipped(study)
    return [layer_data(stack) for stack in study.stacks]


class ScanProgress:
    """napari's progress bar (activity dock) for a scan that lasts over :data:`PROGRESS_AFTER_S`;
    napari repaints it on each update, although the reader runs on its GUI thread."""

    def __init__(self) -> None:
        self._begun = time.monotonic()
        self._shown = 0.0
        self._bar: Any | None = None

    def __enter__(self) -> ScanProgress:
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self._begun < PROGRESS_AFTER_S or (now - self._shown < 1 / _UPDATES_PER_S and done < total):
            return
        self._shown = now
        if self._bar is None:
            from napari.utils import progress

            self._bar = progress(total=total, desc="takehome: reading DICOM headers")
        if self._bar.total != total:
            self._bar.total = total
        self._bar.update(done - self._bar.n)


def _warn_skipped(study: LoadedStudy) -> None:
    if not study.skipped:
        return
    from napari.utils.notifications import show_warning

    named = "; ".join(s.reason for s in study.skipped[:_NAMED_SKIPS])
    more = len(study.skipped) - _NAMED_SKIPS
    tail = f"; and {more} more" if more > 0 else ""
    show_warning(f"takehome: {len(study.skipped)} file(s) were not opened: {named}{tail}")
