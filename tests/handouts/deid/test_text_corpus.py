"""The free-text corpus: no identifier leaks, no medical word is lost, no clean sentence is flagged."""

from __future__ import annotations

from takehome.handouts.deid.text import find_identifiers, scrub_text
from tests.handouts.deid.freetext_corpus import PATIENTS, Score, sentences


def test_corpus_is_large_and_bilingual() -> None:
    corpus = sentences()
    assert len(corpus) >= 300
    assert {s.language for s in corpus} == {"en", "es"}
    assert sum(len(s.identifiers) for s in corpus) >= 500
    assert sum(1 for s in corpus if not s.identifiers) >= 20  # clean sentences, for false refusals


def test_no_leak_no_lost_word_no_false_refusal() -> None:
    score = Score()
    problems: list[str] = []
    for sentence in sentences():
        removed = find_identifiers(sentence.text, sentence.patient.identifiers(), patterns=True)
        spans = [(r.start, r.end) for r in removed]
        problems += [f"{sentence.text!r}: {p}" for p in score.add(sentence, spans)]
    assert (score.leaked, score.lost, score.false_refusals) == (0, 0, 0), "\n".join(problems)


def test_scrubbed_text_keeps_the_medical_words_and_drops_the_identifiers() -> None:
    for sentence in sentences()[::7]:
        cleaned = scrub_text(sentence.text, sentence.patient.identifiers()).text
        for start, end in sentence.medical:
            assert sentence.text[start:end] in cleaned
        medical_words = " ".join(sentence.text[start:end] for start, end in sentence.medical)
        for start, end in sentence.identifiers:
            value = sentence.text[start:end]  # may also be a medical word of the sentence ("White matter")
            assert cleaned.count(value) <= medical_words.count(value)


def test_department_radiology_is_no_identifier() -> None:
    ids = PATIENTS[0].identifiers()
    assert "Radiology" in ids.phrases
    text = "From your radiology report: the Radiology department will explain."
    assert find_identifiers(text, ids, patterns=True) == []
