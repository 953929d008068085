"""Resources grow with what is shown: key images sharing a multi-frame file share one read of it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pydicom
import pytest

from takehome.annotations.model import KeyImage, Session
from takehome.handouts import source
from takehome.handouts.build import build_pdf_bytes


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
