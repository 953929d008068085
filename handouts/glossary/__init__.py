"""A curated glossary of radiology words in plain language, and finding them in report excerpts.

The glossary is data (``data/<lang>.json``); a department may add or override words with a TOML
file beside its template (``[glossary] file = "glossary.toml"``):

    [en]
    "ground glass" = "A hazy area in the lung ..."

    [es]
    "vidrio deslustrado" = "Una zona borrosa ..."

Matching is on whole words, ignores case and accents, accepts plurals, treats a hyphen like a space,
and prefers the longest term ("pleural effusion" over "effusion").
"""

from __future__ import annotations

import json
import re
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from takehome.annotations.input_file import InputFileError, read_input_file
from takehome.handouts.errors import InputError
from takehome.handouts.i18n import check_language

#: A department glossary larger than this is not a list of words for patients.
MAX_GLOSSARY_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class GlossaryEntry:
    """One word (with its other forms) and its plain explanation."""

    id: str
    terms: tuple[str, ...]
    plain: str

    @property
    def term(self) -> str:
        return self.terms[0]


@dataclass(frozen=True, slots=True)
class Glossary:
    """The entries of one language."""

    language: str
    entries: tuple[GlossaryEntry, ...]

    def __len__(self) -> int:
        return len(self.entries)

    def find(self, texts: Iterable[str]) -> tuple[GlossaryEntry, ...]:
        """The entries whose words occur in ``texts``, in order of first appearance, each once."""
        return find_terms(self, texts)

    def with_additions(self, additions: Mapping[str, str]) -> Glossary:
        """A copy with department words added; a word already present has its explanation replaced."""
        entries = list(self.entries)
        where: dict[str, int] = {}  # folded term -> index of its entry (first entry wins, as before)
        for index, entry in enumerate(entries):
            for term in entry.terms:
                where.setdefault(fold(term), index)
        for word, plain in additions.items():
            key = fold(word)
            if key in where:
                entry = entries[where[key]]
                entries[where[key]] = GlossaryEntry(entry.id, entry.terms, plain)
            else:
                where[key] = len(entries)
                entries.append(GlossaryEntry(f"department:{key}", (word,), plain))
        return Glossary(self.language, tuple(entries))


def fold(text: str) -> str:
    """Lower case without accents, hyphens as spaces, single spaces: the form words are matched in."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.replace("-", " ").replace("\u2010", " ").split())


def _plurals(word: str, language: str) -> set[str]:
    forms = {word}
    last = word.rsplit(" ", 1)
    head, tail = (last[0] + " ", last[1]) if len(last) == 2 else ("", last[0])
    if language == "en":
        extra = {tail + "s", tail + "es"}
        if tail.endswith("y") and len(tail) > 1 and tail[-2] not in "aeiou":
            extra.add(tail[:-1] + "ies")
        if tail.endswith("is"):
            extra.add(tail[:-2] + "es")
        if tail.endswith("us"):
            extra.add(tail[:-2] + "i")
        if tail.endswith("um"):
            extra.add(tail[:-2] + "a")
        if tail.endswith("a"):
            extra.add(tail + "e")
        if tail.endswith("f"):
            extra.add(tail[:-1] + "ves")
    else:
        extra = {tail + "s", tail + "es"}
        if tail.endswith("z"):
            extra.add(tail[:-1] + "ces")
    forms |= {head + e for e in extra}
    # Spanish plural of a multi-word term pluralises the first word ("derrames pleurales")
    if language == "es" and head:
        first, rest = word.split(" ", 1)
        for f in (first + "s", first + "es"):
            forms.add(f"{f} {rest}")
            for r in (rest + "s", rest + "es"):
                forms.add(f"{f} {r}")
    return forms


@cache
def _pattern(term: str, language: str) -> re.Pattern[str]:
    forms = sorted(_plurals(fold(term), language), key=len, reverse=True)
    body = "|".join(re.escape(f).replace(r"\ ", r"\s+") for f in forms)
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)")


def find_terms(glossary: Glossary, texts: Iterable[str]) -> tuple[GlossaryEntry, ...]:
    """Whole-word matches of the glossary in ``texts``; overlapping matches keep the longest."""
    found: list[tuple[int, int, int, GlossaryEntry]] = []  # (text index, start, -length, entry)
    for index, text in enumerate(texts):
        folded = fold(text)
        for entry in glossary.entries:
            for term in entry.terms:
                for match in _pattern(term, glossary.language).finditer(folded):
                    found.append((index, match.start(), match.start() - match.end(), entry))
    found.sort(key=lambda item: (item[0], item[1], item[2]))
    chosen: dict[GlossaryEntry, None] = {}  # ordered, each entry once
    covered: dict[int, list[tuple[int, int]]] = {}
    for index, start, neg_length, entry in found:
        end = start - neg_length
        spans = covered.setdefault(index, [])
        if any(s <= start and end <= e and (s, e) != (start, end) for s, e in spans):
            continue  # inside a longer term already chosen
        spans.append((start, end))
        chosen.setdefault(entry, None)
    return tuple(chosen)


def _entries(raw: Sequence[object], where: str) -> tuple[GlossaryEntry, ...]:
    entries = []
    for number, item in enumerate(raw):
        if not (isinstance(item, dict) and isinstance(item.get("id"), str)
                and isinstance(item.get("plain"), str) and isinstance(item.get("terms"), list)
                and item["terms"] and all(isinstance(t, str) and t.strip() for t in item["terms"])):
            raise InputError(f"{where}: entries[{number}] needs 'id' (string), 'terms' (non-empty list of "
                             "strings) and 'plain' (string)")
        entries.append(GlossaryEntry(item["id"], tuple(item["terms"]), item["plain"]))
    return tuple(entries)


@cache
def builtin_glossary(language: str) -> Glossary:
    """The bundled glossary of ``language``."""
    code = check_language(language)
    resource = resources.files(__package__).joinpath("data", f"{code}.json")
    try:
        data = json.loads(resource.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise InputError(f"glossary {code!r}: the bundled glossary cannot be read ({exc}); "
                         "reinstall takehome") from None
    return Glossary(code, _entries(data.get("entries", []), f"glossary {code}.json"))


def load_additions(path: Path, language: str) -> dict[str, str]:
    """A department's words for ``language`` from its glossary TOML (``[<lang>] word = "plain"``)."""
    code = check_language(language)
    try:
        text = read_input_file(path, limit=MAX_GLOSSARY_BYTES, what="department glossary").decode("utf-8")
        data = tomllib.loads(text)
    except InputFileError as exc:
        raise InputError(str(exc)) from None
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError) as exc:
        raise InputError(f"{path}: the department glossary cannot be read ({type(exc).__name__})") from None
    for key, table in data.items():
        check_language(key, f"{path}: table [{key}]")
        if not isinstance(table, dict) or not all(
                isinstance(v, str) and v.strip() for v in table.values()):
            raise InputError(f"{path}: table [{key}] expects word = \"plain explanation\" lines")
    table = data.get(code, {})
    return {str(k): str(v) for k, v in table.items()}


def glossary_for(language: str, additions: Path | None = None) -> Glossary:
    """The built-in glossary of ``language`` with a department's additions and overrides applied."""
    base = builtin_glossary(language)
    if additions is None:
        return base
    return base.with_additions(load_additions(additions, language))


__all__ = ["Glossary", "GlossaryEntry", "builtin_glossary", "find_terms", "fold", "glossary_for",
           "load_additions"]
