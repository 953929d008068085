"""DICOM interoperability: key images and overlays in and out as standard objects, sent to PACS.

Out: a Key Object Selection document (``ko``), Grayscale/Color Softcopy Presentation States
(``pr``, ``graphics``), the handout as Encapsulated PDF (``encapsulated``), written by ``export``
and stored on a PACS by ``send``. In: ``read`` turns a study's KOS and presentation states into
key images and overlays.
"""

from __future__ import annotations

from takehome.handouts.dicom.errors import DicomExportError, DicomImportError, SendError
from takehome.handouts.dicom.export import DicomExport, dicom_objects, export_dicom, write_objects
from takehome.handouts.dicom.read import StudyObjects, apply_study, scan_folder, scan_study
from takehome.handouts.dicom.send import Peer, SendReport, collect_files, send_files

__all__ = [
    "DicomExport",
    "DicomExportError",
    "DicomImportError",
    "Peer",
    "SendError",
    "SendReport",
    "StudyObjects",
    "apply_study",
    "collect_files",
    "dicom_objects",
    "export_dicom",
    "scan_folder",
    "scan_study",
    "send_files",
    "write_objects",
]
