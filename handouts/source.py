"""Opening DICOM files for display, with errors that say which file and what to do."""

from __future__ import annotations

import os
import stat
import threading
import warnings
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pydicom
from pydicom.dataset import Dataset
from pydicom.errors import InvalidDicomError

from takehome.annotations.errors import AnnotationError
from takehome.annotations.input_file import InputFileError, check_path, printable_path
from takehome.annotations.values import validate_uid
from takehome.handouts.errors import DecodeError, InputError

#: Larger than any single DICOM image file takehome is meant to print from.
MAX_DICOM_BYTES = 4 * 2**30

_PIXEL_KEYWORDS = ("PixelData", "FloatPixelData", "DoubleFloatPixelData")
#: Their tags: a header without these holds no image.
PIXEL_TAGS = frozenset({0x7FE00010, 0x7FE00008, 0x7FE00009})

#: Transfer syntaxes whose decoding needs an optional plugin, and the package that provides it.
_DECODER_PACKAGES: dict[str, str] = {
    "1.2.840.10008.1.2.4.50": "pylibjpeg-libjpeg (JPEG Baseline)",
    "1.2.840.10008.1.2.4.51": "pylibjpeg-libjpeg (JPEG Extended)",
    "1.2.840.10008.1.2.4.57": "pylibjpeg-libjpeg (JPEG Lossless)",
    "1.2.840.10008.1.2.4.70": "pylibjpeg-libjpeg (JPEG Lossless SV1)",
    "1.2.840.10008.1.2.4.80": "pyjpegls (JPEG-LS Lossless)",
    "1.2.840.10008.1.2.4.81": "pyjpegls (JPEG-LS Near-Lossless)",
    "1.2.840.10008.1.2.4.90": "pylibjpeg-openjpeg (JPEG 2000 Lossless)",
    "1.2.840.10008.1.2.4.91": "pylibjpeg-openjpeg (JPEG 2000)",
    "1.2.840.10008.1.2.5": "pylibjpeg-rle (RLE Lossless)",
}


