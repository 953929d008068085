"""The handout template: how a department's handouts look and what they must say.

A template is plain data (loaded from TOML by ``load.py``); nothing in it is executed. Texts left out
of a template use the built-in wording in the handout's language.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

from takehome.handouts.errors import InputError
from takehome.handouts.i18n import DEFAULT_LANGUAGE, N_, check_language, translator
from takehome.handouts.pdf.fonts import FontFamily


class PageSize(StrEnum):
    """Paper sizes a handout can be printed on."""

    A4 = "A4"
    LETTER = "Letter"


class ExcerptPosition(StrEnum):
    """Where each image's report excerpt goes."""

    BELOW = "below"
    BESIDE = "beside"


class Section(StrEnum):
    """The blocks of a handout after its title, in the order a template lists them."""

    INTRO = "intro"
    IMAGES = "images"
    WORDS = "words"
    QUESTIONS = "questions"
    CONTACT = "contact"
    MANDATORY = "mandatory"


class TemplateSource(StrEnum):
    """Where a template was found; a later source wins over an earlier one of the same name."""

    BUILTIN = "built-in"
    USER = "user"
    DEPARTMENT = "department"


DEFAULT_SECTIONS: tuple[Section, ...] = (Section.INTRO, Section.IMAGES, Section.WORDS, Section.QUESTIONS,
                                         Section.CONTACT, Section.MANDATORY)
#: Sections every handout carries whatever the template says.
REQUIRED_SECTIONS = frozenset({Section.IMAGES, Section.MANDATORY})
IMAGES_PER_PAGE = (1, 2, 4)
LARGE_PRINT_MIN = 14.0
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")

DEFAULT_TITLE = N_("Your imaging results")
DEFAULT_INTRO = N_("These pictures were chosen by your care team from your scan. The notes with each "
                   "picture come from your radiology report.")
DEFAULT_QUESTIONS = (
    N_("What do these results mean for me?"),
    N_("Do I need any more tests or treatment?"),
    N_("Is there anything I should watch out for, and when should I get help?"),
    N_("When and how will I hear about the next steps?"),
)
DEFAULT_CONTACT = (N_("If you have questions about this handout, please contact the team who arranged "
                      "your scan."),)
DEFAULT_MANDATORY = (N_("This handout does not replace your report or a conversation with your doctor. "
                        "Please bring your questions to your next appointment."),)
#: Kept for callers of the former single-module template.
DISCLAIMER = DEFAULT_MANDATORY[0]


@dataclass(frozen=True, slots=True)
class TemplateText:
    """A template's wording in one language; None means the built-in wording."""

    title: str | None = None
    intro: str | None = None
    questions: tuple[str, ...] | None = None
    contact: tuple[str, ...] | None = None
    mandatory: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class Setting:
    """A setting a clinician may be allowed to change, and its printed label."""

    key: str
    label: str
    attribute: str


#: Every setting a template can open to clinicians or lock. Keys are used in TOML and the plugin.
SETTINGS: dict[str, Setting] = {s.key: s for s in (
    Setting("language", N_("Language"), "language"),
    Setting("title", N_("Title"), "title"),
    Setting("images_per_page", N_("Pictures per page"), "images_per_page"),
    Setting("excerpt", N_("Report notes beside or below each picture"), "excerpt_position"),
    Setting("large_print", N_("Large print"), "large_print"),
    Setting("page_size", N_("Paper size"), "page_size"),
    Setting("words_box", N_("Words in your report box"), "words_box"),
    Setting("questions", N_("Questions to ask your doctor"), "show_questions"),
)}
DEFAULT_MAY_CHANGE = frozenset({"language", "title", "images_per_page", "excerpt", "large_print",
                                "words_box", "questions"})


class LockedSettingError(InputError):
    """A clinician tried to change a setting the department's template locks."""


