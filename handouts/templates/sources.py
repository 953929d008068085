"""Where templates come from: built-in, the user's folder, the department's folder.

Same name in several places: department beats user beats built-in. The department folder (a shared
network folder in practice) is set by the ``TAKEHOME_DEPARTMENT_TEMPLATES`` environment variable or
``department_templates = "..."`` in the user's ``config.toml``.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from takehome.annotations.input_file import InputFileError, check_path
from takehome.handouts.errors import InputError
from takehome.handouts.folders import config_file, templates_dir
from takehome.handouts.templates.load import load_template_file, template_name
from takehome.handouts.templates.model import Template, TemplateSource

DEPARTMENT_ENV = "TAKEHOME_DEPARTMENT_TEMPLATES"
DEFAULT_TEMPLATE = "standard"
#: Other spellings people use for built-in names.
_ALIASES = {"large": "large-print", "largeprint": "large-print"}


@dataclass(frozen=True, slots=True)
class TemplateEntry:
    """A template file found in one of the sources (not loaded yet)."""

    name: str
    source: TemplateSource
    path: Path


def builtin_folder() -> Path:
    return Path(str(resources.files(__package__).joinpath("builtin")))


def user_folder() -> Path:
    """The clinician's own templates (``templates`` in takehome's data folder)."""
    return templates_dir()


def department_folder() -> Path | None:
    """The department folder from the environment, else from config.toml; None when not set."""
    value = os.environ.get(DEPARTMENT_ENV, "").strip()
    where = f"environment variable {DEPARTMENT_ENV}"
    if not value:
        config = config_file()
        if not config.is_file():
            return None
        try:
            data = tomllib.loads(config.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise InputError(f"{config}: the configuration cannot be read ({exc})") from None
        raw = data.get("department_templates")
        if raw is None:
            return None
        if not isinstance(raw, str) or not raw.strip():
            raise InputError(f"{config}: key 'department_templates' expects a folder path (string)")
        value, where = raw, f"{config}: key 'department_templates'"
    folder = Path(value).expanduser()
    if not folder.is_dir():
        raise InputError(f"{where}: department template folder {folder} does not exist or is not "
                         "reachable (is the network drive connected?)")
    return folder


def _scan(folder: Path | None, source: TemplateSource) -> list[TemplateEntry]:
    if folder is None or not folder.is_dir():
        return []
    return [TemplateEntry(template_name(p.stem), source, p)
            for p in sorted(folder.glob("*.toml")) if p.is_file()]


def all_entries() -> list[TemplateEntry]:
    """Every template file found, built-in first, then user, then department."""
    return (_scan(builtin_folder(), TemplateSource.BUILTIN) + _scan(user_folder(), TemplateSource.USER)
            + _scan(department_folder(), TemplateSource.DEPARTMENT))


def available() -> dict[str, TemplateEntry]:
    """The template each name resolves to: department beats user beats built-in."""
    chosen: dict[str, TemplateEntry] = {}
    for entry in all_entries():
        chosen[entry.name] = entry
    return chosen


def builtin_names() -> list[str]:
    return [e.name for e in _scan(builtin_folder(), TemplateSource.BUILTIN)]


def load_entry(entry: TemplateEntry) -> Template:
    return load_template_file(entry.path, entry.source)


def resolve_template(name_or_path: str | os.PathLike[str] | Template | None) -> Template:
    """A template by name (department, user, built-in, in that order) or by file path; None: standard."""
    if isinstance(name_or_path, Template):
        return name_or_path
    text = str(name_or_path) if name_or_path is not None else DEFAULT_TEMPLATE
    try:
        path = check_path(text)
    except InputFileError as exc:
        raise InputError(f"template {exc}") from None
    if path.suffix.lower() == ".toml" or os.sep in text or (path.exists() and path.is_file()):
        return load_template_file(path, TemplateSource.USER)
    name = template_name(text)
    name = _ALIASES.get(name.replace("-", ""), name)
    entries = available()
    if name not in entries:
        raise InputError(f"template {text!r}: no template of that name (available: "
                         f"{', '.join(sorted(entries))}); or give the path of a .toml file")
    return load_entry(entries[name])
