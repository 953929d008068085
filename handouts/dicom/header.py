"""What every takehome DICOM object shares: identity of the software, UIDs, series, safe writing."""

from __future__ import annotations

import io
from importlib import metadata
from pathlib import Path

from highdicom._standard_utils import is_multiframe_image
from pydicom.dataset import Dataset
from pydicom.uid import generate_uid

from takehome.annotations.session_file import write_atomic
from takehome.handouts.dicom.errors import DicomExportError
from takehome.handouts.source import PIXEL_TAGS

MANUFACTURER = "takehome"
MODEL_NAME = "takehome handouts"
DEVICE_SERIAL = "1"

#: Series numbers of the objects takehome adds to a study (one series per modality).
SERIES_NUMBER = {"KO": 9901, "PR": 9902, "DOC": 9903}

#: Type 2 attributes of the patient/study modules that highdicom reads from the evidence.
_TYPE2_EMPTY = ("PatientID", "PatientName", "PatientBirthDate", "PatientSex", "AccessionNumber",
                "StudyID", "StudyDate", "StudyTime", "ReferringPhysicianName")


def software_version() -> str:
    """takehome's installed version (for Software Versions)."""
    try:
        return metadata.version("takehome")
    except metadata.PackageNotFoundError:
        return "0"


def new_uid() -> str:
    """A fresh random UID (2.25 form via pydicom)."""
    return str(generate_uid(prefix=None))


def evidence_view(ds: Dataset) -> Dataset:
    """The image's header without its pixels, with empty type 2 patient/study attributes added.

    highdicom reads those attributes unconditionally; real images sometimes omit them.
    """
    view = Dataset()
    for element in ds:
        if element.tag not in PIXEL_TAGS:
            view.add(element)
    for keyword in _TYPE2_EMPTY:
        if keyword not in view:
            setattr(view, keyword, None)
    for keyword in ("StudyInstanceUID", "SeriesInstanceUID", "SOPClassUID", "SOPInstanceUID"):
        if keyword not in view:
            raise DicomExportError(f"key image: its header has no {keyword}, so it cannot be referenced "
                                   "from a DICOM object")
    return view


def references_frames(ds: Dataset) -> bool:
    """True when references to ``ds`` name a frame: a multi-frame IOD holding more than one frame."""
    try:
        frames = int(ds.get("NumberOfFrames") or 1)
        return frames > 1 and bool(is_multiframe_image(ds))
    except (TypeError, ValueError, AttributeError, KeyError):
        return False


_TEXT_VRS = {"AE", "CS", "LO", "LT", "PN", "SH", "ST", "UC", "UT"}


def _texts(ds: Dataset) -> list[str]:
    values: list[str] = []
    for element in ds:
        if element.VR == "SQ":
            for item in element.value:
                values.extend(_texts(item))
        elif element.VR in _TEXT_VRS and element.value is not None:
            items = element.value if element.VM > 1 else [element.value]
            values.extend(str(v) for v in items)
    return values


def narrowest_charset(ds: Dataset) -> None:
    """Use the plainest Specific Character Set that holds every text of ``ds``: none (ASCII), Latin-1,
    else UTF-8. Validators check values fully only in the first two."""
    texts = _texts(ds)
    try:
        for text in texts:
            text.encode("ascii")
        charset: str | None = None
    except UnicodeEncodeError:
        try:
            for text in texts:
                text.encode("latin-1")
            charset = "ISO_IR 100"
        except UnicodeEncodeError:
            charset = "ISO_IR 192"
    if charset is None:
        if "SpecificCharacterSet" in ds:
            del ds.SpecificCharacterSet
    else:
        ds.SpecificCharacterSet = charset


def dataset_bytes(ds: Dataset) -> bytes:
    """The dataset as a DICOM Part 10 file (preamble, file meta, dataset)."""
    buffer = io.BytesIO()
    ds.save_as(buffer, enforce_file_format=True)
    return buffer.getvalue()


def write_dataset(ds: Dataset, path: Path) -> Path:
    """Write ``ds`` as a DICOM file at ``path`` atomically (all or nothing)."""
    try:
        write_atomic(path, dataset_bytes(ds))
    except OSError as exc:
        raise DicomExportError(f"{path}: cannot write the DICOM object ({exc.strerror or exc}); "
                               "check the folder exists and is writable") from None
    return path