@dataclass(frozen=True, slots=True)
class Template:
    """How a handout looks and what it must say (validated: build it through ``load.py`` from TOML)."""

    name: str = "standard"
    description: str = ""
    source: TemplateSource = TemplateSource.BUILTIN
    path: Path | None = None
    language: str = DEFAULT_LANGUAGE
    department: str = ""
    logo: Path | None = None
    logo_height_mm: float = 14.0
    page_size: PageSize = PageSize.A4
    margin_mm: float = 16.0
    font_family: FontFamily = FontFamily.SANS
    font_files: tuple[Path, Path] | None = None
    body_size: float = 11.0
    large_print: bool = False
    large_print_size: float = 16.0
    accent: str = "#1f4e79"
    text_colour: str = "#1a1a1a"
    panel_colour: str = "#eef3f8"
    images_per_page: int = 2
    excerpt_position: ExcerptPosition = ExcerptPosition.BELOW
    sections: tuple[Section, ...] = DEFAULT_SECTIONS
    words_box: bool = True
    show_questions: bool = True
    #: print only the imaging area of ultrasound screens (their Sequence of Ultrasound Regions)
    imaging_only: bool = False
    title: str | None = None
    texts: Mapping[str, TemplateText] = field(default_factory=dict)
    glossary: Path | None = None
    may_change: frozenset[str] = DEFAULT_MAY_CHANGE

    def __post_init__(self) -> None:
        where = f"template {self.name!r}"
        for attr, kind in (("page_size", PageSize), ("excerpt_position", ExcerptPosition),
                           ("font_family", FontFamily), ("source", TemplateSource)):
            try:
                object.__setattr__(self, attr, kind(getattr(self, attr)))
            except ValueError:
                raise InputError(f"{where}: {attr} must be one of "
                                 f"{', '.join(v.value for v in kind)}, got {getattr(self, attr)!r}") from None
        object.__setattr__(self, "language", check_language(self.language, f"{where}: language"))
        if not 5 <= float(self.margin_mm) <= 50:
            raise InputError(f"{where}: margin_mm must be 5..50, got {self.margin_mm}")
        if not 8 <= float(self.body_size) <= 24:
            raise InputError(f"{where}: body_size must be 8..24, got {self.body_size}")
        if not LARGE_PRINT_MIN <= float(self.large_print_size) <= 28:
            raise InputError(f"{where}: large_print_size must be {LARGE_PRINT_MIN:g}..28 (large print "
                             f"means at least {LARGE_PRINT_MIN:g} pt), got {self.large_print_size}")
        if not 5 <= float(self.logo_height_mm) <= 40:
            raise InputError(f"{where}: logo_height_mm must be 5..40, got {self.logo_height_mm}")
        if self.images_per_page not in IMAGES_PER_PAGE:
            raise InputError(f"{where}: images_per_page must be 1, 2 or 4, got {self.images_per_page!r}")
        for attr in ("accent", "text_colour", "panel_colour"):
            if not _COLOUR.match(str(getattr(self, attr))):
                raise InputError(f"{where}: {attr} must be a colour like '#1f4e79', "
                                 f"got {getattr(self, attr)!r}")
        try:
            sections = tuple(Section(s) for s in self.sections)
        except ValueError as exc:
            raise InputError(f"{where}: sections: {exc}; known sections: "
                             f"{', '.join(s.value for s in Section)}") from None
        if len(set(sections)) != len(sections):
            raise InputError(f"{where}: sections lists a section twice")
        missing = REQUIRED_SECTIONS - set(sections)
        if missing:
            raise InputError(f"{where}: sections must include {', '.join(sorted(missing))} "
                             "(every handout carries its pictures and its mandatory text)")
        object.__setattr__(self, "sections", sections)
        unknown = set(self.may_change) - set(SETTINGS)
        if unknown:
            raise InputError(f"{where}: may_change has unknown setting(s) {', '.join(sorted(unknown))}; "
                             f"known: {', '.join(SETTINGS)}")
        object.__setattr__(self, "may_change", frozenset(self.may_change))
        if not isinstance(self.imaging_only, bool):
            raise InputError(f"{where}: imaging_only must be true or false, got {self.imaging_only!r}")
        for language in self.texts:
            if language:  # "" holds the [text] table, in the template's own language
                check_language(language, f"{where}: text.{language}")

    # --- what gets printed -------------------------------------------------------------------
    @property
    def effective_body_size(self) -> float:
        """Body text size in points: the large-print size when large print is on."""
        return max(float(self.large_print_size), LARGE_PRINT_MIN) if self.large_print else float(
            self.body_size)

    def wording(self, language: str | None = None) -> ResolvedText:
        """The template's texts in ``language``: its own words, else the built-in ones translated."""
        code = check_language(language or self.language)
        tr = translator(code)
        own = self.texts.get(code, TemplateText())
        # [text] is in the template's language: never print it in a handout of another language
        base = self.texts.get("", TemplateText()) if code == self.language else TemplateText()

        def pick(attr: str) -> Any:
            value = getattr(own, attr)
            return value if value is not None else getattr(base, attr)

        title = self.title or pick("title") or tr.gettext(DEFAULT_TITLE)
        intro = pick("intro")
        questions = pick("questions")
        contact = pick("contact")
        mandatory = pick("mandatory")
        return ResolvedText(
            title=title,
            intro=intro if intro is not None else tr.gettext(DEFAULT_INTRO),
            questions=questions if questions is not None else tuple(tr.gettext(q) for q in DEFAULT_QUESTIONS),
            contact=contact if contact is not None else tuple(tr.gettext(c) for c in DEFAULT_CONTACT),
            mandatory=mandatory if mandatory is not None else tuple(
                tr.gettext(m) for m in DEFAULT_MANDATORY),
        )

    # --- locking -----------------------------------------------------------------------------
    def is_locked(self, key: str) -> bool:
        """True when the department does not let clinicians change setting ``key``."""
        if key not in SETTINGS:
            raise InputError(f"setting {key!r}: no such setting; known: {', '.join(SETTINGS)}")
        return key not in self.may_change

    def setting_value(self, key: str) -> Any:
        if key not in SETTINGS:
            raise InputError(f"setting {key!r}: no such setting; known: {', '.join(SETTINGS)}")
        if key == "title":
            return self.wording().title
        return getattr(self, SETTINGS[key].attribute)

    def with_choices(self, choices: Mapping[str, Any]) -> Template:
        """This template with a clinician's choices applied; changing a locked setting is an error.

        A choice equal to the template's own value is accepted even when locked, so saved sessions
        that merely repeat the template keep working. None means "no choice".
        """
        changes: dict[str, Any] = {}
        for key, value in choices.items():
            if value is None:
                continue
            if key not in SETTINGS:
                raise InputError(f"setting {key!r}: no such setting; known: {', '.join(SETTINGS)}")
            if key == "language":
                value = check_language(value, "language")
            current = self.setting_value(key)
            if _same(current, value):
                continue
            if self.is_locked(key):
                raise LockedSettingError(
                    f"template {self.name!r} locks {key!r} to {_show(current)}; the department does not "
                    f"let it be changed (asked for {_show(value)}). Choose another template or ask the "
                    "department.")
            changes[SETTINGS[key].attribute] = value
        return replace(self, **changes) if changes else self

    def settings(self) -> tuple[SettingState, ...]:
        """Every setting with its current value and whether it is locked (for the plugin's panel)."""
        return tuple(SettingState(s.key, s.label, self.setting_value(s.key), self.is_locked(s.key))
                     for s in SETTINGS.values())


@dataclass(frozen=True, slots=True)
class ResolvedText:
    """The texts a handout prints, in its language."""

    title: str
    intro: str
    questions: tuple[str, ...]
    contact: tuple[str, ...]
    mandatory: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SettingState:
    """One setting as the plugin shows it: label (untranslated msgid), value, locked or not."""

    key: str
    label: str
    value: Any
    locked: bool


def _same(current: Any, value: Any) -> bool:
    if isinstance(current, StrEnum):
        return str(current.value) == str(value)
    return bool(current == value)


def _show(value: Any) -> str:
    return repr(value.value if isinstance(value, StrEnum) else value)
