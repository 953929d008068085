"""Reading a template TOML file, with errors naming the file, the key and what is expected.

Templates are data only: TOML is parsed, never executed, and every path a template names (logo,
fonts, glossary) must stay inside the template's own folder.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from takehome.annotations.input_file import InputFileError, check_path, read_input_file
from takehome.handouts.errors import InputError
from takehome.handouts.pdf.fonts import check_font_file
from takehome.handouts.templates.logo import check_logo
from takehome.handouts.templates.model import SETTINGS, Template, TemplateSource, TemplateText

#: A template file larger than this is certainly not a template.
MAX_TEMPLATE_BYTES = 256 * 1024
#: Deepest nesting of arrays and tables a template may use (a template needs three).
MAX_NESTING = 8


@dataclass(frozen=True, slots=True)
class Field:
    """One TOML key: the Template attribute it sets and the type it expects."""

    attribute: str
    kind: str  # "str", "number", "int", "bool", "str-list", "path"


_SCHEMA: dict[str, dict[str, Field]] = {
    "": {
        "description": Field("description", "str"),
        "language": Field("language", "str"),
    },
    "department": {
        "name": Field("department", "str"),
        "logo": Field("logo", "path"),
        "logo_height_mm": Field("logo_height_mm", "number"),
    },
    "page": {
        "size": Field("page_size", "str"),
        "margin_mm": Field("margin_mm", "number"),
    },
    "fonts": {
        "family": Field("font_family", "str"),
        "regular": Field("font_regular", "path"),
        "bold": Field("font_bold", "path"),
        "body_size": Field("body_size", "number"),
        "large_print": Field("large_print", "bool"),
        "large_print_size": Field("large_print_size", "number"),
    },
    "colours": {
        "accent": Field("accent", "str"),
        "text": Field("text_colour", "str"),
        "panel": Field("panel_colour", "str"),
    },
    "layout": {
        "images_per_page": Field("images_per_page", "int"),
        "excerpt": Field("excerpt_position", "str"),
        "sections": Field("sections", "str-list"),
        "words_box": Field("words_box", "bool"),
        "questions": Field("show_questions", "bool"),
        "imaging_only": Field("imaging_only", "bool"),
    },
    "glossary": {
        "file": Field("glossary", "path"),
    },
    "clinician": {
        "may_change": Field("may_change", "str-list"),
        "locked": Field("locked", "str-list"),
    },
}
_TEXT_KEYS: dict[str, str] = {"title": "str", "intro": "str", "questions": "str-list",
                              "contact": "str-list", "mandatory": "str-list"}
#: Longest text a template may give per line (a block must fit on a printed page), and lines per list.
MAX_TEXT = 1000
MAX_LINES = 20
_EXPECT = {"str": "a string", "number": "a number", "int": "a whole number", "bool": "true or false",
           "str-list": "a list of strings", "path": "a file name (string) relative to the template's folder"}


def _check_type(value: Any, kind: str) -> bool:
    if kind in ("str", "path"):
        return isinstance(value, str)
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "bool":
        return isinstance(value, bool)
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def inside_folder(folder: Path, relative: str, where: str) -> Path:
    """``relative`` resolved inside ``folder``; an error when it escapes it (.., absolute, link)."""
    if not relative.strip():
        raise InputError(f"{where}: expects a file name, got an empty string")
    try:
        check_path(relative)
        base = folder.resolve()
        candidate = (base / relative).resolve()
    except InputFileError as exc:
        raise InputError(f"{where}: {exc.problem}") from None
    except OSError as exc:  # a link loop, or a path the file system refuses
        raise InputError(f"{where}: {relative!r} cannot be used ({exc.strerror or exc})") from None
    if not candidate.is_relative_to(base):
        raise InputError(f"{where}: {relative!r} escapes the template's folder {base}; "
                         "keep logos, fonts and glossaries beside the template file")
    if not candidate.is_file():
        raise InputError(f"{where}: file {relative!r} not found in {base}")
    return candidate


def parse_template(data: dict[str, Any], *, name: str, where: str, folder: Path,
                   source: TemplateSource = TemplateSource.BUILTIN, path: Path | None = None) -> Template:
    """A validated Template from parsed TOML ``data``; ``where`` prefixes every error."""
    values: dict[str, Any] = {"name": name, "source": source, "path": path}
    texts: dict[str, TemplateText] = {}
    checkers: dict[str, Callable[[Path, str], None]] = {
        "logo": check_logo, "font_regular": _check_font, "font_bold": _check_font}

    def take(table: str, key: str, value: Any) -> None:
        spec = _SCHEMA[table][key]
        dotted = f"{table}.{key}" if table else key
        if not _check_type(value, spec.kind):
            raise InputError(f"{where}: key {dotted!r} expects {_EXPECT[spec.kind]}, "
                             f"got {type(value).__name__} {value!r}")
        if spec.kind == "str" and len(value) > MAX_TEXT:
            raise InputError(f"{where}: key {dotted!r} is too long (at most {MAX_TEXT} characters)")
        if spec.kind == "path":
            value = inside_folder(folder, value, f"{where}: key {dotted!r}")
            if spec.attribute in checkers:
                checkers[spec.attribute](value, f"{where}: key {dotted!r}")
        elif spec.kind == "str-list":
            value = tuple(value)
        values[spec.attribute] = value

    for key, value in data.items():
        if key == "text":
            if not isinstance(value, dict):
                raise InputError(f"{where}: key 'text' expects a table ([text])")
            texts.update(_parse_texts(value, where))
        elif key in _SCHEMA and key != "":
            if not isinstance(value, dict):
                raise InputError(f"{where}: key {key!r} expects a table ([{key}])")
            for sub, subvalue in value.items():
                if sub not in _SCHEMA[key]:
                    raise InputError(f"{where}: unknown key '{key}.{sub}' (known in [{key}]: "
                                     f"{', '.join(_SCHEMA[key])})")
                take(key, sub, subvalue)
        elif key in _SCHEMA[""]:
            take("", key, value)
        else:
            known = sorted([*_SCHEMA[""], *(k for k in _SCHEMA if k), "text"])
            raise InputError(f"{where}: unknown key {key!r} (known: {', '.join(known)})")

    regular, bold = values.pop("font_regular", None), values.pop("font_bold", None)
    if (regular is None) != (bold is None):
        raise InputError(f"{where}: keys 'fonts.regular' and 'fonts.bold' go together; give both or neither")
    if regular is not None:
        values["font_files"] = (regular, bold)
    locked = values.pop("locked", ())
    for label, keys in (("clinician.may_change", values.get("may_change", ())), ("clinician.locked", locked)):
        unknown = [k for k in keys if k not in SETTINGS]
        if unknown:
            raise InputError(f"{where}: key {label!r} has unknown setting(s) {', '.join(unknown)}; "
                             f"known: {', '.join(SETTINGS)}")
    if "may_change" in values:
        overlap = set(values["may_change"]) & set(locked)
        if overlap:
            raise InputError(f"{where}: {', '.join(sorted(overlap))} both in 'clinician.may_change' and "
                             "'clinician.locked'; a setting is either open or locked")
    may_change = frozenset(values.pop("may_change", Template().may_change)) - frozenset(locked)
    try:
        return Template(**values, texts=texts, may_change=may_change)
    except InputError as exc:
        raise InputError(f"{where}: {exc}") from None


def _parse_texts(table: dict[str, Any], where: str) -> dict[str, TemplateText]:
    """[text] holds the template language's wording; [text.<lang>] tables hold translations."""
    result: dict[str, TemplateText] = {}
    default: dict[str, Any] = {}
    for key, value in table.items():
        if isinstance(value, dict):
            result[key] = TemplateText(**_text_values(value, f"text.{key}", where))
        elif key in _TEXT_KEYS:
            default[key] = value
        else:
            raise InputError(f"{where}: unknown key 'text.{key}' (known: {', '.join(_TEXT_KEYS)}, "
                             "or a [text.<language>] table)")
    result[""] = TemplateText(**_text_values(default, "text", where))
    return result


