"""Loading templates: every built-in one, and one test per validation error (file, key, expectation)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from takehome.handouts.errors import InputError
from takehome.handouts.pdf.fonts import bundled_font_path
from takehome.handouts.templates import (
    LARGE_PRINT_MIN,
    ExcerptPosition,
    PageSize,
    Section,
    builtin_names,
    load_template_file,
    resolve_template,
)
from takehome.handouts.templates.logo import MAX_LOGO_BYTES
from tests.handouts.templates.helpers import write_png


def write(folder: Path, text: str, name: str = "dept.toml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def error_of(path: Path) -> str:
    with pytest.raises(InputError) as info:
        load_template_file(path)
    message = str(info.value)
    assert str(path) in message, message  # every error names the file
    return message


def test_builtins_load_and_standard_is_the_default() -> None:
    names = builtin_names()
    assert {"standard", "large-print"} <= set(names)
    for name in names:
        template = resolve_template(name)
        assert template.name == name and template.description
    default = resolve_template(None)
    assert default.name == "standard" and default.page_size is PageSize.A4
    assert resolve_template("Large print").name == "large-print"  # the spelling works too
    large = resolve_template("large print")
    assert large.large_print and large.effective_body_size >= LARGE_PRINT_MIN
    assert resolve_template("standard").effective_body_size < LARGE_PRINT_MIN


def test_a_full_template_loads(tmp_path: Path) -> None:
    write_png(tmp_path / "logo.png", 300, 100)
    (tmp_path / "words.toml").write_text('[en]\n"tree-in-bud" = "A pattern of small spots."\n')
    path = write(tmp_path, """
