"""From a DICOM dataset to 8-bit display pixels, with pydicom's own pixel pipeline.

Grey images: modality LUT/rescale (:func:`grey_values`, e.g. Hounsfield units) -> VOI (the key
image's window, else the header's VOI LUT or window, else a robust percentile window) -> 0..255 ->
MONOCHROME1 inverted (:func:`render_grey`). Colour images: YBR is converted to RGB by the decoder,
PALETTE COLOR through its LUT, and >8-bit samples scaled down. Per-frame functional groups (enhanced
multi-frame) supply the frame's rescale and window. A viewer that windows modality values itself
(napari) reads :func:`grey_look` from the header to show the same window.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from pydicom.dataset import Dataset
from pydicom.pixels.decoders.base import get_decoder
from pydicom.pixels.processing import (
    apply_color_lut,
    apply_modality_lut,
    apply_voi,
    apply_windowing,
)

from takehome.annotations.model import Window
from takehome.handouts.errors import DecodeError
from takehome.handouts.source import decode_error, quiet_pydicom, transfer_syntax

_GREY = ("MONOCHROME1", "MONOCHROME2")
_PERCENTILES = (0.5, 99.5)


@dataclass(frozen=True, slots=True)
class DisplayImage:
    """Display-ready pixels (uint8, rows x columns, or rows x columns x 3 for colour)."""

    pixels: NDArray[np.uint8]
    window: Window | None
    photometric: str

    @property
    def is_color(self) -> bool:
        return self.pixels.ndim == 3

    @property
    def rows(self) -> int:
        return int(self.pixels.shape[0])

    @property
    def columns(self) -> int:
        return int(self.pixels.shape[1])


@dataclass(frozen=True, slots=True)
class GreyLook:
    """How a grey frame is displayed, from its header alone (nothing decoded)."""

    #: the header's window, if any
    window: Window | None
    #: the VOI is a linear window (no VOI LUT, not SIGMOID): a viewer's contrast limits
    #: (centre - width/2, centre + width/2) on the modality values show what :func:`render` prints
    linear: bool
    #: shown white-to-black (MONOCHROME1, or an inverse presentation LUT)
    inverted: bool
    #: the modality values the stored bits can give (lowest, highest)
    value_range: tuple[float, float]


@dataclass(frozen=True, slots=True)
class GreyValues:
    """One decoded grey frame after the modality LUT: whole numbers as int16/int32, else float32."""

    values: NDArray[Any]
    look: GreyLook
    photometric: str
    #: the frame's LUT attributes (window, VOI LUT, VOI function), what :func:`render_grey` applies
    voi: Dataset

    def default_window(self) -> Window:
        """The window :func:`render` uses when none is chosen and the VOI is a window."""
        return self.look.window or percentile_window(self.values)


def frame_count(ds: Dataset) -> int:
    """Number of frames in the image (1 for single-frame)."""
    with quiet_pydicom():
        try:
            return max(1, int(ds.get("NumberOfFrames") or 1))
        except (TypeError, ValueError):
            return 1


def _frame_group(ds: Dataset, frame: int, sequence: str) -> Dataset | None:
    """The frame's item of a functional group macro, per-frame first, then shared."""
    for name, index in (("PerFrameFunctionalGroupsSequence", frame - 1),
                        ("SharedFunctionalGroupsSequence", 0)):
        groups = ds.get(name)
        if groups and index < len(groups):
            macro = groups[index].get(sequence)
            if macro:
                item: Dataset = macro[0]
                return item
    return None


def _lut_view(ds: Dataset, frame: int) -> Dataset:
    """A small dataset with the attributes the LUT functions read, frame-specific values applied."""
    view = Dataset()
    for keyword in ("PhotometricInterpretation", "BitsStored", "BitsAllocated", "PixelRepresentation",
                    "RescaleSlope", "RescaleIntercept", "RescaleType", "ModalityLUTSequence",
                    "WindowCenter", "WindowWidth", "VOILUTFunction", "VOILUTSequence",
                    "PresentationLUTShape"):
        if keyword in ds:
            view[keyword] = ds[keyword]
    transform = _frame_group(ds, frame, "PixelValueTransformationSequence")
    if transform is not None:
        for keyword in ("RescaleSlope", "RescaleIntercept"):
            if keyword in transform:
                view[keyword] = transform[keyword]
    voi = _frame_group(ds, frame, "FrameVOILUTSequence")
    if voi is not None:
        for keyword in ("WindowCenter", "WindowWidth", "VOILUTFunction"):
            if keyword in voi:
                view[keyword] = voi[keyword]
    return view


