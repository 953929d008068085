"""Matching on normalised text: invisible characters, apostrophes, transliteration, compounds, typos."""

from __future__ import annotations

import pytest

from takehome.handouts.deid import Identifiers, scrub_text
from takehome.handouts.deid.normalise import name_key, normalise


def test_normalised_positions_map_back_to_the_original() -> None:
    text = "Mu\u00adller\u200b’s ﬁle — ok"
    norm = normalise(text)
    assert norm.text == "Muller's file - ok"
    start = norm.text.index("file")
    assert text[slice(*norm.original(start, start + 4))] == "ﬁle"
    assert text[slice(*norm.original(0, 6))] == "Mu\u00adller"


@pytest.mark.parametrize(("a", "b"), [
    ("Müller", "Mueller"), ("Müller", "MULLER"), ("Søren", "Soeren"), ("Søren", "Soren"),
    ("Łukasz", "Lukasz"), ("O'Brien", "OBrien"), ("Ødegaard", "Odegaard"), ("Strauß", "Strauss"),
])
def test_name_keys_ignore_spelling_variants(a: str, b: str) -> None:
    assert name_key(a) == name_key(b)


@pytest.mark.parametrize(("header", "text"), [
    ("Müller", "Seen with Mr Mueller today."),
    ("Mueller", "Seen with Mr Müller today."),
    ("Ødegaard", "Seen with Odegaard today."),
    ("Kowalczyk", "Reviewed for Łucja Kowalczyk."),
    ("Lukasz", "Reviewed for Łukasz."),
    ("O'Brien", "Ms O’Brien attended."),
    ("Blackwood", "Ms Black\u00adwood attended."),
    ("Blackwood", "Ms Black\u200bwood attended."),
    ("García-López", "Sra. López attended, and García."),
    ("Blackwood", "Ms Blackwod attended."),  # a typo
    ("Fernández", "Seen with Fernandes."),
])
def test_header_names_are_found_however_written(header: str, text: str) -> None:
    result = scrub_text(text, Identifiers(name_parts=frozenset({header})))
    assert result.removals, text
    stem = header[:3].casefold()
    assert stem not in result.text.casefold().replace("[removed]", "")


def test_removal_replaces_the_original_characters() -> None:
    text = "Ms Black\u00adwood attended."
    assert scrub_text(text, Identifiers(name_parts=frozenset({"Blackwood"}))).text == "Ms [removed] attended."


def test_nicknames_and_initials_of_the_patient() -> None:
    ids = Identifiers(name_parts=frozenset({"William", "Blackwood"}))
    cleaned = scrub_text("Bill rang, then W. Blackwood came.", ids).text
    assert cleaned == "[removed] rang, then [removed] [removed] came."
