"""The takehome napari reader on synthetic studies and pydicom's own files (no viewer needed)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pydicom
import pytest
from napari.utils.notifications import notification_manager
from pydicom.data import get_testdata_file

from takehome.handouts.display import grey_values, render
from takehome.handouts.errors import InputError
from takehome.handouts.source import read_dataset
from takehome.handouts.study import folder_files
from takehome.plugin.host import ImageRef
from takehome.plugin.napari_host import metadata
from takehome.plugin.napari_host.reader import napari_get_reader, read_dicom
from tests.conftest import make_dataset
from tests.plugin.napari_host.conftest import SyntheticStudy

pytestmark = pytest.mark.napari


def _testdata(name: str) -> Path:
    path = get_testdata_file(name)
    assert path is not None, name
    return Path(path)


Layers = list[tuple[object, dict[str, object], str]]


def _by_name(layers: Layers) -> dict[str, tuple[object, dict[str, object]]]:
    return {str(kwargs["name"]): (data, kwargs) for data, kwargs, kind in layers if kind == "image"}


def test_claims_dicom_files_and_folders_only(study: SyntheticStudy, tmp_path: Path) -> None:
    assert napari_get_reader(str(study.folder)) is read_dicom
    assert napari_get_reader(str(study.axial_files_in_position_order[0])) is read_dicom  # no suffix, preamble
    assert napari_get_reader([str(study.cine_file), str(study.folder)]) is read_dicom
    assert napari_get_reader(str(study.folder / "README.txt")) is None
    pictures = tmp_path / "pictures"
    pictures.mkdir()
    (pictures / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 200)
    assert napari_get_reader(str(pictures)) is None
    assert napari_get_reader(str(tmp_path / "missing.dcm")) is None
    assert napari_get_reader([str(study.folder), str(study.folder / "README.txt")]) is None


def test_folder_opens_one_layer_per_series_sorted_along_the_slice_normal(study: SyntheticStudy) -> None:
    layers = _by_name(read_dicom(str(study.folder)))
    assert set(layers) == {"CT 3 Axial", "US 7"}
    data, kwargs = layers["CT 3 Axial"]
    stack = np.asarray(data)
    assert stack.shape == (5, 48, 64)
    refs = metadata.images(kwargs["metadata"])  # type: ignore[arg-type]
    assert [r.sop_instance_uid for r in refs] == list(study.axial_uids_in_position_order)
    assert [r.file for r in refs] == [str(p) for p in study.axial_files_in_position_order]
    assert all(r.frame == 1 for r in refs)
    assert metadata.study_uid(kwargs["metadata"]) == study.study_uid  # type: ignore[arg-type]
    # every slice holds the core's modality values (HU) of its file: the stack is in position order
    for index, path in enumerate(study.axial_files_in_position_order):
        grey = grey_values(read_dataset(path))
        assert grey is not None
        np.testing.assert_array_equal(stack[index], grey.values)
    means = [float(stack[i].mean()) for i in range(5)]
    assert means == sorted(means)  # brightness grows with z in the fixture
    assert kwargs["scale"] == pytest.approx((1.0, 0.7, 0.6))  # one slider step per slice
    assert kwargs["axis_labels"] == ("image", "row", "column")
    assert kwargs["rgb"] is False


def test_multiframe_instance_becomes_frames(study: SyntheticStudy) -> None:
    data, kwargs = _by_name(read_dicom(str(study.cine_file)))["US 7"]
    assert np.asarray(data).shape == (study.cine_frames, 32, 40, 3)
    assert kwargs["rgb"] is True
    refs = metadata.images(kwargs["metadata"])  # type: ignore[arg-type]
    assert refs == tuple(ImageRef(study.cine_uid, str(study.cine_file), f)
                         for f in range(1, study.cine_frames + 1))
    assert kwargs["scale"] == (1.0, 1.0, 1.0)  # no pixel spacing in the header


def test_pydicom_ultrasound_cine_and_single_ct() -> None:
    ybr = _testdata("examples_ybr_color.dcm")
    (data, kwargs, kind), = read_dicom(str(ybr))
    ds = pydicom.dcmread(ybr)
    assert kind == "image" and kwargs["rgb"] is True
    assert np.asarray(data).shape == (int(ds.NumberOfFrames), ds.Rows, ds.Columns, 3)
    refs = metadata.images(kwargs["metadata"])
    assert [r.frame for r in refs] == list(range(1, int(ds.NumberOfFrames) + 1))
    assert {r.sop_instance_uid for r in refs} == {ds.SOPInstanceUID}
    np.testing.assert_array_equal(np.asarray(data)[7], render(read_dataset(ybr), 8).pixels)

    ct = _testdata("CT_small.dcm")
    (data, kwargs, _), = read_dicom(str(ct))
    assert np.asarray(data).shape == (128, 128)  # a single image is a plain 2D layer
    assert metadata.images(kwargs["metadata"]) == (ImageRef(pydicom.dcmread(ct).SOPInstanceUID, str(ct), 1),)
    assert kwargs["scale"] == pytest.approx(tuple(float(v) for v in pydicom.dcmread(ct).PixelSpacing))


def test_pydicom_ct_series_folder_sorted_by_position() -> None:
    folder = _testdata("CT_small.dcm").parent / "dicomdirtests" / "77654033" / "CT2"
    (data, kwargs, _), = read_dicom(str(folder))
    refs = metadata.images(kwargs["metadata"])
    z = [float(pydicom.dcmread(r.file, stop_before_pixels=True).ImagePositionPatient[2]) for r in refs]
    assert z == sorted(z) and len(z) == len(os.listdir(folder)) == np.asarray(data).shape[0]


def test_a_dicomdir_opens_the_images_it_indexes() -> None:
    dicomdir = _testdata("CT_small.dcm").parent / "dicomdirtests" / "DICOMDIR"
    assert napari_get_reader(str(dicomdir)) is read_dicom
    notification_manager.records.clear()
    names = {str(kwargs["name"]) for _, kwargs, _ in read_dicom(str(dicomdir))}
    assert {"CT 2 Routine Brain", "CR 1 Cervical LAT", "MR 700 ANGIO Projected from   C"} <= names
    # the other DICOMDIR variants next to it are skipped silently; image-less DICOM files are reported
    messages = " ".join(str(n.message) for n in notification_manager.records)
    assert "DICOMDIR" not in messages


def test_damaged_and_duplicate_files_in_a_folder_are_reported_not_fatal(study: SyntheticStudy) -> None:
    broken = study.folder / "broken.dcm"
    broken.write_bytes(b"\0" * 128 + b"DICM" + b"\x02\x00\x10\x00UI\xff")
    copy = study.folder / "copy-of-cine.dcm"
    copy.write_bytes(study.cine_file.read_bytes())
    notification_manager.records.clear()
    layers = _by_name(read_dicom(str(study.folder)))
    assert set(layers) == {"CT 3 Axial", "US 7"}
    assert len(metadata.images(layers["US 7"][1]["metadata"])) == study.cine_frames  # type: ignore[arg-type]
    messages = [str(n.message) for n in notification_manager.records]
    assert len(messages) == 1 and "broken.dcm" in messages[0] and "1 file(s) were not opened" in messages[0]


def test_folder_without_images_says_so(tmp_path: Path) -> None:
    empty = tmp_path / "reports"
    empty.mkdir()
    (empty / "notes.txt").write_text("no images here")
    with pytest.raises(InputError, match="holds no DICOM files"):
        read_dicom(str(empty))
    no_pixels = make_dataset(8, 8)
    del no_pixels.PixelData
    no_pixels.save_as(empty / "report.dcm", enforce_file_format=True)
    with pytest.raises(InputError, match=r"none of the 1 DICOM files found could be shown.*no image"):
        read_dicom(str(empty))
    with pytest.raises(InputError, match="no such file or folder"):
        read_dicom(str(tmp_path / "gone"))


def test_several_files_chosen_together_form_their_series(study: SyntheticStudy) -> None:
    chosen = [str(study.axial_files_in_position_order[i]) for i in (3, 0, 2)]  # as a file dialog lists them
    (data, kwargs, _), = read_dicom(chosen)
    refs = metadata.images(kwargs["metadata"])
    assert [r.sop_instance_uid for r in refs] == [study.axial_uids_in_position_order[i] for i in (0, 2, 3)]
    assert np.asarray(data).shape == (3, 48, 64)


def test_relative_paths_are_kept_absolute(study: SyntheticStudy, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(study.folder)
    (_data, kwargs, _), = read_dicom("cine.dcm")
    assert {r.file for r in metadata.images(kwargs["metadata"])} == {str(study.cine_file)}


def test_series_split_when_image_sizes_differ(tmp_path: Path) -> None:
    series = pydicom.uid.generate_uid()
    for i, (rows, cols) in enumerate([(16, 16), (16, 16), (20, 24)]):
        ds = make_dataset(rows, cols)
        ds.SeriesInstanceUID = series
        ds.StudyInstanceUID = "1.2.3"
        ds.SeriesNumber = 2
        ds.InstanceNumber = i + 1
        ds.save_as(tmp_path / f"{i}.dcm", enforce_file_format=True)
    names = sorted(str(kwargs["name"]) for _, kwargs, _ in read_dicom(str(tmp_path)))
    assert names == ["CT 2 (16×16)", "CT 2 (20×24)"]


def _single(tmp_path: Path, name: str, **header: object) -> Path:
    ds = make_dataset(48, 64)
    for keyword, value in header.items():
        setattr(ds, keyword, value)
    path = tmp_path / name
    ds.save_as(path, enforce_file_format=True)
    return path


def test_monochrome1_opens_as_values_with_an_inverted_grey(tmp_path: Path) -> None:
    path = _single(tmp_path, "cr.dcm", PhotometricInterpretation="MONOCHROME1", Modality="CR")
    (data, kwargs, _), = read_dicom(str(path))
    assert kwargs["colormap"] == "gray_r" and kwargs["contrast_limits"] == (-160.0, 240.0)
    low, high = kwargs["contrast_limits"]  # type: ignore[misc]
    # what napari shows (values through its limits, white to black) is what the core prints
    on_screen = 255 * (1 - np.clip((np.asarray(data, dtype=float) - low) / (high - low), 0, 1))
    printed = render(read_dataset(path)).pixels.astype(float)
    assert np.abs(on_screen - printed).max() <= 1.5  # pydicom's LINEAR window is half a value off


def test_a_sigmoid_voi_keeps_display_pixels(tmp_path: Path) -> None:
    path = _single(tmp_path, "mr.dcm", VOILUTFunction="SIGMOID", Modality="MR")
    (data, kwargs, _), = read_dicom(str(path))
    assert np.asarray(data).dtype == np.uint8 and kwargs["contrast_limits"] == (0, 255)
    np.testing.assert_array_equal(np.asarray(data), render(read_dataset(path)).pixels)
    assert metadata.value_range(kwargs["metadata"]) is None  # type: ignore[arg-type]


def test_reading_a_folder_reports_progress_in_napari(make_napari_viewer, monkeypatch: pytest.MonkeyPatch,
                                                      study: SyntheticStudy) -> None:
    import napari.utils

    from takehome.plugin.napari_host import reader

    seen: list[tuple[int, int]] = []

    class Recorded(napari.utils.progress):  # type: ignore[misc]
        def update(self, n: int = 1) -> None:
            super().update(n)
            seen.append((int(self.n), int(self.total)))

    monkeypatch.setattr(reader, "PROGRESS_AFTER_S", 0.0)  # a small folder is read at once
    monkeypatch.setattr(reader, "_UPDATES_PER_S", 10**9)
    monkeypatch.setattr(napari.utils, "progress", Recorded)
    viewer = make_napari_viewer()
    viewer.open(str(study.folder), plugin="takehome")
    files = len(folder_files(study.folder))
    assert [done for done, _ in seen] == list(range(len(seen))) and seen[-1] == (files, files)
    assert not napari.utils.progress._all_instances  # closed when the reading is done