def _window_to_uint8(values: NDArray[Any], window: Window, function: str) -> NDArray[np.uint8]:
    """Apply a window with pydicom, into an 8-bit unsigned output range."""
    target = Dataset()
    target.PhotometricInterpretation = "MONOCHROME2"
    target.BitsStored = 8
    target.PixelRepresentation = 0
    target.WindowCenter = window.center
    target.WindowWidth = window.width
    target.VOILUTFunction = function if function in ("LINEAR", "LINEAR_EXACT", "SIGMOID") else "LINEAR"
    out = apply_windowing(values.astype(np.float64), target)
    result: NDArray[np.uint8] = np.clip(np.rint(out), 0, 255).astype(np.uint8)
    return result


def _windowed(values: NDArray[Any], window: Window, function: str) -> NDArray[np.uint8]:
    """:func:`_window_to_uint8` of ``values``; whole-number values go through a table of their range
    (the same arithmetic on each distinct value, so the same pixels, without float64 copies of the
    whole image)."""
    if values.dtype.kind in "iu" and values.size:
        low, high = int(values.min()), int(values.max())
        if high - low < values.size:
            table = _window_to_uint8(np.arange(low, high + 1, dtype=np.int64), window, function)
            result: NDArray[np.uint8] = table[values.astype(np.int64) - low]
            return result
    return _window_to_uint8(values, window, function)


def header_window(ds: Dataset, frame: int = 1) -> Window | None:
    """The first window stored in the header for this frame, if any and usable."""
    return _view_window(_lut_view(ds, frame))


def _view_window(view: Dataset) -> Window | None:
    if "WindowCenter" not in view or "WindowWidth" not in view:
        return None
    try:
        center = view["WindowCenter"].value
        width = view["WindowWidth"].value
        center = float(center[0] if view["WindowCenter"].VM > 1 else center)
        width = float(width[0] if view["WindowWidth"].VM > 1 else width)
        return Window(center, width)
    except Exception:
        return None


def _value_range(view: Dataset) -> tuple[float, float]:
    """The modality values the stored bits can give, through the rescale or the modality LUT."""
    try:
        bits = int(view.get("BitsStored") or 16)
        if int(view.get("PixelRepresentation") or 0) == 1:
            low, high = -float(2 ** (bits - 1)), float(2 ** (bits - 1) - 1)
        else:
            low, high = 0.0, float(2**bits - 1)
        if view.get("ModalityLUTSequence"):
            return 0.0, float(2 ** int(view.ModalityLUTSequence[0].LUTDescriptor[2]) - 1)
        slope = float(view.get("RescaleSlope") or 1)
        intercept = float(view.get("RescaleIntercept") or 0)
    except (TypeError, ValueError, IndexError, AttributeError):
        return 0.0, 65535.0
    ends = sorted((low * slope + intercept, high * slope + intercept))
    return ends[0], ends[1]


def _look(view: Dataset, photometric: str) -> GreyLook:
    function = str(view.get("VOILUTFunction", "LINEAR")).upper()
    inverse = str(view.get("PresentationLUTShape", "")).upper() == "INVERSE"
    return GreyLook(window=_view_window(view),
                    linear=not view.get("VOILUTSequence") and function != "SIGMOID",
                    inverted=(photometric == "MONOCHROME1") != inverse,
                    value_range=_value_range(view))


def grey_look(ds: Dataset, frame: int = 1) -> GreyLook | None:
    """How frame ``frame`` of a grey image is displayed, from the header; None for a colour image."""
    photometric = str(ds.get("PhotometricInterpretation", "")).strip().upper()
    if photometric not in _GREY:
        return None
    with quiet_pydicom():
        return _look(_lut_view(ds, frame), photometric)