def _text_values(table: dict[str, Any], prefix: str, where: str) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key, value in table.items():
        if key not in _TEXT_KEYS:
            raise InputError(f"{where}: unknown key '{prefix}.{key}' (known: {', '.join(_TEXT_KEYS)})")
        kind = _TEXT_KEYS[key]
        if not _check_type(value, kind):
            raise InputError(f"{where}: key '{prefix}.{key}' expects {_EXPECT[kind]}, "
                             f"got {type(value).__name__} {value!r}")
        lines = value if isinstance(value, list) else [value]
        if len(lines) > MAX_LINES or any(len(line) > MAX_TEXT for line in lines):
            raise InputError(f"{where}: key '{prefix}.{key}' is too long: at most {MAX_LINES} lines of "
                             f"{MAX_TEXT} characters (it must fit on a printed page)")
        values[key] = tuple(value) if kind == "str-list" else value
    return values


def _check_font(path: Path, where: str) -> None:
    try:
        check_font_file(path)
    except InputError as exc:
        raise InputError(f"{where}: {exc}") from None


def load_template_file(path: str | Path, source: TemplateSource = TemplateSource.USER) -> Template:
    """Read and validate a template TOML file; its name is the file name without ``.toml``."""
    try:
        raw = read_input_file(path, limit=MAX_TEMPLATE_BYTES, what="template")
    except InputFileError as exc:
        raise InputError(str(exc)) from None
    file = Path(path).expanduser()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{file}: a template must be UTF-8 text") from None
    data = parse_toml(text, str(file))
    name = template_name(file.stem)
    return parse_template(data, name=name, where=str(file), folder=file.parent, source=source, path=file)


def parse_toml(text: str, where: str) -> dict[str, Any]:
    """Parsed TOML, nested at most MAX_NESTING deep; any problem is an InputError naming ``where``."""
    if nesting_depth(text) > MAX_NESTING:
        raise InputError(f"{where}: tables, arrays or inline tables nest more than {MAX_NESTING} levels "
                         "deep; a template never needs that")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{where}: not valid TOML ({exc})") from None
    except RecursionError:  # defence in depth: nesting_depth bounds it first
        raise InputError(f"{where}: not valid TOML (nested too deeply)") from None


def nesting_depth(text: str) -> int:
    """The deepest bracket nesting in TOML text, outside strings and comments (a linear scan)."""
    depth = deepest = 0
    quote = ""
    index = 0
    while index < len(text):
        char = text[index]
        if quote:
            if text.startswith(quote, index):
                index += len(quote)
                quote = ""
                continue
            if char == "\\" and not quote.startswith("'"):
                index += 1
        elif char in "\"'":
            quote = char * 3 if text.startswith(char * 3, index) else char
            index += len(quote)
            continue
        elif char == "#":
            newline = text.find("\n", index)
            index = len(text) if newline < 0 else newline
            continue
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth = max(0, depth - 1)
        index += 1
    return deepest


def template_name(text: str) -> str:
    """Names are compared lower-case with spaces and underscores as hyphens ("Large print")."""
    return "-".join(text.strip().lower().replace("_", " ").split())
