"""Handout languages: complete Babel catalogs, and a Spanish handout with no English fixed string left."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pypdf
import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

import takehome.handouts
from takehome.handouts.build import build_pdf_bytes, session_from_files
from takehome.handouts.cli import main
from takehome.handouts.errors import InputError
from takehome.handouts.glossary import builtin_glossary
from takehome.handouts.i18n import DOMAIN, LANGUAGES, locale_dir, translator
from tests.handouts.templates.helpers import pdf_text, write_dicom

KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}


def code_messages() -> set[str]:
    """Every translatable string in the handout code, extracted as ``scripts/update_catalogs.py`` does."""
    root = Path(takehome.handouts.__file__).resolve().parent
    return {message for _, _, message, _, _ in extract_from_dir(
        str(root), method_map=[("**.py", "python")], keywords=KEYWORDS) if isinstance(message, str)}


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_catalog_complete_and_compiled(language: str) -> None:
    folder = locale_dir() / language / "LC_MESSAGES"
    with (folder / f"{DOMAIN}.po").open("rb") as handle:
        po = read_po(handle, locale=language)
    with (folder / f"{DOMAIN}.mo").open("rb") as handle:
        mo = read_mo(handle)
    messages = code_messages()
    assert len(messages) >= 80
    translated = {m.id: m.string for m in po if m.id and m.string and not m.fuzzy}
    missing = messages - set(translated)
    assert not missing, f"{language}: untranslated (run scripts/update_catalogs.py): {sorted(missing)}"
    compiled = {m.id: m.string for m in mo if m.id}
    for message in messages:
        assert compiled.get(message) == translated[message], f"{language}: .mo out of date for {message!r}"
        # placeholders survive translation
        assert set(re.findall(r"{\w+}", translated[message])) == set(re.findall(r"{\w+}", message))
    if language == "en":
        assert all(translated[m] == m for m in messages)


def test_unknown_language_is_refused() -> None:
    with pytest.raises(InputError, match="no handout language 'fr'; available: en, es"):
        translator("fr")
    assert translator("es-ES").language == "es"


def spanish_session(tmp_path: Path) -> object:
    ct = write_dicom(tmp_path, "ct.dcm", rows=96, columns=128, modality="CT",
                     attributes={"ImageOrientationPatient": [1, 0, 0, 0, 1, 0], "BodyPartExamined": "CHEST"})
    us = write_dicom(tmp_path, "us.dcm", color=True, modality="US", spacing=None,
                     attributes={"BodyPartExamined": "ABDOMEN"})
    return session_from_files([ct, us], [
        "Hay un nódulo de 6 mm en el lóbulo superior derecho. Pequeño derrame pleural.",
        "Hígado de tamaño normal. Sin lesiones.",
    ])


def english_fixed_strings() -> list[str]:
    """The static parts (between placeholders) of every English fixed string, and glossary texts."""
    parts: list[str] = []
    for message in code_messages():
        parts += [p.strip() for p in re.split(r"{\w+}", message) if len(p.strip()) >= 4]
    parts += [e.plain for e in builtin_glossary("en").entries]
    return parts


@pytest.mark.parametrize("template", ["standard", "large-print", "compact"])
def test_spanish_handout_has_no_english_fixed_string(tmp_path: Path, template: str) -> None:
    session = spanish_session(tmp_path)
    data, _, _ = build_pdf_bytes(session, template=template, choices={"language": "es"})
    text = " ".join(pdf_text(data).split())
    for phrase in ("Imagen 1 de 2: Tomografía computarizada (TC) del tórax", "Ecografía del abdomen",
                   "De su informe", "Palabras de su informe", "Preguntas para su médico", "A quién llamar",
                   "Visto como si mirara desde sus pies hacia arriba: su lado izquierdo está a la derecha",
                   "Página 1 de", "Esta hoja no sustituye a su informe"):
        assert phrase in text, phrase
    # the Spanish glossary found the Spanish report's words
    for word in ("nódulo", "lóbulo", "derrame pleural", "lesión"):
        assert word in text, word
    leftovers = [p for p in english_fixed_strings() if re.search(rf"(?<!\w){re.escape(p)}(?!\w)", text)]
    assert not leftovers, leftovers
    for word in ("Picture", "Page", "report", "doctor", "Questions", "Words", "the "):
        assert not re.search(rf"\b{word}", text), word
    info = pypdf.PdfReader(io.BytesIO(data)).metadata or {}
    assert info.get("/Title") == "Hoja informativa de su prueba de imagen"


def test_fonts_are_embedded_so_accents_print(tmp_path: Path) -> None:
    data, _, _ = build_pdf_bytes(spanish_session(tmp_path), choices={"language": "es"})
    reader = pypdf.PdfReader(io.BytesIO(data))
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            if "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            else:
                descriptor = font.get("/FontDescriptor")
            fonts[str(font["/BaseFont"])] = descriptor is not None and "/FontFile2" in descriptor.get_object()
    assert fonts and all(fonts.values()), fonts  # every font carries its TrueType program
    assert any("DejaVu" in name for name in fonts)
    assert "ñ" in pdf_text(data) or "á" in pdf_text(data)


def test_cli_language_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dicom = write_dicom(tmp_path, "a.dcm")
    out = tmp_path / "es.pdf"
    assert main(["build", str(dicom), "--out", str(out), "--language", "es"]) == 0
    assert "Imagen 1 de 1" in pdf_text(out.read_bytes())
    with pytest.raises(SystemExit) as info:
        main(["build", str(dicom), "--out", str(out), "--language", "fr"])
    assert info.value.code == 2 and "invalid choice: 'fr'" in capsys.readouterr().err


def test_session_language_is_the_clinicians_choice(tmp_path: Path) -> None:
    from dataclasses import replace

    session = replace(session_from_files([write_dicom(tmp_path, "a.dcm")]), language="es")
    data, _, _ = build_pdf_bytes(session)
    assert "Imagen 1 de 1" in pdf_text(data)
    locked = tmp_path / "english-only.toml"
    locked.write_text('[clinician]\nlocked = ["language"]\n')
    with pytest.raises(InputError, match=r"template 'english-only' locks 'language' to 'en'.*asked for 'es'"):
        build_pdf_bytes(session, template=str(locked))
