"""The core's study scanner: series, slice order (position, then Instance Number), frames, DICOMDIR."""

from __future__ import annotations

from pathlib import Path

import pydicom
import pytest
from pydicom.data import get_testdata_file
from pydicom.uid import generate_uid

from takehome.handouts.errors import InputError
from takehome.handouts.study import scan

from ..conftest import make_dataset  # noqa: TID252 (the shared fixtures module)


def _slice(folder: Path, name: str, series: str, number: int | None, z: float | None,
           orientation: tuple[float, ...] = (1, 0, 0, 0, 1, 0)) -> str:
    ds = make_dataset(8, 8)
    ds.StudyInstanceUID, ds.SeriesInstanceUID, ds.SeriesNumber = "1.2.3", series, 4
    if number is not None:
        ds.InstanceNumber = number
    if z is not None:
        ds.ImageOrientationPatient = list(orientation)
        ds.ImagePositionPatient = [0.0, 0.0, z]
    folder.mkdir(parents=True, exist_ok=True)
    ds.save_as(folder / name, enforce_file_format=True)
    return str(ds.SOPInstanceUID)


def _uids(found) -> list[str]:  # type: ignore[no-untyped-def]
    return [inst.sop_instance_uid for inst in found.series[0].instances]


def test_slices_follow_their_position_then_instance_number(tmp_path: Path) -> None:
    series = generate_uid()
    # file names, instance numbers and positions all disagree; two phases share the position 10
    spec = [("a", 5, 20.0), ("b", 1, 10.0), ("c", 4, -10.0), ("d", 2, 10.0), ("e", 3, 0.0)]
    uids = {name: _slice(tmp_path, name, series, number, z) for name, number, z in spec}
    found = scan([tmp_path])
    assert _uids(found) == [uids[n] for n in ("c", "e", "b", "d", "a")]
    assert found.series[0].slice_spacing_mm == pytest.approx(10.0)


def test_without_a_shared_geometry_the_instance_number_decides(tmp_path: Path) -> None:
    series = generate_uid()
    uids = {name: _slice(tmp_path, name, series, number, z) for name, number, z in
            [("x", 3, 5.0), ("y", 1, None), ("z", 2, -5.0)]}  # one slice lacks its position
    assert _uids(scan([tmp_path])) == [uids[n] for n in ("y", "z", "x")]
    tilted = tmp_path / "tilted"
    other = generate_uid()
    first = _slice(tilted, "p", other, 2, 0.0)
    second = _slice(tilted, "q", other, 1, 9.0, orientation=(0, 1, 0, 0, 0, -1))  # another plane
    assert _uids(scan([tilted])) == [second, first]


def test_series_frames_and_files_left_out(tmp_path: Path) -> None:
    series = generate_uid()
    _slice(tmp_path, "one.dcm", series, 1, None)
    cine = make_dataset(8, 10, frames=4)
    cine.StudyInstanceUID, cine.SeriesNumber = "1.2.3", 9
    cine.save_as(tmp_path / "cine.dcm", enforce_file_format=True)
    (tmp_path / "copy.dcm").write_bytes((tmp_path / "cine.dcm").read_bytes())  # the same instance again
    (tmp_path / "broken.dcm").write_bytes(b"\0" * 128 + b"DICM" + b"\x02\x00\x10\x00UI\xff")
    (tmp_path / "notes.txt").write_text("not an image")
    no_pixels = make_dataset(8, 8)
    del no_pixels.PixelData
    no_pixels.save_as(tmp_path / "report.dcm", enforce_file_format=True)
    found = scan([tmp_path])
    assert [s.number for s in found.series] == [4, 9]
    frames = [(i.path.name, frame) for i, frame in found.series[1].frames]
    assert frames == [("cine.dcm", f) for f in range(1, 5)]
    assert {s.file.name for s in found.skipped} == {"broken.dcm", "report.dcm"}
    assert all(s.file.name in s.reason for s in found.skipped)  # each reason names its file
    assert [p.name for p in found.ignored] == ["notes.txt"]


def test_a_dicomdir_opens_the_files_it_lists() -> None:
    dicomdir = Path(get_testdata_file("DICOMDIR", download=False))
    found = scan([dicomdir])
    listed = {str(r.ReferencedSOPInstanceUIDInFile) for r in pydicom.dcmread(dicomdir).DirectoryRecordSequence
              if "ReferencedSOPInstanceUIDInFile" in r}
    shown = {inst.sop_instance_uid for series in found.series for inst in series.instances}
    assert shown and shown <= listed
    assert {s.modality for s in found.series} >= {"CT", "MR"}


def test_bad_paths_say_what_is_wrong(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file or folder"):
        scan([tmp_path / "gone"])
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(InputError, match="holds no DICOM files"):
        scan([tmp_path])
    with pytest.raises(InputError, match="not a readable DICOM file"):
        scan([tmp_path / "notes.txt"])
    with pytest.raises(InputError, match="no file or folder given"):
        scan([])


def test_progress_counts_every_file_and_changes_nothing(tmp_path: Path) -> None:
    series = generate_uid()
    for name, number, z in [("a", 3, 5.0), ("b", 1, -5.0), ("c", 2, 0.0)]:
        _slice(tmp_path, name, series, number, z)
    (tmp_path / "notes.txt").write_text("not an image")
    seen: list[tuple[int, int]] = []
    found = scan([tmp_path], progress=lambda done, total: seen.append((done, total)))
    assert seen == [(1, 4), (2, 4), (3, 4), (4, 4)]
    assert found == scan([tmp_path])  # same series, same slice order, same files left out
