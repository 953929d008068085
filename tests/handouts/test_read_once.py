"""Resources grow with what is shown: key images sharing a multi-frame file share one read of it."""

from __future__ import annotations

import gc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pydicom
import pytest
from pydicom.dataset import Dataset
from reportlab.lib.utils import ImageReader

from takehome.annotations.model import KeyImage, Session
from takehome.handouts import build, source
from takehome.handouts.build import build_pdf_bytes, make_handout
from takehome.handouts.dicom.export import dicom_objects


def test_frames_of_one_file_are_read_once_per_build(dicom_file: Callable[..., Path],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    path = dicom_file("cine.dcm", rows=32, columns=40, frames=12, modality="US")
    reads: list[str] = []
    real = pydicom.dcmread

    def counting(target: object, *args: object, **kwargs: object) -> object:
        reads.append(str(target))
        return real(target, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(source.pydicom, "dcmread", counting)
    uid = str(real(path, stop_before_pixels=True).SOPInstanceUID)
    images = tuple(KeyImage(uid, str(path), 32, 40, frame=n) for n in range(1, 11))
    data, info, _ = build_pdf_bytes(Session(key_images=images), redact="none")
    assert data.startswith(b"%PDF") and len(info.images) == 10
    assert len(reads) == 1, reads


def test_a_changed_file_is_read_again(dicom_file: Callable[..., Path]) -> None:
    path = dicom_file("a.dcm", rows=16, columns=16)
    first = source.read_dataset(path)
    assert source.read_dataset(path) is first  # in use: shared
    other = dicom_file("a.dcm", rows=20, columns=16)  # rewritten in place: a new file
    assert int(source.read_dataset(other).Rows) == 20


def _alive(kind: type) -> list[Any]:
    gc.collect()
    return [o for o in gc.get_objects() if isinstance(o, kind)]


def _cine_session(dicom_file: Callable[..., Path], frames: int) -> Session:
    path = dicom_file("cine.dcm", rows=48, columns=64, frames=frames, modality="US")
    uid = str(pydicom.dcmread(path, stop_before_pixels=True).SOPInstanceUID)
    return Session(key_images=tuple(KeyImage(uid, str(path), 48, 64, frame=n) for n in range(1, frames + 1)))


def test_no_file_pixel_data_stays_in_memory_through_the_layout(dicom_file: Callable[..., Path],
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    cine = _cine_session(dicom_file, 6).key_images
    others = []
    for name in ("ct.dcm", "mr.dcm"):
        path = dicom_file(name, rows=32, columns=32)
        uid = str(pydicom.dcmread(path, stop_before_pixels=True).SOPInstanceUID)
        others.append(KeyImage(uid, str(path), 32, 32))
    session = Session(key_images=(*cine, *others))
    files = {str(Path(image.file)) for image in session.key_images}
    held: list[int] = []
    real = build.render_pdf

    def with_pixels() -> int:
        """Datasets of this session's files that still hold their pixel data (other tests' aside)."""
        return sum(1 for ds in _alive(Dataset) if str(getattr(ds, "filename", "")) in files
                   and source.has_pixels(ds))

    def counting(*args: Any, **kwargs: Any) -> Any:
        held.append(with_pixels())
        return real(*args, **kwargs)

    monkeypatch.setattr(build, "render_pdf", counting)
    handout = make_handout(session, redact="none")
    assert held == [0]
    assert with_pixels() == 0
    # the headers kept are enough for the DICOM objects (one grey state per file)
    objects = dicom_objects(handout.session, [handout.loaded[0], *handout.loaded[6:]], handout.pdf)
    assert objects


def test_the_layout_keeps_no_decoded_picture(dicom_file: Callable[..., Path]) -> None:
    before = len(_alive(ImageReader))
    data, info, _ = build_pdf_bytes(_cine_session(dicom_file, 4), redact="none")
    assert len(info.images) == 4 and data.startswith(b"%PDF")
    assert len(_alive(ImageReader)) == before