def percentile_window(values: NDArray[Any]) -> Window:
    """A robust window covering the 0.5th to 99.5th percentile of the values."""
    finite = values[np.isfinite(values)] if values.dtype.kind == "f" else values
    if finite.size == 0:
        return Window(0.0, 1.0)
    sample = finite.ravel()
    if sample.size > 1_000_000:
        sample = sample[:: sample.size // 1_000_000 + 1]
    low, high = np.percentile(sample, _PERCENTILES)
    if high - low < 1:
        low, high = float(sample.min()), float(sample.max())
    width = max(float(high - low), 1.0)
    return Window(float(low + high) / 2, width)


def decode_frame(ds: Dataset, frame: int = 1, *, path: str = "") -> tuple[NDArray[Any], str]:
    """The stored pixel values of one frame (YBR already converted to RGB) and their photometric."""
    frames = frame_count(ds)
    if not 1 <= frame <= frames:
        raise DecodeError(f"{path or 'image'}: frame {frame} does not exist (the image has {frames})")
    if "PixelData" not in ds:
        arr = np.asarray(ds.pixel_array)
        return (arr[frame - 1] if frames > 1 else arr), str(ds.get("PhotometricInterpretation", ""))
    try:
        decoder = get_decoder(transfer_syntax(ds))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            arr, meta = decoder.as_array(ds, index=frame - 1)
    except Exception as exc:
        raise decode_error(path or "image", ds, exc) from None
    return arr, str(meta.get("photometric_interpretation", ds.get("PhotometricInterpretation", "")))


def grey_values(ds: Dataset, frame: int = 1, *, path: str = "") -> GreyValues | None:
    """Decode frame ``frame`` (1-based) of a grey image to modality values; None for a colour image."""
    if grey_look(ds, frame) is None:
        return None
    with quiet_pydicom():
        arr, photometric = decode_frame(ds, frame, path=path)
        if photometric not in _GREY:
            return None
        try:
            return _grey_values(ds, frame, arr, photometric)
        except DecodeError:
            raise
        except Exception as exc:
            raise DecodeError(f"{path or 'image'}: the image cannot be displayed "
                              f"({type(exc).__name__}: {exc})") from None


def render(ds: Dataset, frame: int = 1, window: Window | None = None, *, path: str = "") -> DisplayImage:
    """Decode and display ``frame`` (1-based) of ``ds`` as 8-bit pixels."""
    with quiet_pydicom():
        return _render(ds, frame, window, path)


def _render(ds: Dataset, frame: int, window: Window | None, path: str) -> DisplayImage:
    arr, photometric = decode_frame(ds, frame, path=path)
    where = path or "image"
    try:
        if photometric in _GREY:
            return _render_values(_grey_values(ds, frame, arr, photometric), window)
        if photometric == "PALETTE COLOR":
            rgb = apply_color_lut(arr, ds)
            return DisplayImage(_to_uint8(rgb, 16 if rgb.dtype.itemsize > 1 else 8), None, photometric)
        if arr.ndim == 3 and arr.shape[-1] == 3:
            bits = int(ds.get("BitsStored") or ds.get("BitsAllocated") or 8)
            return DisplayImage(_to_uint8(arr, bits), None, photometric)
    except DecodeError:
        raise
    except Exception as exc:
        raise DecodeError(f"{where}: the image cannot be displayed ({type(exc).__name__}: {exc})") from None
    raise DecodeError(f"{where}: photometric interpretation {photometric!r} is not supported")


def _grey_values(ds: Dataset, frame: int, arr: NDArray[Any], photometric: str) -> GreyValues:
    if arr.ndim != 2:
        raise DecodeError(f"expected one grey frame, got an array of shape {arr.shape}")
    view = _lut_view(ds, frame)
    values = apply_modality_lut(arr, view) if ("RescaleSlope" in view or "ModalityLUTSequence" in view) \
        else arr
    return GreyValues(_compact(np.asarray(values)), _look(view, photometric), photometric, view)


def _compact(values: NDArray[Any]) -> NDArray[Any]:
    """Float modality values as int16/int32 when they are whole numbers (HU), else float32."""
    if values.dtype.kind != "f":
        return np.ascontiguousarray(values)
    if values.size and np.isfinite(values).all() and np.array_equal(values, np.rint(values)):
        low, high = float(values.min()), float(values.max())
        for kind in (np.int16, np.int32):
            if np.iinfo(kind).min <= low and high <= np.iinfo(kind).max:
                return np.ascontiguousarray(values.astype(kind))
    return np.ascontiguousarray(values.astype(np.float32))


def render_grey(grey: GreyValues, window: Window | None = None, *, path: str = "") -> DisplayImage:
    """Display decoded grey values with ``window`` (None: the header's VOI LUT or window, else a
    percentile window) as 8-bit pixels, white-to-black when the image is inverted."""
    try:
        with quiet_pydicom():
            return _render_values(grey, window)
    except Exception as exc:
        raise DecodeError(f"{path or 'image'}: the image cannot be displayed "
                          f"({type(exc).__name__}: {exc})") from None


def _render_values(grey: GreyValues, window: Window | None) -> DisplayImage:
    view = grey.voi
    function = str(view.get("VOILUTFunction", "LINEAR")).upper()
    used = window
    if used is None and view.get("VOILUTSequence"):
        lut_out = apply_voi(grey.values, view)
        bits = int(view.VOILUTSequence[0].LUTDescriptor[2])
        out = _to_uint8(np.asarray(lut_out), bits)
    else:
        if used is None:
            used = grey.default_window()
        out = _windowed(grey.values, used, function)
    if grey.look.inverted:
        out = np.subtract(255, out, dtype=np.uint8)
    return DisplayImage(np.ascontiguousarray(out), used, grey.photometric)


def _to_uint8(arr: NDArray[Any], bits: int) -> NDArray[np.uint8]:
    """Scale unsigned samples of ``bits`` significant bits to 0..255."""
    if arr.dtype == np.uint8 and bits <= 8:
        return np.ascontiguousarray(arr)
    top = float(2 ** max(1, min(bits, 32)) - 1)
    data = arr.astype(np.float64)
    if data.max(initial=0) > top:
        top = float(data.max())
    scaled = np.clip(np.rint(data * (255.0 / top)), 0, 255)
    return np.ascontiguousarray(scaled.astype(np.uint8))