@contextmanager
def quiet_pydicom() -> Iterator[None]:
    """Silence pydicom's warnings about fixable oddities of real files (not the user's to act on)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        yield


def has_pixels(ds: Dataset) -> bool:
    """True when the dataset carries image pixel data."""
    return any(keyword in ds for keyword in _PIXEL_KEYWORDS)


#: Datasets in use, by file identity: key images that share a file (frames of one multi-frame
#: ultrasound) share one read of it. Weak: a dataset leaves when the last build using it ends.
_IN_USE: weakref.WeakValueDictionary[tuple[str, int, int, int, int], Dataset] = weakref.WeakValueDictionary()
_IN_USE_LOCK = threading.Lock()


def read_dataset(path: str | os.PathLike[str]) -> Dataset:
    """Read a DICOM file that holds an image; raise InputError naming the file otherwise.

    A file already open elsewhere (same path, inode, size and modification time) is not read again:
    the same dataset is returned, so forty frames of one file cost one read, not forty.
    """
    path = _regular_file(path)
    info = path.stat()
    identity = (str(path.resolve()), info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns)
    with _IN_USE_LOCK:
        shared = _IN_USE.get(identity)
    if shared is not None:
        return shared
    ds = _read_image(path)
    with _IN_USE_LOCK:
        _IN_USE[identity] = ds
    return ds


def _read_image(path: Path) -> Dataset:
    try:
        with warnings.catch_warnings():
            # pydicom warns about fixable oddities of real files; they are not the user's to act on
            warnings.simplefilter("ignore", UserWarning)
            ds = _read(path)
    except InvalidDicomError:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)
                ds = pydicom.dcmread(path, force=True)
        except Exception:
            raise InputError(f"{path}: not a DICOM file") from None
        if "SOPClassUID" not in ds and not has_pixels(ds):
            raise InputError(f"{path}: not a DICOM file (no DICOM preamble or known elements)") from None
    except (OSError, EOFError, ValueError, TypeError, KeyError, IndexError) as exc:
        raise InputError(f"{path}: the DICOM file is damaged or truncated ({type(exc).__name__})") from None
    if not has_pixels(ds):
        raise InputError(f"{path}: holds no image (no Pixel Data); choose an image file")
    if "SOPInstanceUID" not in ds:
        raise InputError(f"{path}: has no SOP Instance UID, so it cannot be referenced")
    _check_image_module(path, ds)
    return ds


def _regular_file(path: str | os.PathLike[str]) -> Path:
    """``path`` checked (NUL, length, ``~user``) and naming an existing regular file of a sane size."""
    try:
        checked = check_path(path)
        info = checked.stat()
    except InputFileError as exc:
        raise InputError(str(exc)) from None
    except FileNotFoundError:
        raise InputError(f"{printable_path(path)}: no such file") from None
    except OSError as exc:
        raise InputError(f"{printable_path(path)}: cannot be read ({exc.strerror})") from None
    if not stat.S_ISREG(info.st_mode):
        raise InputError(f"{printable_path(path)}: not a regular file (a folder, device or pipe); "
                         "give a DICOM file")
    if info.st_size > MAX_DICOM_BYTES:
        raise InputError(f"{checked}: {info.st_size} bytes is more than takehome reads from one "
                         f"DICOM file ({MAX_DICOM_BYTES // 2**30} GB)")
    return checked


def _check_image_module(path: Path, ds: Dataset) -> None:
    """Rows, Columns, Samples per Pixel and bit depth present and sane, so decoding cannot trip."""
    with quiet_pydicom():
        for keyword, low, high in (("Rows", 1, 65535), ("Columns", 1, 65535), ("BitsAllocated", 1, 64),
                                   ("SamplesPerPixel", 1, 4)):
            try:
                value = ds.get(keyword)
                number = None if value is None or value == "" else int(value)
            except (TypeError, ValueError):
                number = None
            if keyword in ("Rows", "Columns") and number is None:
                raise InputError(f"{path}: the image has no {keyword}; the file is damaged "
                                 "or not an image")
            if number is not None and not low <= number <= high:
                raise InputError(f"{path}: {keyword} is {number}, outside {low} to {high}; "
                                 "the file is damaged")
        if "SOPInstanceUID" in ds:
            try:
                validate_uid(str(ds.SOPInstanceUID), "SOP Instance UID")
            except AnnotationError as exc:
                raise InputError(f"{path}: {exc}; the file is damaged") from None


def _read(path: Path) -> Dataset:
    ds = pydicom.dcmread(path)
    if not isinstance(ds, Dataset):
        raise InputError(f"{path}: not a DICOM image file (it is a DICOMDIR or unknown object)")
    return ds


def transfer_syntax(ds: Dataset) -> Any:
    """The dataset's transfer syntax UID (implicit little endian when the file meta lacks one)."""
    meta = getattr(ds, "file_meta", None)
    uid = meta.get("TransferSyntaxUID") if meta is not None else None
    if uid is None:
        is_little = getattr(ds, "original_encoding", (True, True))[1]
        implicit = getattr(ds, "original_encoding", (True, True))[0]
        if implicit:
            return pydicom.uid.ImplicitVRLittleEndian
        return pydicom.uid.ExplicitVRLittleEndian if is_little else pydicom.uid.ExplicitVRBigEndian
    return uid


def decode_error(path: str, ds: Dataset, exc: Exception) -> DecodeError:
    """Turn a pixel decoding failure into a message that names the file and the fix."""
    uid = transfer_syntax(ds)
    name = getattr(uid, "name", str(uid))
    text = str(exc)
    lowered = text.lower()
    if "less than expected" in lowered or "truncat" in lowered or (
        "length" in lowered and "pixel data" in lowered
    ):
        return DecodeError(f"{path}: the pixel data is truncated or damaged ({name})")
    package = _DECODER_PACKAGES.get(str(uid))
    if package is not None and ("plugin" in text.lower() or "decod" in text.lower()
                                or "missing" in text.lower()):
        return DecodeError(
            f"{path}: pixels are compressed as {name}; decoding needs {package}, "
            "which is not installed or failed: reinstall takehome's dependencies"
        )
    if isinstance(exc, NotImplementedError) or "not supported" in text.lower():
        return DecodeError(f"{path}: pixels are stored as {name}, which takehome cannot decode")
    return DecodeError(f"{path}: the image cannot be decoded ({name}: {text.splitlines()[0][:160]})")
