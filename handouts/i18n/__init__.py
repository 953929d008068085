"""Handout languages: every fixed string of the handout goes through these gettext catalogs.

Catalogs live in ``locales/<lang>/LC_MESSAGES/takehome.po`` (edited by translators) and are compiled
to ``.mo`` with Babel (``make catalogs``); a test checks the compiled files match the sources and
that every message in the code is translated.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from babel.support import Translations

from takehome.handouts.errors import InputError

DOMAIN = "takehome"
DEFAULT_LANGUAGE = "en"
#: Languages with a complete catalog and glossary, and their names in their own language.
LANGUAGES: dict[str, str] = {"en": "English", "es": "Español"}


def N_(message: str) -> str:
    """Mark a string for extraction without translating it yet (translated where it is shown)."""
    return message


def locale_dir() -> Path:
    """The folder holding the compiled catalogs."""
    return Path(str(resources.files(__package__).joinpath("locales")))


def check_language(language: str, where: str = "language") -> str:
    """The language code, normalised; an InputError naming ``where`` if no catalog exists for it."""
    code = str(language).strip().lower().replace("_", "-").split("-")[0]
    if code not in LANGUAGES:
        raise InputError(f"{where}: no handout language {language!r}; "
                         f"available: {', '.join(sorted(LANGUAGES))}")
    return code


@dataclass(frozen=True, slots=True)
class Translator:
    """The fixed strings of one handout language."""

    language: str
    catalog: Translations

    def gettext(self, message: str) -> str:
        return str(self.catalog.gettext(message))

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return str(self.catalog.ngettext(singular, plural, n))


@cache
def translator(language: str = DEFAULT_LANGUAGE) -> Translator:
    """The translator for ``language`` (checked); its compiled catalog must be installed."""
    code = check_language(language)
    mo = locale_dir() / code / "LC_MESSAGES" / f"{DOMAIN}.mo"
    if not mo.is_file():
        raise InputError(f"language {code!r}: the compiled catalog {mo} is missing; reinstall takehome")
    with mo.open("rb") as handle:
        catalog = Translations(handle, domain=DOMAIN)
    return Translator(code, catalog)


__all__ = ["DEFAULT_LANGUAGE", "DOMAIN", "LANGUAGES", "N_", "Translator", "check_language",
           "locale_dir", "translator"]
