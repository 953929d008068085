"""Free-text identifiers the header does not know: found, removed, overridable; medical words stay."""

from __future__ import annotations

import pytest

from takehome.handouts.deid import Identifiers, scrub_text
from takehome.handouts.deid.phi import PhiKind, find_phi

NONE = Identifiers()


def kinds_and_texts(text: str) -> list[tuple[PhiKind, str]]:
    return [(s.kind, text[s.start:s.end]) for s in find_phi(text)]


@pytest.mark.parametrize(("text", "kind", "value"), [
    ("Seen by Dr. Blackwood today.", PhiKind.PERSON, "Blackwood"),
    ("Discussed with his wife Mary.", PhiKind.PERSON, "Mary"),
    ("Her daughter, Anne Smith, attended.", PhiKind.PERSON, "Anne Smith"),
    ("Reported by Dr. van der Berg.", PhiKind.PERSON, "van der Berg"),
    ("Electronically signed by: Chidi Okonkwo", PhiKind.PERSON, "Chidi Okonkwo"),
    ("Scan on 05/06/2024.", PhiKind.DATE, "05/06/2024"),
    ("Compared with 2023-11-30.", PhiKind.DATE, "2023-11-30"),
    ("Follow-up 5th of June 2025.", PhiKind.DATE, "5th of June 2025"),
    ("Seen on March 3, 2021.", PhiKind.DATE, "March 3, 2021"),
    ("A 92-year-old woman.", PhiKind.AGE, "92"),
    ("Patient aged 95.", PhiKind.AGE, "95"),
    ("Call 020 7946 0958 with questions.", PhiKind.PHONE, "020 7946 0958"),
    ("Fax +1 (555) 123-4567.", PhiKind.PHONE, "+1 (555) 123-4567"),
    ("Write to jane.doe@example.org.", PhiKind.EMAIL, "jane.doe@example.org"),
    ("See https://portal.example.com/results?id=7", PhiKind.URL, "https://portal.example.com/results?id=7"),
    ("Lives at 221B Baker Street.", PhiKind.ADDRESS, "221B Baker Street"),
    ("London NW1 6XE", PhiKind.POSTAL_CODE, "NW1 6XE"),
    ("Springfield, IL 62704", PhiKind.POSTAL_CODE, "62704"),
    ("MRN 4471902 on file.", PhiKind.RECORD_NUMBER, "4471902"),
    ("Accession no: RX-2024-000917.", PhiKind.RECORD_NUMBER, "RX-2024-000917"),
    ("Case 20240605123 reviewed.", PhiKind.RECORD_NUMBER, "20240605123"),
])
def test_identifier_patterns_are_found(text: str, kind: PhiKind, value: str) -> None:
    assert (kind, value) in kinds_and_texts(text)
    cleaned = scrub_text(text, NONE).text
    assert value not in cleaned and "[removed]" in cleaned


@pytest.mark.parametrize("text", [
    "A 12 mm nodule in the right upper lobe.",
    "T2 hyperintense lesion at C5-1 and L4-L5, 4 cm across.",
    "Parkinson's disease, Crohn's disease and a Baker's cyst.",
    "BP 120/80 mmHg, heart rate 72, 3.5 x 2.1 x 4 cm, 1.5T scanner, series 3 image 47.",
    "BI-RADS 4, TI-RADS 3, COVID-19, ICD-10, HbA1c 6.5%, T12-L1, S1, C2/C3.",
    "Ejection fraction 55-60%, nodule 4/5 mm, 10000 units of heparin, a 45-year-old man.",
    "The patient's mother has diabetes. Discussed with Patient and family.",
    "Follow-up imaging in 3 months is recommended.",
])
def test_medical_content_stays(text: str) -> None:
    assert find_phi(text) == []
    assert scrub_text(text, NONE).text == text


def test_override_keeps_one_item_and_reports_it() -> None:
    text = "Seen by Dr. House on 05/06/2024."
    result = scrub_text(text, NONE, keep=["House"])
    assert result.text == "Seen by Dr. House on [removed]."
    assert [text[r.start:r.end] for r in result.kept] == ["House"]
    assert len(result.removals) == 1


def test_header_match_inside_a_pattern_is_removed_whole() -> None:
    ids = Identifiers(phrases=frozenset({"Baker Street"}))
    result = scrub_text("Lives at 221B Baker Street now.", ids)
    assert result.text == "Lives at [removed] now."


def test_times_only_when_asked() -> None:
    assert find_phi("at 14:32") == []
    assert [s.kind for s in find_phi("at 14:32:05 PM", times=True)] == [PhiKind.TIME]


@pytest.mark.parametrize("text", [
    "A 12 mm nodule seen by Dr. Blackwood.", "3 small cysts in segment 4 drain well", "2 lesions at St",
])
def test_measurements_before_a_title_are_not_addresses(text: str) -> None:
    assert PhiKind.ADDRESS not in {s.kind for s in find_phi(text)}
