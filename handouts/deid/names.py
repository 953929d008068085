"""Names in free text: the header's names however they are written, and other people's names.

Text is read as words (letters joined by apostrophes or hyphens; compound names are compared part
by part). The header's name parts match by :func:`~takehome.handouts.deid.normalise.name_key`
(case, accents, umlaut spellings), with a typo or two in longer rare names, by their nicknames and
by initials next to a name. A part that is also an ordinary word (White, Long, May, Will) is removed
only where it is used as a name: capitalised inside a sentence, next to another part of the name or
a title, at the start of a sentence when a person's verb follows, alone on a signature line.
Other people's names are found with the first-name and surname lists of
:mod:`~takehome.handouts.deid.lexicon`: a known first name with a surname, or a known first name
used as a name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import Levenshtein

from takehome.handouts.deid.lexicon import (
    first_names,
    is_medical,
    is_ordinary,
    nickname_keys,
    surnames,
    zipf,
)
from takehome.handouts.deid.normalise import name_key

_WORD = re.compile(r"[^\W\d_]+(?:'(?!s\b)[^\W\d_]+|-[^\W\d_]+)*|(?<![\w.])[^\W\d_]\.")
_PARTS = re.compile(r"[^\W\d_]+")
_SENTENCE_END = re.compile(r"(?:^|(?<![\s(][^\W\d_])(?<!^[^\W\d_])[.!?:•*\n\"(\[]|\s-)\s*$")
#: Titles and forms of address (English and Spanish) before a name.
TITLES = frozenset({
    "dr", "drs", "dra", "doctor", "doctora", "prof", "professor", "profesor", "profesora", "mr", "mrs",
    "ms", "mx", "miss", "sir", "dame", "nurse", "sister", "rev", "sr", "sra", "srta", "señor", "señora",
    "señorita", "don", "doña", "dña", "dn", "lic", "ing", "enf", "enfermera", "enfermero", "herr", "frau",
})
#: Particles inside a compound surname (van der Berg, de la Fuente).
PARTICLES = frozenset({"van", "von", "de", "der", "den", "del", "la", "las", "los", "le", "da", "di", "du",
                       "dos", "das", "ter", "y", "i", "bin", "al", "el", "st"})
#: Verbs after a sentence's first word that make that word a person ("Will rang", "May attended").
_PERSON_VERBS = re.compile(
    r"^\s+(?:rang|called|phoned|attended|came|arrived|returned|reports|reported|says|said|states|stated|"
    r"denies|denied|asked|asks|agreed|agrees|consented|consents|declined|declines|prefers|wants|wished|"
    r"wishes|understands|lives|lived|works|worked|presented|presents|complains|complained|tolerated|"
    r"underwent|needs|needed|feels|felt|knows|is\s+(?:a|an|aware)|"
    r"was\s+(?:a|an|seen|told|informed|contacted|called|advised|reassured|given|asked|phoned)|"
    r"has\s+(?:a|an|had|been\s+(?:told|seen|informed))|had\s+(?:a|an)|and\s+(?:his|her|their)|"
    r"refiere|acude|acudió|llamó|llama|dice|niega|vive|trabaja|presenta|consulta|ingresa|ingresó|"
    r"fue\s+(?:vist|informad|atendid|explorad|valorad|intervenid)[oa]|es\s+(?:un|una)|tiene|tuvo|"
    r"vendrá|llamará|traerá|acudirá|"
    r"(?:will|would|can|could|should|must|may)\s+(?:bring|come|call|phone|ring|attend|collect|visit|"
    r"return|be\s+(?:informed|told|contacted|seen)))\b", re.IGNORECASE)
#: A single known first name this common (Will, May, Long) needs a surname or a cue beside it.
_COMMON_WORD_ZIPF = 5.5


@dataclass(frozen=True, slots=True)
class Word:
    """One word of the (normalised) text."""

    start: int
    end: int
    text: str

    @property
    def key(self) -> str:
        return name_key(self.text)

    @property
    def capitalised(self) -> bool:
        letters = [c for c in self.text if c.isalpha()]
        return bool(letters) and letters[0].isupper()

    @property
    def initial(self) -> bool:
        dotted = len(self.text) == 2 and self.text.endswith(".")
        return dotted or (len(self.text) == 1 and self.text.isupper())


def words(text: str) -> list[Word]:
    """The words of ``text`` (compound names stay one word; initials such as ``J.`` are words)."""
    return [Word(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]


_NEXT_WORD = re.compile(r"(?:'s)?\s+([^\W\d_]+)")


def _eponym(text: str, word: Word) -> bool:
    """Whether ``word`` names a disease, sign or device rather than a person ("Baker's cyst")."""
    following = _NEXT_WORD.match(text, word.end)
    return following is not None and following.group(1).islower() and is_medical(following.group(1))


def _sentence_initial(text: str, word: Word) -> bool:
    return bool(_SENTENCE_END.search(text[max(0, word.start - 6):word.start]))


def _alone_on_line(text: str, word: Word) -> bool:
    line_end = text.find("\n", word.end)
    rest = text[word.end:line_end if line_end >= 0 else len(text)]
    before = text[:word.start].rsplit("\n", 1)[-1]
    # a signature: the name ends its line, after at most a greeting ("Thanks, Will", "- May")
    return not re.search(r"\w", rest) and len(re.findall(r"\w+", before)) <= 2 and \
        not re.search(r"\w\s*$", before)


def _adjacent(text: str, left: Word, right: Word) -> bool:
    gap = r"\.?[\s,]{1,3}" if left.initial else r"[\s,]{1,3}"
    return re.fullmatch(gap, text[left.end:right.start]) is not None


@dataclass(frozen=True, slots=True)
class _HeaderName:
    keys: frozenset[str]  # rare parts: removed wherever they occur
    weak: frozenset[str]  # ordinary words and nicknames: removed where used as a name
    fuzzy: tuple[str, ...]  # rare parts long enough for a typo or two
    initials: frozenset[str]


@lru_cache(maxsize=64)
def _header_names(parts: frozenset[str]) -> _HeaderName:
    strong: set[str] = set()
    weak: set[str] = set()
    initials: set[str] = set()
    for part in parts:
        pieces = [p for p in _PARTS.findall(part) if len(name_key(p)) >= 2]
        whole = name_key(part)
        if len(pieces) > 1 and len(whole) >= 2:
            strong.add(whole)
        for piece in pieces:
            key = name_key(piece)
            (weak if is_ordinary(piece) else strong).add(key)
            initials.add(key[0])
            weak.update(nickname_keys(piece) - {key})
    weak -= strong
    fuzzy = tuple(sorted(k for k in strong | weak if len(k) >= 5))
    return _HeaderName(frozenset(strong), frozenset(weak), fuzzy, frozenset(initials))


def _typo_of(key: str, candidates: Iterable[str]) -> bool:
    for candidate in candidates:
        allowed = 1 if len(candidate) < 8 else 2
        if abs(len(candidate) - len(key)) <= allowed and \
                Levenshtein.distance(key, candidate, score_cutoff=allowed) <= allowed:
            return True
    return False


def _header_strength(word: Word, header: _HeaderName) -> str | None:
    """"strong", "weak" or None: how ``word`` matches the header's name parts."""
    if word.initial:
        return None
    pieces = [name_key(p) for p in _PARTS.findall(word.text)]
    keys = {word.key, *pieces}
    if keys & header.keys:
        return "strong"
    if keys & header.weak:
        return "weak"
    rare = [k for k in keys if len(k) >= 5]
    if rare and header.fuzzy and not is_ordinary(word.text) and not is_medical(word.text) \
            and _typo_of(max(rare, key=len), header.fuzzy):
        return "strong" if word.capitalised else "weak"
    return None


