"""Dates in free text, in English and Spanish, whatever language the handout is printed in.

Numeric (ISO, day or month first, two- or four-digit years, DICOM's YYYYMMDD), with a roman-numeral
month (17.III.1954), in words (5 June 2024, June 5th, 17 de marzo de 1954, the fifth of June,
diecisiete de marzo), and month with year (June 2024, marzo de 1954, 03/1954). A month name that is
also an ordinary word (may, march) counts only when written as a month: capitalised or with a year.
"""

from __future__ import annotations

import re

from takehome.handouts.deid.lexicon import MONTHS

_EN_MONTHS = (r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
              r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?")
_ES_MONTHS = (r"ene(?:ro)?|feb(?:rero)?|mar(?:zo)?|abr(?:il)?|may(?:o)?|jun(?:io)?|jul(?:io)?|"
              r"ago(?:sto)?|sep(?:t(?:iembre)?)?|set(?:iembre)?|oct(?:ubre)?|nov(?:iembre)?|dic(?:iembre)?")
_MONTH = rf"(?:{_EN_MONTHS}|{_ES_MONTHS})\.?"
_ROMAN = r"(?:i{1,3}|iv|vi{0,3}|ix|xi{0,2})"
_DAY_NUM = r"(?:0?[1-9]|[12][0-9]|3[01])"
_DAY = rf"{_DAY_NUM}(?:st|nd|rd|th|º|o)?"
_NUM_MONTH = r"(?:0?[1-9]|1[0-2])"
_YEAR4 = r"(?:1[89][0-9]{2}|20[0-9]{2})"
_YEAR = rf"(?:{_YEAR4}|[0-9]{{2}})"
_ORDINALS = (
    "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
    "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth",
    "eighteenth", "nineteenth", "twentieth", "thirtieth",
)
_NUMBER_WORDS = (
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
    "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty", "thirty",
    "forty", "fifty", "sixty", "seventy", "eighty", "ninety", "hundred", "thousand", "uno", "una", "dos",
    "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve", "diez", "once", "doce", "trece", "catorce",
    "quince", "dieciséis", "dieciseis", "diecisiete", "dieciocho", "diecinueve", "veinte", "veintiuno",
    "veintiún", "veintidós", "veintidos", "veintitrés", "veintitres", "veinticuatro", "veinticinco",
    "veintiséis", "veintiseis", "veintisiete", "veintiocho", "veintinueve", "treinta", "cuarenta",
    "cincuenta", "sesenta", "setenta", "ochenta", "noventa", "cien", "ciento", "mil", "novecientos",
    "primero",
)
_ORDINAL = rf"(?:(?:twenty|thirty)[\s-])?(?:{'|'.join(_ORDINALS)})"
_NUMBER = rf"(?:{'|'.join(sorted(_NUMBER_WORDS, key=len, reverse=True))})"
#: A day in words: "the fifth", "twenty-first", "diecisiete", "treinta y uno".
_DAY_WORDS = rf"(?:(?:the\s+)?{_ORDINAL}|{_NUMBER}(?:\s+y\s+{_NUMBER})?)"
#: A year in words: "nineteen fifty-four", "two thousand and twenty", "mil novecientos cincuenta y cuatro".
_YEAR_WORDS = rf"{_NUMBER}(?:[\s-]+(?:and\s+|y\s+)?{_NUMBER}){{1,5}}"
_SEP_OF = r"(?:\s+(?:of|de)\s+|\s+|-)"
_YEAR_ANY = rf"(?:{_YEAR4}|{_YEAR_WORDS})"

_PATTERNS = (
    # 2024-06-05, 2024/6/5, 2024.06.05
    rf"{_YEAR4}([-/.]){_NUM_MONTH}\1{_DAY_NUM}",
    # 05/06/2024, 5.6.24, 06-05-2024 (day or month first), 17.III.1954
    rf"{_DAY_NUM}([-/.]){_DAY_NUM}\2{_YEAR}",
    rf"{_DAY_NUM}([-/.\s]){_ROMAN}\3{_YEAR}",
    # 5 June 2024, 5th of Jun. 2024, 05-Jun-2024, 17 de marzo de 1954, the fifth of June 2024
    rf"(?:(?:{_DAY}|{_DAY_WORDS}){_SEP_OF})?(?P<m1>{_MONTH})(?:,?{_SEP_OF}|,\s*){_YEAR_ANY}",
    # June 5, 2024 / June 5th 2024 / June 5th / June the fifth
    rf"(?P<m2>{_MONTH})\s+(?:the\s+)?(?:{_DAY}|{_ORDINAL})(?![\d])(?:,?\s+{_YEAR_ANY})?",
    # 5th of June / 5 June / 17 de marzo / the fifth of June
    rf"(?:{_DAY}|{_DAY_WORDS}){_SEP_OF}(?P<m3>{_MONTH})",
    # 20240605 (DICOM DA) when it is a plausible date
    rf"{_YEAR4}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])",
    # 03/1954, 3-2024 (month and four-digit year)
    rf"{_NUM_MONTH}[/.-]{_YEAR4}",
)
DATE = re.compile(r"(?<![\w/.\-])(?:" + "|".join(f"(?:{p})" for p in _PATTERNS) + r")(?![\w/])",
                  re.IGNORECASE)
#: Month names that are also ordinary words: a month only when capitalised or next to a year.
_AMBIGUOUS_MONTHS = frozenset({"may", "mar", "march", "sept", "set", "ago", "dic", "jun", "dec", "ene"})
_ALL_MONTHS = frozenset(m for names in MONTHS.values() for m in names)


def find_dates(text: str) -> list[tuple[int, int]]:
    """Spans of dates in ``text``."""
    out = []
    for match in DATE.finditer(text):
        month = next((match.group(g) for g in ("m1", "m2", "m3") if match.group(g)), None)
        if month is not None and not _real_month(month, with_year=match.group("m1") is not None):
            continue
        out.append(match.span())
    return out


def _real_month(month: str, *, with_year: bool) -> bool:
    bare = month.rstrip(".").casefold()
    if bare not in _AMBIGUOUS_MONTHS and (bare in _ALL_MONTHS or len(bare) >= 3):
        return True
    return with_year or month[:1].isupper()
