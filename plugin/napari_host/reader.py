"""The napari reader contribution: DICOM files and folders open as image layers, one per series.

Each layer holds the display pixels the core renders (what the handout will show) and, in
``layer.metadata["takehome"]``, which instance, file and frame each slice is.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

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
        "metadata": layer_metadata(stack.study_instance_uid, stack.series_instance_uid, stack.images),
        "scale": in_plane if single else (1.0, *in_plane),
        "axis_labels": AXIS_LABELS[1:] if single else AXIS_LABELS,
    }
    if not stack.is_color:
        kwargs["contrast_limits"] = (0, 255)
        kwargs["colormap"] = "gray"
    return pixels, kwargs, "image"


def read_dicom(path: PathOrPaths) -> list[LayerData]:
    """Open DICOM files and folders as image layers (raises InputError when nothing can be shown)."""
    study = load_study(_paths(path))
    _warn_skipped(study)
    return [layer_data(stack) for stack in study.stacks]


def _warn_skipped(study: LoadedStudy) -> None:
    if not study.skipped:
        return
    from napari.utils.notifications import show_warning

    named = "; ".join(s.reason for s in study.skipped[:_NAMED_SKIPS])
    more = len(study.skipped) - _NAMED_SKIPS
    tail = f"; and {more} more" if more > 0 else ""
    show_warning(f"takehome: {len(study.skipped)} file(s) were not opened: {named}{tail}")
