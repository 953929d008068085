"""Reading KOS and presentation states back: takehome -> DICOM -> takehome, and other software's objects."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pydicom
import pytest
from highdicom.ko import KeyObjectSelection, KeyObjectSelectionDocument
from highdicom.pr import (
    GraphicAnnotation,
    GraphicLayer,
    GraphicObject,
    GrayscaleSoftcopyPresentationState,
    TextObject,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydicom.sr.codedict import codes
from pydicom.uid import generate_uid

from takehome.annotations.model import KeyImage, Overlay, Point, Session, ShapeKind, Window
from takehome.handouts.dicom import apply_study, export_dicom, scan_folder, scan_study
from takehome.handouts.dicom.pr import presentation_state
from takehome.handouts.dicom.read import StudyImage, read_presentation_state, scan_beside
from takehome.handouts.prepare import LoadedImage
from tests.conftest import make_dataset
from tests.handouts.dicom.conftest import Study, key, write_study
from tests.handouts.dicom.validators import dciodvfy_errors

TOLERANCE = 0.5


def assert_same_overlays(expected: tuple[Overlay, ...], actual: tuple[Overlay, ...]) -> None:
    assert len(actual) == len(expected)
    for want, got in zip(expected, actual, strict=True):
        assert (got.kind, got.label, got.color.lower()) == (want.kind, want.label, want.color.lower())
        for p, q in zip(want.points, got.points, strict=True):
            assert abs(p.x - q.x) <= TOLERANCE and abs(p.y - q.y) <= TOLERANCE, (want, got)


def test_round_trip_gives_the_same_key_images_overlays_windows_and_crops(
        study: Study, session_factory: Callable[[Study], Session], tmp_path: Path) -> None:
    session = session_factory(study)
    export_dicom(session, study.folder / "takehome")
    found = scan_folder(study.folder)
    assert found.problems == ()
    (selection,) = found.selections
    assert selection.title == "For Patient"
    restored = apply_study(Session(), found)
    assert [k.key for k in restored.key_images] == [k.key for k in session.key_images]
    for want, got in zip(session.key_images, restored.key_images, strict=True):
        assert_same_overlays(want.overlays, got.overlays)
        assert [o.id for o in got.overlays] == [o.id for o in want.overlays]
        assert got.crop == want.crop
        if want.window is not None:
            assert got.window == want.window
        assert got.read_only_shapes == ()


def test_importing_twice_adds_nothing(study: Study, session_factory, tmp_path: Path) -> None:
    session = session_factory(study)
    export_dicom(session, study.folder / "takehome")
    found = scan_folder(study.folder)
    once = apply_study(session, found)
    assert once == apply_study(once, found)
    assert [len(k.overlays) for k in once.key_images] == [len(k.overlays) for k in session.key_images]


def test_a_kos_from_other_software_preselects_its_images(study: Study) -> None:
    images = [pydicom.dcmread(p) for p in (study.ct2, study.ct1)]
    content = KeyObjectSelection(document_title=codes.DCM.OfInterest, referenced_objects=images,
                                 description="Key images for the tumour board")
    kos = KeyObjectSelectionDocument(evidence=images, content=content,
                                     series_instance_uid=generate_uid(), series_number=50,
                                     sop_instance_uid=generate_uid(), instance_number=1,
                                     manufacturer="Other PACS")
    kos.save_as(study.folder / "kos.dcm", enforce_file_format=True)
    found = scan_folder(study.folder)
    (selection,) = found.selections
    assert (selection.title, selection.description) == ("Of Interest", "Key images for the tumour board")
    session = apply_study(Session(), found)
    assert [Path(k.file).name for k in session.key_images] == ["ct2.dcm", "ct1.dcm"]
    assert all((k.rows, k.columns) == (64, 80) for k in session.key_images)


def test_a_kos_naming_a_missing_image_is_reported_not_fatal(study: Study, tmp_path: Path) -> None:
    images = [pydicom.dcmread(study.ct1)]
    content = KeyObjectSelection(document_title=codes.DCM.ForPatient, referenced_objects=images)
    kos = KeyObjectSelectionDocument(evidence=images, content=content, series_instance_uid=generate_uid(),
                                     series_number=50, sop_instance_uid=generate_uid(), instance_number=1,
                                     manufacturer="Other PACS")
    folder = tmp_path / "partial"
    folder.mkdir()
    kos.save_as(folder / "kos.dcm", enforce_file_format=True)
    (folder / "broken.dcm").write_bytes(b"\x00" * 10)
    found = scan_folder(folder)
    assert any("broken.dcm" in p for p in found.problems)
    from takehome.handouts.dicom.read import key_images_for

    images_found, missing = key_images_for(found, found.selections[0])
    assert images_found == [] and "not among the study's image files" in missing[0]


def foreign_state(study: Study) -> GrayscaleSoftcopyPresentationState:
    """A GSPS as another viewer might write it: shapes takehome has, and some it has not."""
    image = pydicom.dcmread(study.ct1)
    layer = GraphicLayer("ANNOTATIONS", order=1)
    graphics = [
        GraphicObject("CIRCLE", np.array([[40.0, 30.0], [50.0, 30.0]]), "PIXEL"),
        GraphicObject("ELLIPSE", np.array([[10.0, 10.0], [30.0, 30.0], [25.0, 15.0], [15.0, 25.0]]), "PIXEL"),
        GraphicObject("POINT", np.array([[5.0, 6.0]]), "PIXEL"),
        GraphicObject("INTERPOLATED", np.array([[1.0, 1.0], [20.0, 5.0], [30.0, 20.0]]), "PIXEL"),
        GraphicObject("POLYLINE", np.array([[0.25, 0.5], [0.75, 0.5]]), "DISPLAY"),
        GraphicObject("POLYLINE", np.array([[60.0, 40.0], [70.0, 40.0], [70.0, 50.0], [60.0, 50.0],
                                            [60.0, 40.0]]), "PIXEL"),
    ]
    texts = [
        TextObject("tumour", "PIXEL", bounding_box=(50.0, 2.0, 75.0, 10.0), anchor_point=(45.0, 30.0),
                   anchor_point_visible=True),
        TextObject("note", "PIXEL", bounding_box=(2.0, 50.0, 20.0, 60.0)),
    ]
    annotation = GraphicAnnotation(referenced_images=[image], graphic_layer=layer,
                                   graphic_objects=graphics, text_objects=texts)
    return GrayscaleSoftcopyPresentationState(
        referenced_images=[image], series_instance_uid=generate_uid(), series_number=60,
        sop_instance_uid=generate_uid(), instance_number=1, manufacturer="Other viewer",
        manufacturer_model_name="viewer", software_versions="1", device_serial_number="1",
        content_label="MEASUREMENTS", graphic_annotations=[annotation], graphic_layers=[layer])


def test_other_software_shapes_become_overlays_or_read_only_shapes(study: Study, tmp_path: Path) -> None:
    foreign_state(study).save_as(study.folder / "gsps.dcm", enforce_file_format=True)
    found = scan_folder(study.folder)
    (annotations,) = found.annotations
    kinds = [(o.kind, o.label) for o in annotations.overlays]
    assert kinds == [(ShapeKind.ELLIPSE, ""), (ShapeKind.LINE, ""), (ShapeKind.RECTANGLE, ""),
                     (ShapeKind.ARROW, "tumour"), (ShapeKind.TEXT, "note")]
    circle, line, rectangle, arrow, note = annotations.overlays
    assert circle.points == (Point(30, 20), Point(50, 40))
    assert line.points == (Point(20, 32), Point(60, 32))  # DISPLAY units over the whole image
    assert rectangle.points == (Point(60, 40), Point(70, 50))
    assert arrow.points[1] == Point(45, 30)  # the visible anchor is the tip
    assert note.points == (Point(2, 60),)
    kept = [(s.graphic_type, len(s.points)) for s in annotations.read_only_shapes]
    assert kept == [("ELLIPSE", 4), ("POINT", 1), ("INTERPOLATED", 3)]  # rotated ellipse kept as is

    # kept shapes stay in the session and are written back, valid, in takehome's own state
    session = apply_study(Session(key_images=(key(study.ct1, 64, 80, window=Window(40, 400)),)), found)
    assert len(session.key_images[0].read_only_shapes) == 3
    result = export_dicom(session, tmp_path / "again")
    (gsps,) = [f for f, k in zip(result.files, result.kinds, strict=True) if k == "GSPS"]
    assert dciodvfy_errors(gsps) == []
    again = scan_study([study.ct1, gsps])
    assert again.annotations[0].read_only_shapes == session.key_images[0].read_only_shapes


# ------------------------------------------------------------------ property: any overlay round-trips

coordinate = st.floats(min_value=0, max_value=1, allow_nan=False)
label = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=0x24F, exclude_categories=("Cc",)),
                max_size=30).map(
    lambda t: " ".join(t.split()))


@st.composite
def overlays(draw: st.DrawFn, columns: int, rows: int) -> Overlay:
    kind = draw(st.sampled_from(list(ShapeKind)))
    count = 1 if kind is ShapeKind.TEXT else 2
    points = tuple(Point(round(draw(coordinate) * columns, 2), round(draw(coordinate) * rows, 2))
                   for _ in range(count))
    text = draw(label)
    if kind is ShapeKind.TEXT and not text.strip():
        text = "x"
    color = "#" + "".join(f"{draw(st.integers(0, 255)):02x}" for _ in range(3))
    return Overlay(kind, points, text, color)


@st.composite
def drawings(draw: st.DrawFn) -> tuple[int, int, list[Overlay]]:
    columns, rows = draw(st.integers(8, 600)), draw(st.integers(8, 600))
    return columns, rows, draw(st.lists(overlays(columns, rows), min_size=1, max_size=6))


@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(drawings())
def test_any_overlay_survives_the_presentation_state(drawing: tuple[int, int, list[Overlay]]) -> None:
    columns, rows, drawn = drawing
    ds = make_dataset(rows, columns)
    image = KeyImage(sop_instance_uid=str(ds.SOPInstanceUID), file="image.dcm", rows=rows,
                     columns=columns, window=Window(40, 400), overlays=tuple(drawn))
    state = presentation_state([LoadedImage(image, ds, Path("image.dcm"))])
    state = pydicom.dcmread(pydicom.filebase.DicomBytesIO(_bytes(state)))
    found, problems = read_presentation_state(
        state, {image.sop_instance_uid: StudyImage(Path("image.dcm"), image.sop_instance_uid, rows,
                                                   columns, 1)})
    assert problems == []
    (annotations,) = found
    assert_same_overlays(tuple(drawn), annotations.overlays)
    assert annotations.window == Window(40, 400)


def _bytes(ds: pydicom.Dataset) -> bytes:
    from takehome.handouts.dicom.header import dataset_bytes

    return dataset_bytes(ds)


@pytest.mark.parametrize("kind", [ShapeKind.ELLIPSE, ShapeKind.RECTANGLE, ShapeKind.LINE])
def test_degenerate_shapes_survive(kind: ShapeKind) -> None:
    ds = make_dataset(20, 30)
    overlay = Overlay(kind, (Point(5, 5), Point(5, 5)), "dot")
    image = KeyImage(sop_instance_uid=str(ds.SOPInstanceUID), file="i.dcm", rows=20, columns=30,
                     window=Window(40, 400), overlays=(overlay,))
    state = presentation_state([LoadedImage(image, ds, Path("i.dcm"))])
    found, _ = read_presentation_state(state, {image.sop_instance_uid: StudyImage(
        Path("i.dcm"), image.sop_instance_uid, 20, 30, 1)})
    assert_same_overlays((overlay,), found[0].overlays)


def test_scan_beside_finds_objects_next_to_the_images_of_this_study_only(study: Study, session_factory,
                                                                         tmp_path: Path) -> None:
    session = session_factory(study)
    export_dicom(session, study.folder)  # a PACS export: objects next to the images
    (study.folder / "README.txt").write_text("not DICOM")
    other_study = write_study(study.folder / "x")
    export_dicom(session_factory(other_study), study.folder)  # another study's objects, same folder
    uid = str(pydicom.dcmread(study.ct1, stop_before_pixels=True).StudyInstanceUID)
    found = scan_beside([study.ct1, study.colour], study_instance_uid=uid)
    assert found.problems == ()
    assert len(found.selections) == 1 and len(found.annotations) == 4
