"""The key image selection as a DICOM Key Object Selection document (TID 2010), built with highdicom.

Title (113007, DCM, "For Patient"); one IMAGE item per key image (with its frame for multi-frame
images); the excerpts the patient was given, as the Key Object Description.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

from highdicom.ko import KeyObjectSelection, KeyObjectSelectionDocument
from pydicom.dataset import Dataset
from pydicom.sr.codedict import codes

from takehome.handouts.dicom.errors import DicomExportError
from takehome.handouts.dicom.header import (
    MANUFACTURER,
    SERIES_NUMBER,
    evidence_view,
    new_uid,
    references_frames,
)
from takehome.handouts.prepare import LoadedImage

#: The Key Object Description is a TEXT item; past this length a viewer's text box stops being useful.
MAX_DESCRIPTION = 10240

FOR_PATIENT = codes.DCM.ForPatient


def describe_excerpts(excerpts: Sequence[Sequence[str]]) -> str:
    """The n-th image's excerpts under an "Image n:" heading; images without excerpts are skipped."""
    parts = []
    for number, texts in enumerate(excerpts, start=1):
        body = " ".join(t.strip() for t in texts if t.strip())
        if body:
            parts.append(f"Image {number}: {body}")
    text = "\n".join(parts)
    if len(text) > MAX_DESCRIPTION:
        text = text[: MAX_DESCRIPTION - 1].rstrip() + "…"
    return text


def study_of(loaded: Sequence[LoadedImage]) -> str:
    """The one study every key image belongs to (DICOM objects are filed in a single study)."""
    if not loaded:
        raise DicomExportError("session: it has no key images; mark at least one image")
    studies = {str(item.dataset.get("StudyInstanceUID", "")) for item in loaded}
    if "" in studies:
        raise DicomExportError("key image: an image has no Study Instance UID; it cannot be filed in a study")
    if len(studies) > 1:
        raise DicomExportError(f"session: the key images come from {len(studies)} different studies; "
                               "DICOM export files everything in one study, so export one study at a time")
    return studies.pop()


def key_object_selection(loaded: Sequence[LoadedImage], excerpts: Sequence[Sequence[str]] = (), *,
                         sop_instance_uid: str | None = None) -> Dataset:
    """A KOS document in the key images' study, referencing each key image and frame in order.

    ``excerpts[i]`` are the (de-identified) excerpts printed with the i-th key image.
    """
    study_of(loaded)
    views: dict[str, Dataset] = {}
    order: list[tuple[Dataset, int]] = []
    for item in loaded:
        uid = item.key_image.sop_instance_uid
        view = views.setdefault(uid, evidence_view(item.dataset))
        order.append((view, item.key_image.frame))
    description = describe_excerpts(excerpts) or None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # highdicom's advice on odd patient names
            content = KeyObjectSelection(
                document_title=FOR_PATIENT,
                referenced_objects=[view for view, _ in order],
                description=description,
            )
            # highdicom references whole instances: add the frame of multi-frame key images
            items = [i for i in content[0].ContentSequence if i.ValueType == "IMAGE"]
            for content_item, (view, frame) in zip(items, order, strict=True):
                if references_frames(view):
                    content_item.ReferencedSOPSequence[0].ReferencedFrameNumber = frame
            document = KeyObjectSelectionDocument(
                evidence=list(views.values()),
                content=content,
                series_instance_uid=new_uid(),
                series_number=SERIES_NUMBER["KO"],
                sop_instance_uid=sop_instance_uid or new_uid(),
                instance_number=1,
                manufacturer=MANUFACTURER,
                specific_character_set="ISO_IR 192",
            )
    except (ValueError, TypeError, AttributeError) as exc:
        raise DicomExportError(f"key object selection: cannot be built from these images ({exc})") from None
    document.SeriesDescription = "takehome key images for patient"
    return document