def find_header_names(text: str, parts: frozenset[str]) -> Iterator[tuple[int, int]]:
    """Spans of ``text`` that write one of the header's name ``parts`` as a name."""
    if not parts:
        return
    header = _header_names(parts)
    found = words(text)
    strength = [_header_strength(w, header) for w in found]
    chosen = [False] * len(found)
    for index, kind in enumerate(strength):
        if kind == "strong":
            chosen[index] = True
        elif kind == "weak":
            chosen[index] = _used_as_name(text, found, strength, index)
    # initials glued to a chosen name ("J. Smith", "M. D. Fernández", "Smith, J.")
    for order in (range(len(found) - 1, -1, -1), range(len(found))):
        for index in order:
            word = found[index]
            if chosen[index] or not word.initial or word.key[:1] not in header.initials:
                continue
            chosen[index] = any(0 <= i < len(found) and chosen[i] and
                                _adjacent(text, *sorted((found[i], word), key=lambda w: w.start))
                                for i in (index - 1, index + 1))
    for index, word in enumerate(found):
        if chosen[index]:
            dotted = word.initial and text[word.end:word.end + 1] == "."
            yield word.start, word.end + dotted


def _used_as_name(text: str, found: list[Word], strength: list[str | None], index: int) -> bool:
    word = found[index]
    before = found[index - 1] if index > 0 else None
    after = found[index + 1] if index + 1 < len(found) else None
    next_to_name = any(
        other is not None and strength[i] is not None and _adjacent(text, *sorted((other, word),
                                                                              key=lambda w: w.start))
        and (other.capitalised or word.capitalised or strength[i] == "strong")
        for i, other in ((index - 1, before), (index + 1, after)))
    if next_to_name:
        return True
    if before is not None and name_key(before.text.rstrip(".")) in TITLES and \
            re.fullmatch(r"\.?[\s,]{1,3}", text[before.end:word.start]):
        return True
    if not word.capitalised or _eponym(text, word) or _title_case_line(text, word):
        return False
    if re.match(r"\s*\d", text[word.end:]):  # "Page 2", "Scan 3"
        return False
    if word.text.isupper() and len(word.text) > 1 and _in_capitals(text, found, index):
        return False
    if _alone_on_line(text, word):
        return True
    if not _sentence_initial(text, word):
        return True
    return bool(re.match(r"'s\b", text[word.end:]) or _PERSON_VERBS.match(text[word.end:]))


