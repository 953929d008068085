"""A session as DICOM objects next to its handout: KOS, presentation states, encapsulated PDF."""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydicom.dataset import Dataset

from takehome.annotations.input_file import InputFileError, check_path, printable_path
from takehome.annotations.model import Session
from takehome.handouts.deid import Identifiers, scrub_text
from takehome.handouts.dicom.encapsulated import encapsulated_pdf
from takehome.handouts.dicom.errors import DicomExportError
from takehome.handouts.dicom.header import narrowest_charset, write_dataset
from takehome.handouts.dicom.ko import key_object_selection
from takehome.handouts.dicom.pr import has_state, presentation_states
from takehome.handouts.dicom.validate import check_dataset
from takehome.handouts.errors import DeidentificationError
from takehome.handouts.prepare import LoadedImage, load_images

#: File name prefix of each kind of object, by SOP Class UID.
_PREFIX = {
    "1.2.840.10008.5.1.4.1.1.88.59": "KO",
    "1.2.840.10008.5.1.4.1.1.11.1": "GSPS",
    "1.2.840.10008.5.1.4.1.1.11.2": "CSPS",
    "1.2.840.10008.5.1.4.1.1.104.1": "PDF",
}


@dataclass(frozen=True, slots=True)
class DicomObject:
    """One object takehome writes: what it is and the dataset."""

    kind: str
    dataset: Dataset

    @property
    def file_name(self) -> str:
        return f"{self.kind}_{self.dataset.SOPInstanceUID}.dcm"


@dataclass(frozen=True, slots=True)
class DicomExport:
    """What was written: one file per object."""

    files: tuple[Path, ...]
    kinds: tuple[str, ...]
    #: what could not be written, for the user (e.g. drawings on a palette colour image)
    notes: tuple[str, ...] = ()

    def summary(self) -> str:
        counts: dict[str, int] = {}
        for kind in self.kinds:
            counts[kind] = counts.get(kind, 0) + 1
        return ", ".join(f"{n} {k}" for k, n in counts.items())


def _scrubbed_excerpts(loaded: Sequence[LoadedImage]) -> list[list[str]]:
    """Each key image's excerpts as printed on the handout (scrubbed of the header's identifiers)."""
    try:
        identifiers = Identifiers.union(Identifiers.from_dataset(item.dataset) for item in loaded)
    except Exception as exc:  # fail closed, as the handout does
        raise DeidentificationError(
            f"the header identifiers could not be read ({type(exc).__name__}); nothing was written"
        ) from None
    return [[scrub_text(e.text, identifiers).text for e in item.key_image.excerpts] for item in loaded]


def _by_study(loaded: Sequence[LoadedImage]) -> dict[str, list[LoadedImage]]:
    studies: dict[str, list[LoadedImage]] = {}
    for item in loaded:
        uid = str(item.dataset.get("StudyInstanceUID", ""))
        if not uid:
            raise DicomExportError(f"{item.path}: has no Study Instance UID; it cannot be filed in a study")
        studies.setdefault(uid, []).append(item)
    return studies


def dicom_objects(session: Session, loaded: Sequence[LoadedImage], pdf: bytes | None = None, *,
                  allow_multiple_patients: bool = False) -> list[DicomObject]:
    """All objects for a session: per study a KOS and the presentation states, and the PDF.

    The PDF is filed in the first key image's study. Key images of several patients are refused
    unless ``allow_multiple_patients`` (the bundled demo mixes sample images of several patients).
    """
    if not loaded:
        raise DicomExportError("session: it has no key images; mark at least one image")
    patients = {str(item.dataset.get("PatientID", "")) for item in loaded}
    if len(patients) > 1 and not allow_multiple_patients:
        raise DicomExportError(f"session: the key images belong to {len(patients)} different patients "
                               "(Patient ID differs); DICOM objects are filed in one patient's record")
    excerpts = _scrubbed_excerpts(loaded)
    objects: list[DicomObject] = []
    for items in _by_study(loaded).values():
        texts = [excerpts[loaded.index(item)] for item in items]
        objects.append(DicomObject("KO", key_object_selection(items, texts)))
        for state in presentation_states(items, title=session.title):
            objects.append(DicomObject(_PREFIX[str(state.SOPClassUID)], state))
    if pdf is not None:
        first = loaded[0].dataset
        sources = [item.dataset for item in loaded
                   if item.dataset.get("StudyInstanceUID") == first.get("StudyInstanceUID")]
        objects.append(DicomObject("PDF", encapsulated_pdf(pdf, first, sources)))
    return _finish(objects)


