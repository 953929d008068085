"""The handout template: page, wording and mandatory content a department sets once.

Built-in templates live here; a template may also be a TOML file with the same keys. Templates are
data only: nothing in them is executed.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, fields, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

from takehome.handouts.errors import InputError


class PageSize(StrEnum):
    """Paper sizes a handout can be printed on."""

    A4 = "A4"
    LETTER = "Letter"


DISCLAIMER = ("This handout does not replace your report or a conversation with your doctor. "
              "Please bring your questions to your next appointment.")


@dataclass(frozen=True, slots=True)
class Template:
    """How a handout looks and what it must say."""

    name: str = "standard"
    page_size: PageSize = PageSize.A4
    margin_mm: float = 16.0
    title: str = "Your imaging results"
    intro: str = ("These pictures were chosen by your care team from your scan. The notes beside "
                  "each picture come from your radiology report.")
    closing: tuple[str, ...] = (DISCLAIMER,)
    body_size: float = 11.0
    accent: str = "#1f4e79"

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "page_size", PageSize(self.page_size))
        except ValueError:
            raise InputError(
                f"template {self.name!r}: page_size must be one of "
                f"{', '.join(p.value for p in PageSize)}, got {self.page_size!r}"
            ) from None
        if not 5 <= float(self.margin_mm) <= 50:
            raise InputError(f"template {self.name!r}: margin_mm must be 5..50, got {self.margin_mm}")
        if not 8 <= float(self.body_size) <= 24:
            raise InputError(f"template {self.name!r}: body_size must be 8..24, got {self.body_size}")
        object.__setattr__(self, "closing", tuple(self.closing))


BUILTIN: dict[str, Template] = {
    "standard": Template(),
    "letter": Template(name="letter", page_size=PageSize.LETTER),
}


def load_template_file(path: Path) -> Template:
    """Read a template TOML file; unknown keys and wrong types are errors naming file and key."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"{path}: template cannot be read ({exc.strerror})") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: not a valid TOML template ({exc})") from None
    known = {f.name: f for f in fields(Template)}
    values: dict[str, Any] = {"name": path.stem}
    for key, value in data.items():
        if key not in known:
            raise InputError(f"{path}: unknown key {key!r} (known: {', '.join(sorted(known))})")
        expected = {"margin_mm": (int, float), "body_size": (int, float), "closing": (list,)}.get(
            key, (str,))
        if not isinstance(value, expected) or isinstance(value, bool):
            raise InputError(f"{path}: key {key!r} expects {' or '.join(t.__name__ for t in expected)}")
        values[key] = tuple(str(v) for v in value) if isinstance(value, list) else value
    try:
        return replace(Template(), **values)
    except InputError as exc:
        raise InputError(f"{path}: {exc}") from None


def resolve_template(name_or_path: str | os.PathLike[str] | None) -> Template:
    """A built-in template by name, or a template file by path; None is "standard"."""
    if name_or_path is None:
        return BUILTIN["standard"]
    text = str(name_or_path)
    if text in BUILTIN:
        return BUILTIN[text]
    path = Path(text)
    if path.suffix.lower() == ".toml" or path.exists():
        return load_template_file(path)
    raise InputError(f"template {text!r}: no such built-in template ({', '.join(BUILTIN)}) or file")
