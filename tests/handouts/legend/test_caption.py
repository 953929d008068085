"""Captions in plain words from Modality and Body Part Examined only, in the handout's language."""

from __future__ import annotations

from takehome.handouts.caption import describe
from tests.conftest import FAKE_PATIENT, make_dataset


def test_plain_captions_in_english_and_spanish() -> None:
    ds = make_dataset(modality="CT")
    ds.BodyPartExamined = "CHEST"
    assert describe(ds) == "CT scan of the chest"
    assert describe(ds, "es") == "Tomografía computarizada (TC) del tórax"
    ds.Modality, ds.BodyPartExamined = "MR", "L SPINE"
    assert describe(ds) == "MRI scan of the lower back spine"
    ds.Modality, ds.BodyPartExamined = "US", "ABDOMEN_PELVIS"
    assert describe(ds, "es") == "Ecografía del abdomen y la pelvis"
    ds.Modality = "XYZ"
    del ds.BodyPartExamined
    assert describe(ds) == "Medical image" and describe(ds, "es") == "Imagen médica"


def test_caption_never_carries_header_text() -> None:
    """A body part that is free text (here the patient's name typed by mistake) is simply left out."""
    ds = make_dataset(modality="DX")
    ds.BodyPartExamined = "BLACKWOOD"
    ds.StudyDescription = FAKE_PATIENT["PatientName"]
    assert describe(ds) == "X-ray"
