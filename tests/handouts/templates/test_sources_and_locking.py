"""Where templates come from (department beats user beats built-in), locking, and the command line."""

from __future__ import annotations

import io
from pathlib import Path

import pypdf
import pytest

from takehome.handouts.build import build_pdf_bytes, session_from_files
from takehome.handouts.cli import main
from takehome.handouts.errors import InputError
from takehome.handouts.templates import (
    DEPARTMENT_ENV,
    SETTINGS,
    LockedSettingError,
    TemplateSource,
    available,
    department_folder,
    resolve_template,
    user_folder,
)
from tests.handouts.templates.helpers import pdf_text, write_dicom


@pytest.fixture
def folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path, Path]:
    """Fresh user data/config folders (XDG) and a department folder, none set yet."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv(DEPARTMENT_ENV, raising=False)
    user = user_folder()
    user.mkdir(parents=True)
    department = tmp_path / "network-share" / "templates"
    department.mkdir(parents=True)
    return user, department, tmp_path / "config" / "takehome"


def test_user_folder_is_under_the_platform_data_dir(folders: tuple[Path, Path, Path], tmp_path: Path
                                                    ) -> None:
    user, _, _ = folders
    assert user == tmp_path / "data" / "takehome" / "templates"


def test_department_beats_user_beats_builtin(folders: tuple[Path, Path, Path],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    user, department, _ = folders
    assert resolve_template("standard").source is TemplateSource.BUILTIN
    (user / "standard.toml").write_text('description = "mine"\n[page]\nmargin_mm = 20\n')
    chosen = resolve_template("standard")
    assert chosen.source is TemplateSource.USER and chosen.description == "mine"
    (department / "standard.toml").write_text('description = "dept"\n[page]\nmargin_mm = 25\n')
    monkeypatch.setenv(DEPARTMENT_ENV, str(department))
    chosen = resolve_template("standard")
    assert chosen.source is TemplateSource.DEPARTMENT and chosen.margin_mm == 25
    assert available()["standard"].path == department / "standard.toml"
    assert resolve_template("large-print").source is TemplateSource.BUILTIN  # untouched names stay


def test_department_folder_from_config_file(folders: tuple[Path, Path, Path]) -> None:
    _, department, config = folders
    assert department_folder() is None
    config.mkdir(parents=True)
    (config / "config.toml").write_text(f'department_templates = "{department}"\n')
    (department / "cardiology.toml").write_text('description = "Cardiology"\n')
    assert department_folder() == department
    assert resolve_template("cardiology").source is TemplateSource.DEPARTMENT


def test_unreachable_department_folder_is_a_clear_error(folders: tuple[Path, Path, Path],
                                                        monkeypatch: pytest.MonkeyPatch,
                                                        tmp_path: Path) -> None:
    monkeypatch.setenv(DEPARTMENT_ENV, str(tmp_path / "unplugged-drive"))
    with pytest.raises(InputError, match=f"environment variable {DEPARTMENT_ENV}.*does not exist"):
        resolve_template("standard")


def test_locked_settings_refuse_changes_open_ones_accept() -> None:
    large = resolve_template("large-print")
    assert large.is_locked("large_print") and large.is_locked("images_per_page")
    assert not large.is_locked("language")
    with pytest.raises(LockedSettingError, match="locks 'images_per_page' to 1"):
        large.with_choices({"images_per_page": 4})
    with pytest.raises(LockedSettingError, match="locks 'large_print'"):
        large.with_choices({"large_print": False})
    assert large.with_choices({"images_per_page": 1}) is large  # repeating the template's value is fine
    spanish = large.with_choices({"language": "es"})
    assert spanish.language == "es" and large.language == "en"
    standard = resolve_template("standard").with_choices({"images_per_page": 4, "excerpt": "beside"})
    assert standard.images_per_page == 4 and standard.excerpt_position == "beside"
    with pytest.raises(InputError, match="no such setting"):
        standard.with_choices({"accent": "#000000"})


def test_settings_table_for_the_plugin() -> None:
    states = {s.key: s for s in resolve_template("large-print").settings()}
    assert set(states) == set(SETTINGS)
    assert states["large_print"].locked and states["large_print"].value is True
    assert not states["title"].locked and states["title"].value == "Your imaging results"


def test_department_can_lock_the_language(tmp_path: Path, folders: tuple[Path, Path, Path]) -> None:
    path = tmp_path / "spanish-only.toml"
    path.write_text('language = "es"\n[clinician]\nlocked = ["language"]\n')
    dicom = write_dicom(tmp_path, "a.dcm")
    out = tmp_path / "x.pdf"
    assert main(["build", str(dicom), "--out", str(out), "--template", str(path), "--language", "en"]) == 2
    assert not out.exists()
    assert main(["build", str(dicom), "--out", str(out), "--template", str(path)]) == 0
    assert "Imagen 1 de 1" in pdf_text(out.read_bytes())


def test_layout_choices_change_the_pages(tmp_path: Path) -> None:
    files = [write_dicom(tmp_path, f"{i}.dcm") for i in range(4)]
    session = session_from_files(files)
    for template, choices, pages in (("large-print", {}, [1, 2, 3, 4]), ("standard", {}, [1, 1, 2, 2]),
                                     ("standard", {"images_per_page": 4}, [1, 1, 1, 1])):
        data, _, _ = build_pdf_bytes(session, template=template, choices=choices)
        texts = [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages]
        found = [next(i + 1 for i, t in enumerate(texts) if f"Picture {n} of 4" in t) for n in (1, 2, 3, 4)]
        assert found == pages, (template, choices)


def test_cli_templates_list_and_check(folders: tuple[Path, Path, Path], tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str],
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    user, department, _ = folders
    (user / "standard.toml").write_text('description = "my own standard"\n')
    (department / "standard.toml").write_text('description = "the department standard"\n')
    monkeypatch.setenv(DEPARTMENT_ENV, str(department))
    assert main(["templates", "list"]) == 0
    out = capsys.readouterr().out
    assert "large-print" in out and "the department standard" in out
    assert out.count("(hidden by the department template)") == 2  # built-in and user standard
    good = tmp_path / "good.toml"
    good.write_text('[layout]\nimages_per_page = 4\n[clinician]\nlocked = ["images_per_page"]\n')
    assert main(["templates", "check", str(good)]) == 0
    out = capsys.readouterr().out
    assert "OK" in out and "4 picture(s) per page" in out and "locked: images_per_page" in out
    bad = tmp_path / "bad.toml"
    bad.write_text('[page]\nsize = 4\n')
    assert main(["templates", "check", str(bad)]) == 2
    err = capsys.readouterr().err
    assert str(bad) in err and "key 'page.size' expects a string" in err