def _title_case_line(text: str, word: Word) -> bool:
    """Whether the word's line is written in Title Case ("Your Scan Results"): capitals prove nothing."""
    start = text.rfind("\n", 0, word.start) + 1
    end = text.find("\n", word.end)
    content = [w for w in re.findall(r"[^\W\d_]{4,}", text[start:end if end >= 0 else len(text)])]
    return len(content) >= 3 and sum(w[0].isupper() for w in content) >= 0.75 * len(content)


def _in_capitals(text: str, found: list[Word], index: int) -> bool:
    """Whether the word stands in a run of capitals (a heading), not alone in lower-case text."""
    word = found[index]
    neighbours = [found[i] for i in (index - 1, index + 1) if 0 <= i < len(found)]
    return any(n.text.isupper() and len(n.text) > 1 and
               re.fullmatch(r"[ \t]{1,2}", text[min(n.end, word.end):max(n.start, word.start)])
               for n in neighbours)


def _first_name(word: Word) -> bool:
    return word.key in first_names() and not is_medical(word.text)


def _name_like(word: Word) -> bool:
    """A capitalised word that may be part of a name (not medical, not a common sentence word)."""
    if not word.capitalised or is_medical(word.text) or word.key in TITLES:
        return False
    if word.initial:
        return True
    return word.key in first_names() or word.key in surnames() or not is_ordinary(word.text)


def find_people(text: str) -> Iterator[tuple[int, int]]:
    """Spans of other people's names known to the name lists, used as names (no cue word needed)."""
    found = words(text)
    index = 0
    while index < len(found):
        run = _run(text, found, index)
        if not run:
            index += 1
            continue
        index = found.index(run[-1]) + 1
        names = [w for w in run if not w.initial]
        if len(names) >= 2 and _eponym(text, run[-1]):  # "Hill Sachs lesion", "Ann Arbor staging"
            continue
        if len(names) >= 2 and any(_first_name(w) for w in names):
            yield run[0].start, run[-1].end
            continue
        # two or more capitalised words, each a known name or a rare word (not medical): a name
        if len(names) >= 2 and not any(_plain_word(w) for w in names) and (
                not _sentence_initial(text, run[0]) or _person_follows(text, run[-1].end)):
            yield run[0].start, run[-1].end
            continue
        word = run[0]
        # one unknown capitalised word opening a sentence with a person's verb ("Kasia will bring")
        if len(names) == 1 and not word.initial and word.key not in surnames() and \
                not is_ordinary(word.text) and not word.text.isupper() and _sentence_initial(text, word) and \
                _PERSON_VERBS.match(text[word.end:]):
            yield word.start, word.end
            continue
        if len(run) != 1 or not _first_name(word) or word.initial or zipf(word.text) >= _COMMON_WORD_ZIPF:
            continue
        if re.match(r"\s*\d", text[word.end:]) or _eponym(text, word):
            continue
        if not _sentence_initial(text, word) or _PERSON_VERBS.match(text[word.end:]) or \
                _alone_on_line(text, word):
            yield word.start, word.end


def _plain_word(word: Word) -> bool:
    """An ordinary word that is no known name, or a word in capitals (a heading, an acronym)."""
    known = word.key in first_names() or word.key in surnames()
    return word.text.isupper() or (is_ordinary(word.text) and not known)


def _person_follows(text: str, end: int) -> bool:
    """Whether a person's verb follows ``end`` (from the list, or a past tense: "interpreted")."""
    return bool(_PERSON_VERBS.match(text[end:]) or re.match(r"\s+[a-z]{3,}ed\b", text[end:]))


def _run(text: str, found: list[Word], index: int) -> list[Word]:
    """Capitalised name-like words from ``index`` on, joined by spaces and particles."""
    if not _name_like(found[index]):
        return []
    run = [found[index]]
    position = index + 1
    while position < len(found):
        gap = text[run[-1].end:found[position].start]
        candidate = found[position]
        if gap.strip() == "" and len(gap) <= 2 and _name_like(candidate):
            run.append(candidate)
            position += 1
            continue
        # particles between parts: "María de la Fuente", "Ludwig van Beethoven"
        look = position
        while look < len(found) and found[look].key in PARTICLES and not found[look].capitalised:
            look += 1
        if look > position and look < len(found) and _name_like(found[look]) and \
                text[run[-1].end:found[look].start].replace(" ", "").isalpha():
            run.append(found[look])
            position = look + 1
            continue
        break
    # a capitalised sentence word before the name ("Today Mary rang") is not part of it
    while len(run) > 1 and _sentence_initial(text, run[0]) and is_ordinary(run[0].text) and \
            run[0].key not in first_names():
        run = run[1:]
    return run
