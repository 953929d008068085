"""The glossary data, finding its words in excerpts (whole words, plurals, case, accents), and the
"Words in your report" box with a department's additions."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from takehome.handouts.build import build_pdf_bytes, session_from_files
from takehome.handouts.errors import InputError
from takehome.handouts.glossary import builtin_glossary, glossary_for
from tests.handouts.templates.helpers import pdf_text, write_dicom


@pytest.mark.parametrize("language", ["en", "es"])
def test_glossary_is_big_complete_and_plain(language: str) -> None:
    glossary = builtin_glossary(language)
    assert len(glossary) >= 150
    ids = [e.id for e in glossary.entries]
    assert len(set(ids)) == len(ids)
    for entry in glossary.entries:
        sentences = [s for s in re.split(r"[.;:!?]\s*", entry.plain) if s.strip()]
        words = entry.plain.split()
        # short sentences of everyday words: a reading age of about 12
        assert 2 <= len(words) <= 30 and max(len(s.split()) for s in sentences) <= 22, entry
        assert entry.plain[0].isupper() and entry.plain.endswith("."), entry
    for term in ("nodule", "lesion", "effusion", "benign", "unremarkable", "attenuation"):
        assert glossary_for("en").find([term]), term


def test_every_english_word_has_a_spanish_entry() -> None:
    en = {e.id for e in builtin_glossary("en").entries}
    es = {e.id for e in builtin_glossary("es").entries}
    assert en == es


def terms(text: str, language: str = "en") -> list[str]:
    return [e.id for e in glossary_for(language).find([text])]


def test_whole_words_only() -> None:
    assert "normal" not in terms("The heart pumps normally.")
    assert "normal" not in terms("An abnormal shadow.")
    assert terms("An abnormal shadow.") == ["abnormal"]
    assert "mass" not in terms("Massive bleeding.") and "tear" not in terms("A tearful patient.")


def test_plurals_and_case() -> None:
    assert terms("Two NODULES and several Cysts.") == ["nodule", "cyst"]
    assert "metastasis" in terms("Multiple metastases in the liver.")
    assert "vertebra" in terms("Three vertebrae are crushed.")
    assert "bronchiectasis" not in terms("bronchi") and "bronchi" in terms("Bronchi are clear.")
    assert "lymph node" in terms("Enlarged lymph nodes.") and "enlarged" in terms("Enlarged lymph nodes.")
    assert terms("Bilateral Pleural Effusions.") == ["bilateral", "pleural effusion"]  # longest term wins


def test_spanish_words_accents_and_plurals() -> None:
    assert terms("Se ven dos nódulos y un quiste.", "es") == ["nodule", "cyst"]
    assert "nodule" in terms("NODULO pulmonar", "es")  # accents typed or not
    assert "lesion" in terms("Lesiones hepáticas.", "es")
    assert "pleural effusion" in terms("Derrames pleurales bilaterales.", "es")


def test_hyphens_and_spaces_are_the_same() -> None:
    assert "ground glass" in terms("A ground-glass opacity in the right lobe.")
    assert "follow-up" in terms("Follow up in 6 months.")


def test_words_box_on_the_handout_with_department_additions(tmp_path: Path) -> None:
    folder = tmp_path / "dept"
    folder.mkdir()
    (folder / "glossary.toml").write_text(
        '[en]\n"nodule" = "A small spot; our team checks it again in a few months."\n'
        '"tree-in-bud" = "A pattern of tiny spots, often from an infection."\n'
        '[es]\n"árbol en brote" = "Un patrón de manchas diminutas."\n', encoding="utf-8")
    (folder / "dept.toml").write_text('[glossary]\nfile = "glossary.toml"\n')
    path = write_dicom(tmp_path, "a.dcm")
    session = session_from_files([path], ["A 6 mm nodule with tree in bud change. Unremarkable otherwise."])
    data, _, _ = build_pdf_bytes(session, template=str(folder / "dept.toml"))
    text = " ".join(pdf_text(data).split())
    assert "Words in your report" in text
    assert "nodule A small spot; our team checks it again in a few months." in text  # overridden
    assert "tree-in-bud A pattern of tiny spots, often from an infection." in text  # added
    assert "unremarkable Normal. Nothing unusual was seen." in text  # built-in kept
    assert "A small, round spot or lump" not in text
    # the box follows the choice of the clinician: off means no box
    data, _, _ = build_pdf_bytes(session, template=str(folder / "dept.toml"), choices={"words_box": False})
    assert "Words in your report" not in pdf_text(data)


def test_bad_department_glossary_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "glossary.toml"
    bad.write_text('[fr]\n"nodule" = "x"\n')
    with pytest.raises(InputError, match=r"glossary.toml: table \[fr\].*no handout language 'fr'"):
        glossary_for("en", bad)
    bad.write_text('[en]\n"nodule" = 3\n')
    with pytest.raises(InputError, match=r"table \[en\] expects word = \"plain explanation\""):
        glossary_for("en", bad)


def _syllables(word: str) -> int:
    letters = re.sub(r"[^a-z]", "", word.lower())
    groups = len(re.findall(r"[aeiouy]+", letters))
    if letters.endswith("e") and groups > 1 and not letters.endswith("le"):
        groups -= 1
    return max(1, groups) if letters else 0


def test_english_explanations_read_at_age_12_or_younger() -> None:
    """Flesch-Kincaid grade of all explanations together: grade 7 is a reading age of about 12."""
    texts = [e.plain for e in builtin_glossary("en").entries]
    words = [w for t in texts for w in t.split()]
    sentences = sum(len([s for s in re.split(r"[.!?]+", t) if s.strip()]) for t in texts)
    grade = 0.39 * len(words) / sentences + 11.8 * sum(_syllables(w) for w in words) / len(words) - 15.59
    assert grade <= 7.0, grade


def test_merging_department_words_is_linear(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each word is folded a bounded number of times, however many the department adds."""
    import takehome.handouts.glossary as glossary

    base = glossary.builtin_glossary("en")
    terms = sum(len(e.terms) for e in base.entries)
    calls = 0
    real = glossary.fold

    def counting(text: str) -> str:
        nonlocal calls
        calls += 1
        return real(text)

    monkeypatch.setattr(glossary, "fold", counting)
    additions = {f"department word {n}": "plain" for n in range(2000)}
    additions["nodule"] = "A small lump."
    merged = base.with_additions(additions)
    assert calls <= terms + len(additions)
    assert len(merged) == len(base) + 2000
    assert next(e for e in merged.entries if "nodule" in e.terms).plain == "A small lump."