def _finish(objects: list[DicomObject]) -> list[DicomObject]:
    for obj in objects:
        narrowest_charset(obj.dataset)
        stable_uids(obj)
        check_dataset(obj.dataset, obj.kind)
    return objects


#: Value representations whose values change with the moment of writing, not with the content.
_MOMENT_VRS = frozenset({"DA", "TM", "DT"})
#: The namespace of takehome's content-derived UIDs (a fixed random UUID: never change it).
_UID_NAMESPACE = uuid.UUID("5d0b7c3e-8f0a-4d7e-9a55-2f1b6c4e9d21")


def stable_uids(obj: DicomObject) -> None:
    """Give the object SOP Instance and Series UIDs derived from its content.

    The same handout (same images, drawings, texts, PDF) gets the same UIDs whenever it is built or
    sent again, so a retry or a re-send never files it twice in a PACS; any change of content gives
    new UIDs, as DICOM requires of a changed instance. Dates and times are left out of the digest
    (they say when, not what).
    """
    ds = obj.dataset
    digest = hashlib.sha256()
    _feed(digest, ds, top=True)
    seed = digest.hexdigest()
    ds.SOPInstanceUID = content_uid(f"{obj.kind}/instance/{seed}")
    ds.SeriesInstanceUID = content_uid(f"{obj.kind}/series/{seed}")
    if getattr(ds, "file_meta", None) is not None:
        ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID


def content_uid(name: str) -> str:
    """A UID derived from ``name``: a name-based UUID (version 5) in the 2.25 form of PS3.5 B.2."""
    return f"2.25.{uuid.uuid5(_UID_NAMESPACE, name).int}"


def _feed(digest: Any, ds: Dataset, *, top: bool = False) -> None:
    """Hash every element's tag and value, nested items included, but not moments or own UIDs."""
    for element in ds:
        if element.VR in _MOMENT_VRS or (top and element.keyword in ("SOPInstanceUID", "SeriesInstanceUID")):
            continue
        digest.update(f"{element.tag}{element.VR}".encode())
        if element.VR == "SQ":
            for item in element.value or ():
                digest.update(b"<item>")
                _feed(digest, item)
            digest.update(b"</sq>")
        elif element.keyword == "ICCProfile":  # its header's creation date-time (bytes 24-35) is a moment
            digest.update(element.value[:24] + element.value[36:])
        elif isinstance(element.value, bytes):
            digest.update(element.value)
        else:
            digest.update(repr(element.value).encode("utf-8", "surrogatepass"))


def state_notes(loaded: Sequence[LoadedImage]) -> tuple[str, ...]:
    """Key images whose drawings and window no presentation state carries, said plainly."""
    return tuple(f"{item.path.name}: {item.dataset.get('PhotometricInterpretation', '?')} images get no "
                 "presentation state (its drawings and window stay in the handout only)"
                 for item in loaded if not has_state(item.dataset))


def write_objects(objects: Sequence[DicomObject], out_dir: str | os.PathLike[str],
                  notes: Sequence[str] = ()) -> DicomExport:
    """Write each object atomically into ``out_dir`` (created if needed)."""
    try:
        folder = check_path(out_dir)
        if folder.exists() and not folder.is_dir():
            raise DicomExportError(f"--dicom-out: {folder} exists and is not a folder")
    except InputFileError as exc:
        raise DicomExportError(f"--dicom-out: {exc}") from None
    except OSError as exc:
        raise DicomExportError(f"--dicom-out: {printable_path(out_dir)} cannot be used "
                               f"({exc.strerror or exc})") from None
    files = [write_dataset(obj.dataset, folder / obj.file_name) for obj in objects]
    return DicomExport(tuple(files), tuple(obj.kind for obj in objects), tuple(notes))


def export_dicom(session: Session, out_dir: str | os.PathLike[str], *, pdf: bytes | None = None,
                 base_dir: str | os.PathLike[str] | None = None,
                 allow_multiple_patients: bool = False) -> DicomExport:
    """Build and write the session's DICOM objects (and the handout ``pdf``, if given) into ``out_dir``."""
    loaded = load_images(session, base_dir)
    objects = dicom_objects(session, loaded, pdf, allow_multiple_patients=allow_multiple_patients)
    return write_objects(objects, out_dir, state_notes(loaded))
