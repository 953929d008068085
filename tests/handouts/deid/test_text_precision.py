"""Precision: ordinary words that are also the patient's name, clinical numbers, medical words after cues."""

from __future__ import annotations

import pytest

from takehome.annotations.model import Session
from takehome.handouts.deid import Identifiers, scrub_text
from takehome.handouts.deid.phi import find_phi
from takehome.handouts.deid.review import session_texts


def scrub(text: str, *names: str) -> str:
    return scrub_text(text, Identifiers(name_parts=frozenset(names))).text


@pytest.mark.parametrize(("names", "text"), [
    (("May", "White"), "A 2 cm white nodule. A small white spot may be a cyst."),
    (("May", "White"), "White matter changes are mild."),
    (("May", "White"), "May be related to the previous surgery."),
    (("William", "Long"), "A long segment of small bowel will need a follow-up."),
    (("Hope", "Wall"), "The gallbladder wall is thickened; there is hope of recovery."),
    (("Rose", "Page"), "See page 2 for the pictures. Page 1 of 2."),
    (("Peter", "Scan"), "Scan was performed after contrast; we will scan again."),
    (("Grace", "Will"), "The patient will return. Will need a repeat scan."),
    (("Luz", "Largo"), "Luz del colédoco normal. Eje largo del riñón."),
])
def test_ordinary_words_stay_where_not_used_as_a_name(names: tuple[str, ...], text: str) -> None:
    assert scrub(text, *names) == text


@pytest.mark.parametrize(("names", "text", "expected"), [
    (("May", "White"), "Seen with Mrs White today.", "Seen with Mrs [removed] today."),
    (("May", "White"), "May White attended.", "[removed] [removed] attended."),
    (("May", "White"), "White's results were explained.", "[removed]'s results were explained."),
    (("William", "Long"), "Explained to Mr Long and his wife.", "Explained to Mr [removed] and his wife."),
    (("Grace", "Will"), "Will was seen today.", "[removed] was seen today."),
    (("Grace", "Will"), "Thanks,\nWill", "Thanks,\n[removed]"),
])
def test_ordinary_words_go_where_used_as_a_name(names: tuple[str, ...], text: str, expected: str) -> None:
    assert scrub(text, *names) == expected


@pytest.mark.parametrize("text", [
    "BI-RADS 3 may be benign.",
    "Staging T2N0M0, pT1cN1aM0.",
    "Fractures of the 9/10/11 ribs.",
    "Nodes of 10-12-15 mm.",
    "Heparin 25000 International Units daily.",
    "Platelets 250000, viral load 1200000 copies/mL.",
    "Gleason 3+4, levels C5-C6 and L4-L5.",
    "Discussed with Urology; reviewed with MR Angiography; examined with Doppler.",
    "Referred by Oncology for Herceptin monitoring.",
    "Plaquetas 250000; carga viral 1200000 copias/mL.",
    "Comentado con Urología.",
    "MS plaques in the white matter; MR Angiography normal.",  # acronyms, not titles
])
def test_clinical_numbers_and_medical_words_stay(text: str) -> None:
    assert find_phi(text) == []


@pytest.mark.parametrize(("text", "value"), [
    ("Mary rang to ask about the results.", "Mary"),
    ("Olufemi Adeyemi will bring the films.", "Olufemi Adeyemi"),
    ("Results sent to Sarah Thompson.", "Sarah Thompson"),
    ("Su esposa María acudió.", "María"),
    ("Visto por la Dra. Fernández.", "Fernández"),
    ("Dr. Parkinson reviewed the films.", "Parkinson"),  # an eponym after a title is the person
    ("Referred by Dr. Doppler.", "Doppler"),
    ("MR SMITH attended.", "SMITH"),  # in capitals a title introduces a name in capitals
    ("Don Tomás Herrera acudió.", "Tomás Herrera"),
    ("Nacida el 17 de marzo de 1954.", "17 de marzo de 1954"),
    ("Born 17.III.1954.", "17.III.1954"),
    ("Seen in March 2021 and marzo de 2022.", "marzo de 2022"),
    ("Seen on the fifth of June 2024.", "fifth of June 2024"),
    ("Write to jane dot doe at example dot org.", "jane dot doe at example dot org"),
    ("Correo: ana punto ruiz arroba correo punto es.", "ana punto ruiz arroba correo punto es"),
    ("Lives at 12 Elm Street, Springfield.", "12 Elm Street, Springfield"),
    ("Vive en Calle Mayor 12, 3º B, Toledo.", "Calle Mayor 12, 3º B, Toledo"),
])
def test_identifiers_without_header_are_removed(text: str, value: str) -> None:
    cleaned = scrub_text(text, Identifiers()).text
    assert value not in cleaned and "[removed]" in cleaned


def test_header_dates_in_every_spelling() -> None:
    import datetime as dt

    ids = Identifiers(dates=frozenset({dt.date(1954, 3, 17)}))
    for text in ("17 de marzo de 1954", "17/03/1954", "March 17, 1954", "17.III.1954", "17 March 1954"):
        assert scrub_text(f"Born {text}.", ids, patterns=False).text == "Born [removed]."


def test_generic_department_is_not_an_identifier_but_the_institution_is() -> None:
    ids = Identifiers(phrases=frozenset({"Radiology", "Springfield General Hospital"}))
    text = "From your radiology report. Seen at Springfield General Hospital, then Springfield."
    assert scrub_text(text, ids, patterns=False).text == \
        "From your radiology report. Seen at [removed], then [removed]."


def test_review_lists_the_template_choice_title() -> None:
    choices = (("title", "Scan for May White"), ("large_print", True))
    session = Session(title="Results", template_choices=choices)
    assert list(session_texts(session)) == [("Title", "Results"), ("Handout title", "Scan for May White")]


@pytest.mark.parametrize(("text", "value"), [
    ("She moved from Glasgow last year.", "Glasgow"),
    ("Vive en Alcalá de Henares con su hija.", "Alcalá de Henares"),
    ("Results given to Okoro.", "Okoro"),
])
def test_places_and_people_after_a_cue(text: str, value: str) -> None:
    assert value not in scrub_text(text, Identifiers()).text


@pytest.mark.parametrize("text", ["Transferred from Radiology to CT.", "Results sent to Urology.",
                                  "She was told the CT is normal."])
def test_departments_after_a_cue_stay(text: str) -> None:
    assert find_phi(text) == []


@pytest.mark.parametrize(("text", "value"), [
    ("Kasia will bring the CD.", "Kasia"),
    ("Mei Chen interpreted for her.", "Mei Chen"),
    ("Lives at Carrer de Balmes 120, Barcelona.", "Balmes 120, Barcelona"),
    ("Vive en Girona y trabaja en Figueres.", "Figueres"),
])
def test_names_and_places_used_as_such(text: str, value: str) -> None:
    assert value not in scrub_text(text, Identifiers()).text


def test_an_initial_opening_the_text_goes_with_the_name() -> None:
    assert scrub("N. Ortega was informed.", "Nuria", "Ortega") == "[removed] [removed] was informed."


@pytest.mark.parametrize("text", ["A Hill Sachs lesion.", "Stage per Ann Arbor staging.",
                                  "Se ve una lesión de la sustancia blanca."])
def test_eponyms_and_grammar_words_stay(text: str) -> None:
    assert find_phi(text) == []


def test_title_case_is_no_evidence_of_a_name() -> None:
    assert scrub("Your Scan Results", "Peter", "Scan") == "Your Scan Results"
    assert scrub("Your Ultrasound Results for May White", "May", "White") == \
        "Your Ultrasound Results for [removed] [removed]"
