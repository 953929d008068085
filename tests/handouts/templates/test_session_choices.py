"""The clinician's handout settings saved in the session reach the build, and old session files still load."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from takehome.annotations.errors import AnnotationError
from takehome.annotations.model import Session
from takehome.handouts.build import build_pdf_bytes, choose_template, session_from_files
from takehome.handouts.errors import InputError

from .helpers import pdf_text, write_dicom


@pytest.fixture(autouse=True)
def no_user_templates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.delenv("TAKEHOME_DEPARTMENT_TEMPLATES", raising=False)


def test_choices_round_trip_and_old_files_load() -> None:
    session = Session(template="standard", language="es",
                      template_choices=(("large_print", True), ("images_per_page", 4)))
    assert session.template_choices == (("images_per_page", 4), ("large_print", True))  # sorted
    assert session.choices == {"images_per_page": 4, "large_print": True, "language": "es"}
    data = json.loads(json.dumps(session.to_dict()))
    assert data["template_choices"] == {"images_per_page": 4, "large_print": True}
    assert Session.from_dict(data) == session
    old = Session(template="standard").to_dict()
    assert "template_choices" not in old  # files without choices are unchanged
    assert Session.from_dict(old).template_choices == ()


@pytest.mark.parametrize(("choices", "message"), [
    ({"large_print": [1]}, r"template_choices\.large_print: expected text, a number or true/false, got list"),
    ({"language": "es"}, r"the language is session\.language"),
    ([1, 2], r"template_choices: expected a mapping|template_choices"),
])
def test_bad_choices_are_refused_with_their_name(choices: object, message: str) -> None:
    data = Session().to_dict()
    data["template_choices"] = choices
    with pytest.raises(AnnotationError, match=message):
        Session.from_dict(data)


def test_session_choices_change_the_handout(tmp_path: Path) -> None:
    session = session_from_files([write_dicom(tmp_path)])
    assert choose_template(session).images_per_page == 2
    chosen = replace(session, template="standard", language="es",
                     template_choices=(("images_per_page", 4), ("title", "Sus imágenes")))
    template = choose_template(chosen)
    assert (template.images_per_page, template.language) == (4, "es")
    data, _, _ = build_pdf_bytes(chosen)
    text = pdf_text(data)
    assert "Sus imágenes" in text and "Imagen 1 de 1" in text
    # an explicit choice still beats the session's
    assert choose_template(chosen, choices={"images_per_page": 1}).images_per_page == 1
    # the department's lock wins, with a message naming the setting
    locked = replace(session, template="large-print", template_choices=(("large_print", False),))
    with pytest.raises(InputError, match=r"locks 'large_print'"):
        build_pdf_bytes(locked)
    unknown = replace(session, template_choices=(("colour_scheme", "pink"),))
    with pytest.raises(InputError, match=r"setting 'colour_scheme': no such setting"):
        build_pdf_bytes(unknown)
