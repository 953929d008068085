"""Word knowledge for finding names: ordinary words, first names, surnames, nicknames, medical words.

* Ordinary words: wordfreq's English and Spanish frequencies (a name part that is also a common
  word, such as White, Long or May, is removed only where it is used as a name).
* First names and surnames: the name lists Faker ships for its Latin-script locales (about 21,000
  of each, from the national statistics offices' lists Faker's locales are built from).
* Nicknames: the ``nicknames`` package (Bill = William, Peggy = Margaret).
* Medical words written with a capital letter (specialties, modalities, devices, eponyms, drugs):
  the glossary of this package, ``data/medical_terms.txt`` and the usual medical word endings.

Everything loads from installed packages, nothing is downloaded; the lists load once, on first use.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import re
from functools import cache, lru_cache
from importlib import resources

from wordfreq import zipf_frequency

from takehome.handouts.deid.normalise import name_key

#: Zipf frequency (log10 of uses per billion words) from which a word counts as ordinary.
ORDINARY_ZIPF = 3.5
#: Zipf frequency of grammar words ("with", "para"), which a glossary term may contain.
_FUNCTION_ZIPF = 5.5
_LANGUAGES = ("en", "es")
_LATIN = re.compile(r"[A-Za-zÀ-ɏ'\- ]+")

MONTHS = {
    "en": ("january", "february", "march", "april", "may", "june", "july", "august", "september",
           "october", "november", "december"),
    "es": ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
           "octubre", "noviembre", "diciembre"),
}
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
            "lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo")
#: Endings of medical words (specialties, procedures, conditions, drug stems).
_MEDICAL_ENDINGS = re.compile(
    r"(?:olog(?:y|ist|ía|o|a)|graph(?:y|ic)|graf(?:ía|ia)|scop(?:y|ia|ía)|ectom(?:y|ía)|otom(?:y|ía)|"
    r"ostom(?:y|ía)|plast(?:y|ia)|itis|osis|oma|emia|aemia|algia|pathy|patía|iatr(?:y|ics|ía)|"
    r"mab|nib|tinib|parin|statin|pril|sartan|olol|azole|cillin|mycin|cycline|oxacin|vir|platin|"
    r"taxel|rubicin|dronate|gliptin|glutide|lukast|prazole|triptan|setron|tidine|afil|dipine)$")


@lru_cache(maxsize=65536)
def zipf(word: str) -> float:
    """The highest Zipf frequency of ``word`` (lower case) in English and Spanish."""
    lowered = word.casefold()
    return max(zipf_frequency(lowered, language) for language in _LANGUAGES)


def is_ordinary(word: str) -> bool:
    """Whether ``word`` is a common English or Spanish word (so a name part that needs context)."""
    return zipf(word) >= ORDINARY_ZIPF


def _faker_names() -> tuple[frozenset[str], frozenset[str]]:
    import faker.providers.person as person

    first: set[str] = set()
    last: set[str] = set()
    for module in pkgutil.iter_modules(person.__path__):
        provider = importlib.import_module(f"{person.__name__}.{module.name}").Provider
        for attribute, bucket in (("first_names", first), ("first_names_male", first),
                                  ("first_names_female", first), ("last_names", last)):
            names = getattr(provider, attribute, None)
            if isinstance(names, dict | list | tuple):
                bucket.update(n for n in names if isinstance(n, str) and _LATIN.fullmatch(n))
    return _keys(first), _keys(last)


def _keys(names: set[str]) -> frozenset[str]:
    parts = (part for name in names for part in re.split(r"[\s\-']+", name))
    return frozenset(key for part in parts if len(key := name_key(part)) >= 2)


@cache
def first_names() -> frozenset[str]:
    """Keys (:func:`name_key`) of known first names."""
    return _faker_names()[0]


@cache
def surnames() -> frozenset[str]:
    """Keys (:func:`name_key`) of known surnames."""
    return _faker_names()[1]


@cache
def _nicknamer() -> object:
    from nicknames import NickNamer

    namer: object = NickNamer()
    return namer


def nickname_keys(name: str) -> frozenset[str]:
    """Keys of the nicknames of ``name`` and of the names it is a nickname of."""
    from nicknames import NickNamer

    namer = _nicknamer()
    assert isinstance(namer, NickNamer)
    lowered = name.casefold()
    related = namer.nicknames_of(lowered) | namer.canonicals_of(lowered)
    return frozenset(k for n in related if len(k := name_key(n)) >= 2)


@cache
def _medical_words() -> frozenset[str]:
    words: set[str] = set()
    text = resources.files("takehome.handouts.deid").joinpath("data/medical_terms.txt").read_text("utf-8")
    for line in text.splitlines():
        if not line.startswith("#"):
            words.update(name_key(w) for w in line.split())
    glossary = resources.files("takehome.handouts.glossary").joinpath("data")
    for language in _LANGUAGES:
        entries = json.loads(glossary.joinpath(f"{language}.json").read_text("utf-8"))["entries"]
        for entry in entries:
            for term in entry["terms"]:  # the content words of multi-word terms, not "of", "de", "se"
                words.update(name_key(w) for w in term.split() if len(w) >= 4 and zipf(w) < _FUNCTION_ZIPF)
    months = {name_key(m) for names in MONTHS.values() for m in names}
    return frozenset(w for w in words | months | {name_key(d) for d in WEEKDAYS} if len(w) >= 2)


def is_medical(word: str) -> bool:
    """Whether ``word`` is a medical (or calendar) word that is never a person's name."""
    key = name_key(word)
    if key in _medical_words():
        return True
    return bool(_MEDICAL_ENDINGS.search(word.casefold())) and key not in first_names() | surnames()


#: Words that name a kind of place of care, not one place (a department called "Radiology").
_GENERIC_PLACE = (
    "department", "dept", "departamento", "servicio", "service", "services", "unit", "unidad", "hospital",
    "hospitalario", "clinic", "clinica", "centre", "center", "centro", "health", "salud", "medical",
    "medico", "médica", "care", "diagnostic", "diagnostics", "diagnóstico", "diagnóstica", "imaging",
    "imagen", "image", "radiology", "radiologia", "radiodiagnóstico", "x-ray", "xray", "mri", "ct",
    "ultrasound", "ecografía", "nuclear", "medicine", "medicina", "general", "university", "universitario",
    "universitaria", "teaching", "emergency", "urgencias", "outpatient", "outpatients", "consultas", "ward",
    "planta", "floor", "room", "sala", "the", "of", "and", "for", "de", "del", "la", "el", "los", "las",
    "y", "en",
)
_GENERIC_PLACE_WORDS = frozenset(name_key(w) for w in _GENERIC_PLACE)


def is_generic_place_word(word: str) -> bool:
    """Whether ``word`` is a generic word for a place of care ("Radiology", "Clinic", "Hospital")."""
    return name_key(word) in _GENERIC_PLACE_WORDS


def is_generic_place(phrase: str) -> bool:
    """Whether every word of ``phrase`` is a generic word for a place of care ("Radiology Department")."""
    words = re.findall(r"[^\W\d_]+", phrase)
    return bool(words) and all(name_key(w) in _GENERIC_PLACE_WORDS or is_medical(w) for w in words)
