"""DICOM objects are validated before they are written; edge values still give valid objects."""

from __future__ import annotations

import warnings
from dataclasses import replace
from pathlib import Path

import pytest
from pydicom.dataset import Dataset

from takehome.annotations.model import Crop, Session, Window
from takehome.handouts.dicom import export_dicom
from takehome.handouts.dicom.errors import DicomExportError
from takehome.handouts.dicom.validate import check_dataset
from tests.handouts.dicom.conftest import Study, key
from tests.handouts.dicom.validators import dciodvfy_errors, dcmpschk_errors


@pytest.mark.parametrize("crop", [Crop(0, 0, 1, 1), Crop(79, 63, 1, 1), Crop(10.5, 3.25, 1, 1)])
def test_a_1x1_crop_and_extreme_windows_give_valid_objects(crop: Crop, study: Study, tmp_path: Path) -> None:
    image = key(study.ct1, 64, 80, crop=crop, window=Window(-1e9, 2e9))
    other = replace(key(study.ct2, 64, 80), window=Window(1e9, 1))
    export_dicom(Session(key_images=(image, other), title="Your scan: ½ size, ÿ"),
                 tmp_path / "out", pdf=b"%PDF-1.4\n%%EOF\n")
    for path in sorted((tmp_path / "out").iterdir()):
        assert dciodvfy_errors(path) == [], path.name
        if path.name.startswith("GSPS"):
            assert dcmpschk_errors(path) == [], path.name


@pytest.mark.parametrize("keyword, vr, value, words", [
    ("ContentDescription", "LO", "a\x1bb", "control character"),
    ("ContentLabel", "CS", "A" * 17, "at most 16"),
    ("TextValue", "UT", "line\x00", "control character"),
    ("WindowWidth", "DS", "1.000000000000001e+308", "longer than 16"),
    ("InstanceNumber", "IS", "2147483648", "outside"),
    ("Rows", "US", 70000, "outside"),
    ("GraphicData", "FL", [float("inf"), 1.0], "does not fit"),
])
def test_values_that_do_not_fit_their_vr_stop_the_export(keyword: str, vr: str, value: object,
                                                          words: str) -> None:
    ds = Dataset()
    inner = Dataset()
    with warnings.catch_warnings():  # pydicom warns on such values; the check must refuse them
        warnings.simplefilter("ignore", UserWarning)
        inner.add_new(keyword, vr, value)
    ds.ContentSequence = [inner]
    with pytest.raises(DicomExportError, match=words) as info:
        check_dataset(ds, "GSPS")
    assert f"ContentSequence[0].{keyword}" in str(info.value)


def test_multi_line_text_and_ordinary_values_pass() -> None:
    ds = Dataset()
    ds.TextValue = "First line.\r\nSecond\tline."
    ds.ContentDescription = "takehome handout: Ñandú"
    ds.WindowWidth = "400"
    check_dataset(ds, "KO")
