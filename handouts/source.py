"""Opening DICOM files for display, with errors that say which file and what to do."""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pydicom
from pydicom.dataset import Dataset
from pydicom.errors import InvalidDicomError

from takehome.handouts.errors import DecodeError, InputError

_PIXEL_KEYWORDS = ("PixelData", "FloatPixelData", "DoubleFloatPixelData")

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


def read_dataset(path: str | os.PathLike[str]) -> Dataset:
    """Read a DICOM file that holds an image; raise InputError naming the file otherwise."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
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
    return ds


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