description = "Cardiology"
language = "es"
[department]
name = "Cardiología"
logo = "logo.png"
logo_height_mm = 12
[page]
size = "Letter"
margin_mm = 20
[fonts]
family = "serif"
body_size = 12
[colours]
accent = "#7a0019"
[layout]
images_per_page = 4
excerpt = "beside"
sections = ["mandatory", "images", "contact"]
[glossary]
file = "words.toml"
[text]
title = "Sus imágenes"
questions = ["¿Y ahora?"]
[text.en]
title = "Your pictures"
[clinician]
may_change = ["title"]
""")
    t = load_template_file(path)
    assert t.name == "dept" and t.language == "es" and t.department == "Cardiología"
    assert t.logo == (tmp_path / "logo.png").resolve() and t.page_size is PageSize.LETTER
    assert t.images_per_page == 4 and t.excerpt_position is ExcerptPosition.BESIDE
    assert t.sections == (Section.MANDATORY, Section.IMAGES, Section.CONTACT)
    assert t.wording().title == "Sus imágenes" and t.wording("en").title == "Your pictures"
    assert t.wording("es").questions == ("¿Y ahora?",)
    # the Spanish [text] is never printed on an English handout; the built-in English words are
    assert t.wording("en").questions[0] == "What do these results mean for me?"
    assert t.is_locked("language") and not t.is_locked("title") and t.is_locked("images_per_page")


@pytest.mark.parametrize(("toml", "expected"), [
    ('colour = "red"\n', "unknown key 'colour'"),
    ('[page]\nsize = "A4"\nwidth = 210\n', "unknown key 'page.width'"),
    ('[text]\nfooter = "x"\n', "unknown key 'text.footer'"),
    ('[page]\nmargin_mm = "16"\n', "key 'page.margin_mm' expects a number"),
    ('[layout]\nimages_per_page = 2.0\n', "key 'layout.images_per_page' expects a whole number"),
    ('[fonts]\nlarge_print = "yes"\n', "key 'fonts.large_print' expects true or false"),
    ('[text]\nquestions = "Why?"\n', "key 'text.questions' expects a list of strings"),
    ('page = "A4"\n', "key 'page' expects a table"),
    ('[page]\nsize = "A5"\n', "page_size must be one of A4, Letter"),
    ('[layout]\nimages_per_page = 3\n', "images_per_page must be 1, 2 or 4"),
    ('[layout]\nexcerpt = "above"\n', "excerpt_position must be one of below, beside"),
    ('[layout]\nsections = ["intro", "images"]\n', "sections must include mandatory"),
    ('[layout]\nsections = ["images", "mandatory", "gallery"]\n', "gallery"),
    ('[fonts]\nbody_size = 40\n', "body_size must be 8..24"),
    ('[fonts]\nlarge_print_size = 12\n', "large_print_size must be 14..28"),
    ('[colours]\naccent = "blue"\n', "accent must be a colour like '#1f4e79'"),
    ('language = "fr"\n', "no handout language 'fr'"),
    ('[clinician]\nmay_change = ["colour"]\n', "'clinician.may_change' has unknown setting(s) colour"),
    ('[clinician]\nmay_change = ["title"]\nlocked = ["title"]\n', "both in 'clinician.may_change'"),
    ('[page\nsize = "A4"\n', "not valid TOML"),
    (f'[text]\nmandatory = ["{"x" * 1001}"]\n', "key 'text.mandatory' is too long"),
])
def test_each_validation_error_names_file_key_and_expectation(tmp_path: Path, toml: str,
                                                               expected: str) -> None:
    message = error_of(write(tmp_path, toml))
    assert expected in message, message


def test_logo_missing(tmp_path: Path) -> None:
    message = error_of(write(tmp_path, '[department]\nlogo = "logo.png"\n'))
    assert "key 'department.logo'" in message and "not found" in message


def test_logo_not_an_image(tmp_path: Path) -> None:
    (tmp_path / "logo.png").write_text("this is not a picture")
    message = error_of(write(tmp_path, '[department]\nlogo = "logo.png"\n'))
    assert "key 'department.logo'" in message and "not a readable PNG" in message


def test_logo_of_another_format_or_extension(tmp_path: Path) -> None:
    from PIL import Image

    Image.new("RGB", (64, 64)).save(tmp_path / "logo.png", format="JPEG")
    assert "not a PNG" in error_of(write(tmp_path, '[department]\nlogo = "logo.png"\n'))
    Image.new("RGB", (64, 64)).save(tmp_path / "logo.gif")
    assert "must be a .png or .svg" in error_of(write(tmp_path, '[department]\nlogo = "logo.gif"\n'))


def test_logo_too_big_in_bytes_and_in_pixels(tmp_path: Path) -> None:
    big = tmp_path / "big.png"
    big.write_bytes(b"\x89PNG" + os.urandom(MAX_LOGO_BYTES + 10))
    message = error_of(write(tmp_path, '[department]\nlogo = "big.png"\n'))
    assert "key 'department.logo'" in message and "at most 2 MB" in message
    write_png(tmp_path / "wide.png", 5000, 40)
    message = error_of(write(tmp_path, '[department]\nlogo = "wide.png"\n'))
    assert "5000x40 pixels" in message


def test_svg_logo_accepted_and_external_references_refused(tmp_path: Path) -> None:
    (tmp_path / "logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40">'
        '<rect width="120" height="40" fill="#1f4e79"/></svg>')
    template = load_template_file(write(tmp_path, '[department]\nlogo = "logo.svg"\n'))
    assert template.logo is not None and template.logo.suffix == ".svg"
    (tmp_path / "evil.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="9" '
        'height="9"><image xlink:href="file:///etc/passwd" width="9" height="9"/></svg>')
    assert "must be self-contained" in error_of(write(tmp_path, '[department]\nlogo = "evil.svg"\n'))


@pytest.mark.parametrize("reference", ["../logo.png", "sub/../../logo.png", "/tmp/logo.png"])
def test_paths_escaping_the_template_folder_are_refused(tmp_path: Path, reference: str) -> None:
    inner = tmp_path / "templates"
    inner.mkdir()
    write_png(tmp_path / "logo.png", 100, 40)
    message = error_of(write(inner, f'[department]\nlogo = "{reference}"\n'))
    assert "key 'department.logo'" in message and "escapes the template's folder" in message


def test_symlink_escaping_the_template_folder_is_refused(tmp_path: Path) -> None:
    inner = tmp_path / "templates"
    inner.mkdir()
    write_png(tmp_path / "outside.png", 100, 40)
    (inner / "logo.png").symlink_to(tmp_path / "outside.png")
    assert "escapes the template's folder" in error_of(write(inner, '[department]\nlogo = "logo.png"\n'))


def test_fonts_must_come_in_pairs_and_be_truetype(tmp_path: Path) -> None:
    shutil.copy(bundled_font_path("DejaVuSerif.ttf"), tmp_path / "good.ttf")
    message = error_of(write(tmp_path, '[fonts]\nregular = "good.ttf"\n'))
    assert "'fonts.regular' and 'fonts.bold' go together" in message
    (tmp_path / "a.ttf").write_text("not a font")
    message = error_of(write(tmp_path, '[fonts]\nregular = "a.ttf"\nbold = "a.ttf"\n'))
    assert "key 'fonts.regular'" in message and "not a usable TrueType font" in message


def test_templates_are_data_only(tmp_path: Path) -> None:
    """Text that looks like code or format fields is printed as written, never evaluated."""
    title = "{__import__('os').getcwd()} %(x)s"
    path = write(tmp_path, f'[text]\ntitle = "{title}"\n')
    assert load_template_file(path).wording().title == title


def test_unknown_name_lists_what_exists() -> None:
    with pytest.raises(InputError, match=r"no template of that name \(available: .*standard"):
        resolve_template("nonexistent-template")
    with pytest.raises(InputError, match="template cannot be read \\(no such file\\)"):
        resolve_template("/nowhere/dept.toml")

