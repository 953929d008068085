"""The handout PDF as a DICOM Encapsulated PDF in the patient's study, for the record.

The DICOM header identifies the patient (it is filed in their study, copied from the key image);
the PDF inside is the de-identified handout exactly as the patient received it.
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Sequence

from highdicom.base import SOPClass
from pydicom.dataset import Dataset
from pydicom.uid import EncapsulatedPDFStorage, ExplicitVRLittleEndian

from takehome.handouts.dicom.errors import DicomExportError
from takehome.handouts.dicom.header import (
    MANUFACTURER,
    MODEL_NAME,
    SERIES_NUMBER,
    evidence_view,
    new_uid,
    software_version,
)

DOCUMENT_TITLE = "Patient handout"


def encapsulated_pdf(pdf: bytes, patient_image: Dataset, sources: Sequence[Dataset] = (), *,
                     title: str = DOCUMENT_TITLE, sop_instance_uid: str | None = None,
                     now: dt.datetime | None = None) -> Dataset:
    """An Encapsulated PDF Storage instance holding ``pdf``, filed in ``patient_image``'s study.

    ``sources`` are the key images the handout shows (Source Instance Sequence).
    """
    if not pdf.startswith(b"%PDF-"):
        raise DicomExportError("encapsulated PDF: the handout is not a PDF file (no %PDF- header)")
    view = evidence_view(patient_image)
    when = now or dt.datetime.now()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # highdicom's advice on odd patient names
        try:
            doc = SOPClass(
                study_instance_uid=view.StudyInstanceUID,
                series_instance_uid=new_uid(),
                series_number=SERIES_NUMBER["DOC"],
                sop_instance_uid=sop_instance_uid or new_uid(),
                sop_class_uid=EncapsulatedPDFStorage,
                instance_number=1,
                modality="DOC",
                manufacturer=MANUFACTURER,
                manufacturer_model_name=MODEL_NAME,
                software_versions=software_version(),
                transfer_syntax_uid=ExplicitVRLittleEndian,
                series_description="takehome patient handout",
                specific_character_set="ISO_IR 192",
                content_date=when.date(),
                content_time=when.time().replace(microsecond=0),
            )
            doc.copy_patient_and_study_information(view)
        except (ValueError, TypeError, AttributeError) as exc:
            raise DicomExportError(f"encapsulated PDF: cannot be filed in the study ({exc})") from None
    for keyword in ("PatientName", "PatientID", "PatientBirthDate", "PatientSex", "StudyDate",
                    "StudyTime", "ReferringPhysicianName", "StudyID", "AccessionNumber"):
        if keyword not in doc:
            setattr(doc, keyword, view.get(keyword))
    # SC Equipment: made on a workstation
    doc.ConversionType = "WSD"
    # Encapsulated Document module
    doc.AcquisitionDateTime = when.strftime("%Y%m%d%H%M%S")
    doc.BurnedInAnnotation = "NO"  # the PDF inside is de-identified
    doc.RecognizableVisualFeatures = "NO"
    doc.DocumentTitle = title[:64] or DOCUMENT_TITLE
    doc.ConceptNameCodeSequence = []
    doc.MIMETypeOfEncapsulatedDocument = "application/pdf"
    if sources:
        items = []
        seen: set[str] = set()
        for source in sources:
            uid = str(source.SOPInstanceUID)
            if uid in seen:
                continue
            seen.add(uid)
            item = Dataset()
            item.ReferencedSOPClassUID = source.SOPClassUID
            item.ReferencedSOPInstanceUID = uid
            items.append(item)
        doc.SourceInstanceSequence = items
    doc.EncapsulatedDocumentLength = len(pdf)
    doc.EncapsulatedDocument = pdf if len(pdf) % 2 == 0 else pdf + b"\x00"
    return doc


def pdf_from_dataset(ds: Dataset) -> bytes:
    """The PDF held by an Encapsulated PDF instance, without DICOM's padding byte."""
    data = bytes(ds.EncapsulatedDocument)
    length = ds.get("EncapsulatedDocumentLength")
    if length is not None:
        return data[: int(length)]
    return data[: data.rfind(b"%%EOF") + 5] if b"%%EOF" in data else data
