"""Baseline de-identification: the patient's own header values never reach the handout's text."""

from __future__ import annotations

import datetime as dt

import pytest

from takehome.handouts.deid import Identifiers, scrub_text
from takehome.handouts.deid.text import date_spellings
from tests.conftest import make_dataset

IDS = Identifiers.from_dataset(make_dataset())


@pytest.mark.parametrize("text", [
    "Eleanor Blackwood", "BLACKWOOD, ELEANOR", "blackwood eleanor maud", "Mrs Blackwood's scan",
    "Eléanor Blackwood",
])
def test_name_parts_in_any_order_or_case(text: str) -> None:
    result = scrub_text(text, IDS)
    assert "blackwood" not in result.text.lower() and "eleanor" not in result.text.lower()
    assert "[removed]" in result.text


@pytest.mark.parametrize("text", ["MRN-4471902", "mrn 4471902", "MRN4471902", "acc99120734",
                                  "ACC 9912 0734"])
def test_ids_with_or_without_separators(text: str) -> None:
    result = scrub_text(f"Ref {text}.", IDS)
    assert "4471902" not in result.text.replace(" ", "") and "9912" not in result.text


@pytest.mark.parametrize("written", ["19470312", "1947-03-12", "12/03/1947", "03/12/1947", "12.3.1947",
                                     "12 March 1947", "March 12, 1947", "12th Mar 1947", "12-Mar-1947"])
def test_birth_date_in_usual_formats(written: str) -> None:
    result = scrub_text(f"Born {written}, seen today.", IDS)
    assert written not in result.text
    assert result.text.startswith("Born [removed]")


def test_medical_content_and_other_numbers_stay() -> None:
    text = "A 12 mm nodule in the right upper lobe, 4.4 cm from the pleura, series 3 image 47."
    assert scrub_text(text, IDS).text == text


def test_removals_carry_no_values() -> None:
    result = scrub_text("Eleanor", IDS)
    assert "Eleanor" not in repr(result.removals)
    assert "Blackwood" not in repr(IDS)


def test_date_spellings_cover_words_and_numbers() -> None:
    spellings = date_spellings(dt.date(2001, 2, 3))
    assert {"20010203", "03/02/2001", "02/03/2001", "3 february 2001", "feb 3, 2001"} <= spellings
