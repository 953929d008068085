"""Writing a session as DICOM objects: each passes the standard's validators and says what it should."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pydicom
import pytest
from PIL import ImageCms
from pydicom.multival import MultiValue
from pypdf import PdfReader
from reportlab.pdfgen.canvas import Canvas

from takehome.annotations.model import Session
from takehome.handouts.dicom import DicomExportError, export_dicom
from takehome.handouts.dicom.encapsulated import pdf_from_dataset
from takehome.handouts.dicom.pr import srgb_profile
from tests.conftest import FAKE_PATIENT, make_dataset
from tests.handouts.dicom.conftest import Study
from tests.handouts.dicom.validators import dciodvfy_errors, dcmpschk_errors, dsrdump


def small_pdf(text: str = "Your scan results") -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, invariant=True)
    canvas.drawString(72, 720, text)
    canvas.save()
    return buffer.getvalue()


@pytest.fixture
def exported(study: Study, session_factory: Callable[[Study], Session], tmp_path: Path):
    session = session_factory(study)
    result = export_dicom(session, tmp_path / "out", pdf=small_pdf())
    return session, result


def by_kind(result, kind: str) -> list[Path]:
    return [f for f, k in zip(result.files, result.kinds, strict=True) if k == kind]


def test_one_of_each_object_is_written(exported) -> None:
    _, result = exported
    # one GSPS per image size (the CT slices, the multi-frame image), one CSPS, one KOS, one PDF
    assert sorted(result.kinds) == ["CSPS", "GSPS", "GSPS", "KO", "PDF"]
    assert all(f.is_file() and f.read_bytes()[128:132] == b"DICM" for f in result.files)
    assert not list(result.files[0].parent.glob(".*"))  # no temporary files left behind


def test_every_object_passes_dciodvfy(exported) -> None:
    _, result = exported
    for path in result.files:
        assert dciodvfy_errors(path) == [], path.name


def test_presentation_states_pass_dcmpschk(exported) -> None:
    _, result = exported
    for path in by_kind(result, "GSPS") + by_kind(result, "CSPS"):
        assert dcmpschk_errors(path) == [], path.name


def test_kos_is_for_patient_and_references_each_key_image_and_frame(exported) -> None:
    session, result = exported
    (path,) = by_kind(result, "KO")
    text = dsrdump(path)
    assert '"For Patient"' in text
    assert text.count("contains IMAGE") == len(session.key_images)
    assert "(SCw image,,2)" in text  # the multi-frame key image's frame
    ds = pydicom.dcmread(path)
    title = ds.ConceptNameCodeSequence[0]
    assert (title.CodeValue, title.CodingSchemeDesignator, title.CodeMeaning) == ("113007", "DCM",
                                                                                  "For Patient")
    assert ds.StudyInstanceUID == pydicom.dcmread(session.key_images[0].file).StudyInstanceUID
    refs = [i.ReferencedSOPSequence[0].ReferencedSOPInstanceUID for i in ds.ContentSequence
            if i.ValueType == "IMAGE"]
    assert refs == [k.sop_instance_uid for k in session.key_images]


def test_kos_description_holds_the_scrubbed_excerpts(exported) -> None:
    _, result = exported
    (path,) = by_kind(result, "KO")
    ds = pydicom.dcmread(path)
    (text,) = [i.TextValue for i in ds.ContentSequence if i.ValueType == "TEXT"]
    assert "Image 1: A small cyst" in text and "Image 3: The heart pumps normally." in text
    assert FAKE_PATIENT["PatientName"].split("^")[0] not in text


def test_gsps_has_one_layer_the_windows_and_the_crop(exported) -> None:
    session, result = exported
    states = [pydicom.dcmread(p) for p in by_kind(result, "GSPS")]
    for state in states:
        assert [layer.GraphicLayer for layer in state.GraphicLayerSequence] == ["TAKEHOME"]
    windows = {(float(v.WindowCenter), float(v.WindowWidth))
               for s in states for v in s.SoftcopyVOILUTSequence}
    assert windows == {(40.0, 400.0), (300.0, 1500.0), (1424.0, 100.0)}
    ds = next(s for s in states
              if s.DisplayedAreaSelectionSequence[0].DisplayedAreaBottomRightHandCorner[0] != 50)
    ct1 = session.key_images[0]
    area = next(a for a in ds.DisplayedAreaSelectionSequence
                if a.ReferencedImageSequence[0].ReferencedSOPInstanceUID == ct1.sop_instance_uid)
    assert list(area.DisplayedAreaTopLeftHandCorner) == [11, 6]
    assert list(area.DisplayedAreaBottomRightHandCorner) == [60, 45]
    kinds = [o.GraphicType for a in ds.GraphicAnnotationSequence for o in a.GraphicObjectSequence]
    assert {"POLYLINE", "ELLIPSE"} <= set(kinds)
    anchors = [t.AnchorPointVisibility for a in ds.GraphicAnnotationSequence
               for t in a.get("TextObjectSequence", [])]
    assert "Y" in anchors  # the arrow's label leads to the tip


def test_csps_carries_a_colour_space_icc_profile(exported) -> None:
    _, result = exported
    (path,) = by_kind(result, "CSPS")
    ds = pydicom.dcmread(path)
    profile = bytes(ds.ICCProfile)
    assert profile[12:16] == b"spac"  # DICOM accepts input or colour space profiles only
    loaded = ImageCms.ImageCmsProfile(io.BytesIO(profile)).profile
    assert loaded.device_class == "spac" and "sRGB" in loaded.profile_description
    assert len(profile) == len(srgb_profile())


def test_encapsulated_pdf_identifies_the_patient_and_holds_the_handout(exported) -> None:
    session, result = exported
    (path,) = by_kind(result, "PDF")
    ds = pydicom.dcmread(path)
    assert ds.PatientID == FAKE_PATIENT["PatientID"]
    assert ds.MIMETypeOfEncapsulatedDocument == "application/pdf"
    assert ds.BurnedInAnnotation == "NO"
    assert pdf_from_dataset(ds) == small_pdf()
    text = PdfReader(io.BytesIO(pdf_from_dataset(ds))).pages[0].extract_text()
    assert "Your scan results" in text
    sources = {s.ReferencedSOPInstanceUID for s in ds.SourceInstanceSequence}
    assert sources == {k.sop_instance_uid for k in session.key_images}


def test_key_images_of_two_patients_are_refused(study: Study, session_factory, tmp_path: Path) -> None:
    other = make_dataset()
    other.PatientID = "SOMEONE-ELSE"
    path = tmp_path / "other.dcm"
    other.save_as(path, enforce_file_format=True)
    from tests.handouts.dicom.conftest import key

    session = session_factory(study)
    session = session.with_images([*session.key_images, key(path, 64, 80)])
    with pytest.raises(DicomExportError, match="2 different patients"):
        export_dicom(session, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_a_file_in_place_of_the_folder_is_a_clear_error(study: Study, session_factory,
                                                          tmp_path: Path) -> None:
    target = tmp_path / "taken"
    target.write_text("x")
    with pytest.raises(DicomExportError, match="not a folder"):
        export_dicom(session_factory(study), target)


@pytest.mark.parametrize(("label", "charset"), [("plain", None), ("Läsion", "ISO_IR 100"),
                                                ("όγκος 肿块", "ISO_IR 192")])
def test_text_keeps_every_character_in_the_plainest_character_set(tmp_path: Path, label: str,
                                                                  charset: str | None) -> None:
    from takehome.annotations.model import Overlay, Point, ShapeKind, Window
    from tests.handouts.dicom.conftest import key

    ds = make_dataset()
    ds.SpecificCharacterSet = "ISO_IR 100"
    ds.PatientName = "Müller^Jürgen" if charset else "Miller^John"
    ds.PatientSex, ds.StudyID, ds.StudyTime = "M", "1", "120000"
    path = tmp_path / "image.dcm"
    ds.save_as(path, enforce_file_format=True)
    image = key(path, 64, 80, window=Window(40, 400), overlays=(
        Overlay(ShapeKind.TEXT, (Point(5, 30),), label),))
    result = export_dicom(Session(key_images=(image,)), tmp_path / "out")
    for path in result.files:
        written = pydicom.dcmread(path)
        assert str(written.PatientName) == str(ds.PatientName)
        assert dciodvfy_errors(path) == []
    (gsps,) = [f for f, k in zip(result.files, result.kinds, strict=True) if k == "GSPS"]
    assert pydicom.dcmread(gsps).get("SpecificCharacterSet") == charset  # the label decides
    text = pydicom.dcmread(gsps).GraphicAnnotationSequence[0].TextObjectSequence[0].UnformattedTextValue
    assert text == label
    errors = dcmpschk_errors(gsps)
    if charset == "ISO_IR 192":
        # dcmtk 3.6.7's VR checker cannot read UTF-8 ("does not support this Specific Character
        # Set") and flags the non-Latin label; nothing else may be reported
        affected = [e for e in errors if "Affected attribute" in e]
        assert affected and all("UnformattedTextValue" in e for e in affected), errors
    else:
        assert errors == []


def test_a_palette_colour_key_image_gets_a_kos_and_a_note_not_a_failure(tmp_path: Path) -> None:
    from dataclasses import replace

    from pydicom.data import get_testdata_file

    from takehome.annotations.model import Overlay, Point, ShapeKind
    from takehome.handouts.prepare import key_image_from_file

    image, _ = key_image_from_file(get_testdata_file("examples_palette.dcm"))
    image = replace(image, overlays=(Overlay(ShapeKind.LINE, (Point(1, 1), Point(20, 20)), "x"),))
    result = export_dicom(Session(key_images=(image,)), tmp_path / "out")
    assert result.kinds == ("KO",)
    (note,) = result.notes
    assert "PALETTE COLOR images get no presentation state" in note


@pytest.mark.parametrize(("sop_class", "items"), [
    ("1.2.840.10008.5.1.4.1.1.7.3", [[1], [2], [3]]),  # multi-frame IOD: one item per frame
    (None, [[]]),  # frames in a single-frame IOD: references name no frame, one item for the instance
])
def test_frames_of_one_grey_multiframe_file_share_one_presentation_state(
        tmp_path: Path, sop_class: str | None, items: list[list[int]]) -> None:
    """Three frames of one instance as key images (one with its own window) give one valid GSPS."""
    from takehome.annotations.model import Window
    from takehome.handouts.build import session_from_files

    ds = make_dataset(frames=3)
    if sop_class is not None:
        ds.SOPClassUID = ds.file_meta.MediaStorageSOPClassUID = sop_class
    path = tmp_path / "cine.dcm"
    ds.save_as(path, enforce_file_format=True)
    first, second, third = (session_from_files([path], frame=f).key_images[0] for f in (1, 2, 3))
    session = Session(key_images=(first, replace(second, window=Window(60.0, 300.0)), third))
    result = export_dicom(session, tmp_path / "out")
    (gsps,) = [pydicom.dcmread(f) for f in result.files if f.name.startswith("GSPS")]
    def frames(ref: pydicom.Dataset) -> list[int]:
        value = ref.get("ReferencedFrameNumber")
        values = [] if value is None else value if isinstance(value, MultiValue) else [value]
        return [int(f) for f in values]

    assert [[f for ref in item.ReferencedImageSequence for f in frames(ref)]
            for item in gsps.SoftcopyVOILUTSequence] == items
    assert not dciodvfy_errors(Path(gsps.filename))
