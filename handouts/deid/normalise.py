"""Text normalised for matching, with every character traced back to the original text.

Free text arrives pasted from report systems, e-mail and word processors: compatibility forms
(full-width letters, ligatures), invisible format characters (soft hyphens, zero-width spaces and
joiners) inside names, curly apostrophes and a dozen dashes. Matching runs on the normalised text;
what it finds is mapped back so that the redaction replaces the original characters.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

#: Apostrophes and quotes that stand for an apostrophe inside a name (O’Brien, D`Angelo).
_APOSTROPHES = frozenset("'’‘`´ʼʹ′‛＇")
#: Hyphens and dashes (hyphen, non-breaking hyphen, figure/en/em dash, minus, ...).
_DASHES = frozenset("-‐‑‒–—―−﹣－⁃")


@dataclass(frozen=True, slots=True)
class Normalised:
    """Normalised text; ``starts[i]``/``ends[i]`` are the original span of normalised character ``i``."""

    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def original(self, start: int, end: int) -> tuple[int, int]:
        """The original span that the normalised span ``[start, end)`` came from."""
        if end <= start:
            position = self.starts[start] if start < len(self.starts) else (self.ends[-1] if self.ends else 0)
            return position, position
        return self.starts[start], self.ends[end - 1]


def _is_invisible(ch: str) -> bool:
    # Cf: soft hyphen, zero-width space/joiners, word joiner, BOM, bidi marks
    return unicodedata.category(ch) == "Cf"


@lru_cache(maxsize=256)
def normalise(text: str) -> Normalised:
    """NFKC per character, invisible format characters dropped, apostrophes and dashes unified."""
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for index, ch in enumerate(text):
        if _is_invisible(ch):
            continue
        if ch in _APOSTROPHES:
            mapped = "'"
        elif ch in _DASHES:
            mapped = "-"
        else:
            mapped = unicodedata.normalize("NFKC", ch) if ord(ch) > 127 else ch
            if any(m in _DASHES for m in mapped) or any(m in _APOSTROPHES for m in mapped):
                mapped = "".join("-" if m in _DASHES else "'" if m in _APOSTROPHES else m for m in mapped)
        for piece in mapped:
            out.append(piece)
            starts.append(index)
            ends.append(index + 1)
    return Normalised("".join(out), tuple(starts), tuple(ends))


#: Letters that do not decompose into a base letter and an accent.
_SPECIAL_LETTERS = str.maketrans({"ø": "o", "ł": "l", "đ": "d", "ð": "d", "ß": "ss", "æ": "ae", "œ": "oe",
                                  "ı": "i", "þ": "th", "ŀ": "l", "ħ": "h"})
#: German/Scandinavian spellings without umlauts (Müller = Mueller, Søren = Soeren).
_DIGRAPHS = re.compile(r"([aou])e")


@lru_cache(maxsize=65536)
def name_key(word: str) -> str:
    """How a name part is compared: case, accents, umlaut spellings, special letters and joiners ignored.

    ``Müller``, ``Mueller`` and ``MULLER`` share a key; so do ``Søren``/``Soren``/``Soeren``,
    ``Łukasz``/``Lukasz`` and ``O'Brien``/``OBrien``.
    """
    lowered = word.casefold().translate(_SPECIAL_LETTERS)
    base = "".join(c for c in unicodedata.normalize("NFKD", lowered) if not unicodedata.combining(c))
    letters = "".join(c for c in base if c.isalpha())
    return _DIGRAPHS.sub(r"\1", letters)
