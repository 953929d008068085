"""Names of other people introduced by a cue word, in English and Spanish whatever the handout's language.

Cues are titles (Dr., Mrs, Sra., Doña), relations (his wife, su hija, la madre de la paciente),
roles and signatures (seen by, reviewed with, informado por, firmado por, Name:). After a title
every capitalised word is part of the name; after a relation or a role the run stops at a word that
is not a name: a sentence word, a medical word (a specialty, a modality, a drug, a device), a
generic place of care, or an ordinary word that is no known name ("Discussed with Urology",
"reviewed with MR Angiography", "started Herceptin" keep their words).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from takehome.handouts.deid.lexicon import (
    first_names,
    is_generic_place,
    is_generic_place_word,
    is_medical,
    is_ordinary,
    surnames,
)
from takehome.handouts.deid.normalise import name_key

_UPPER = "A-ZÀ-ÖØ-Þ"
_LOWER = "a-zß-öø-ÿ"
_NAME_WORD = rf"(?:[{_UPPER}][{_LOWER}'\-]+|[{_UPPER}]\.|[{_UPPER}]{{2,}}(?![{_LOWER}]))"
_PARTICLES = r"(?:van|von|de|der|den|la|le|da|di|du|del|bin|al|ter|o'|y)"
_NAME_RUN = rf"(?:{_PARTICLES}\s+)*{_NAME_WORD}(?:\s+(?:{_PARTICLES}\s+)*{_NAME_WORD}){{0,3}}"
_TITLES = (r"dr|drs|dra|doctor|doctora|prof|professor|profesor|profesora|mr|mrs|ms|mx|miss|madam|sir|"
           r"dame|nurse|sister|matron|rev|reverend|fr|father|pastor|rabbi|imam|herr|frau|mme|mlle|sr|sra|"
           r"srta|señor|señora|señorita|don|doña|dña|lic|ing|enf|enfermera|enfermero|dott|dott\.ssa")
_TITLED = re.compile(rf"(?<![\w])(?i:{_TITLES})\.?\s+(?P<name>{_NAME_RUN})")
_TITLE_OPT = rf"(?P<title>(?i:{_TITLES})\.?\s+)?"
_RELATIONS = (r"wife|husband|partner|spouse|son|daughter|mother|father|mum|mom|dad|brother|sister|"
              r"sibling|aunt|uncle|niece|nephew|cousin|grandson|granddaughter|grandmother|grandfather|"
              r"fiancée?|friend|neighbou?r|carer|caregiver|guardian|child|children|boyfriend|girlfriend|"
              r"relative|colleague|employer|interpreter|translator|"
              r"esposa|esposo|marido|mujer|hij[oa]s?|madre|padre|mamá|papá|herman[oa]s?|abuel[oa]|niet[oa]|"
              r"tío|tía|tio|tia|sobrin[oa]|prim[oa]|pareja|novi[oa]|cuñad[oa]|suegr[oa]|yerno|nuera|amig[oa]|"
              r"vecin[oa]|cuidador[a]?|tutor[a]?|acompañante|familiar|intérprete|interprete")
_RELATED = re.compile(
    rf"(?<![\w])(?i:(?:his|her|their|the\s+patient'?s|patient'?s|my|your|whose|a|the|su|sus|el|la|mi|tu)"
    rf"\s+(?:{_RELATIONS})(?:\s+(?:del|de\s+la)\s+paciente)?)"
    rf"\s*,?\s+(?:\(|is\s+|named\s+|called\s+|llamad[oa]\s+|se\s+llama\s+|es\s+)?{_TITLE_OPT}(?P<name>{_NAME_RUN})")
_ROLES = re.compile(
    rf"(?<![\w])(?i:(?:reported|dictated|signed|verified|approved|authori[sz]ed|transcribed|typed|read|"
    rf"seen|examined|referred|requested|performed|scanned|reviewed|discussed|accompanied|"
    rf"electronically\s+signed)\s+(?:by|with)|cc|attn|attention|"
    rf"(?:referring|reporting|attending|ordering|requesting)\s+(?:physician|doctor|clinician|radiologist|"
    rf"consultant)|radiologist|sonographer|technologist|radiographer|consultant|gp|physician|"
    rf"patient(?:'s)?\s+name|name|contact|next\s+of\s+kin|nok|"
    rf"(?:vist[oa]|informad[oa]|firmad[oa]|dictad[oa]|revisad[oa]|realizad[oa]|remitid[oa]|derivad[oa]|"
    rf"solicitad[oa]|validad[oa]|explorad[oa]|acompañad[oa])\s+(?:por|de)|"
    rf"(?:comentad[oa]|hablad[oa]|consultad[oa]|discutid[oa])\s+con|"
    rf"médic[oa]\s+(?:remitente|solicitante|responsable|de\s+cabecera)|medic[oa]\s+(?:remitente|solicitante)|"
    rf"radiólog[oa]|radiolog[oa]|técnic[oa]|ecografista|nombre(?:\s+del?\s+paciente)?|paciente|contacto|"
    rf"atentamente|firma|fdo\.?|"
    rf"(?:given|sent|copied|explained|shown|handed|passed|forwarded|spoke|spoken|talked)\s+(?:to|with)|"
    rf"informed|told|phoned|rang|contacted|thanked|"
    rf"(?:entregad[oa]|enviad[oa]|explicad[oa])\s+a|(?:habló|hablé|hablamos)\s+con|informamos\s+a)"
    rf"\s*[:,\-]?\s+{_TITLE_OPT}(?P<name>{_NAME_RUN})")
#: Capitalised words that can follow a cue without being a name (sentence words, report headings).
_NOT_NAMES = frozenset(w.casefold() for w in (
    "The", "A", "An", "This", "That", "These", "Those", "It", "He", "She", "They", "We", "I", "You",
    "His", "Her", "Their", "Our", "Your", "My", "In", "On", "At", "Of", "For", "With", "And", "Or",
    "But", "No", "Not", "Yes", "To", "From", "By", "As", "Is", "Was", "Are", "Were", "Has", "Had",
    "Today", "Yesterday", "Tomorrow", "Who", "Which", "Also", "Please", "See", "Note", "If", "When",
    "Findings", "Impression", "Report", "Conclusion", "Comparison", "History", "Indication",
    "Technique", "Team", "Staff", "Patient", "Family", "MDT", "Unknown", "N/A", "None", "Consent",
    "El", "La", "Los", "Las", "Un", "Una", "Se", "Su", "Sus", "Hoy", "Ayer", "Mañana", "Paciente",
    "Familia", "Equipo", "Informe", "Hallazgos", "Conclusión", "Sí", "Con", "Sin", "Por", "Para", "Que",
))


_PLACE_CUES = re.compile(
    rf"(?<![\w])(?i:(?:lives|living|lived|resident|residing|born|holiday|holidays|home|settled|works|"
    rf"working|worked)\s+(?:in|at|near)|"
    rf"resident\s+of|moved\s+(?:to|from)|(?:comes|came|is|was|originally|travel(?:l)?ed|returned|back|"
    rf"transferred|flew|emigrated|relocated)\s+(?:from|to)|"
    rf"(?:vive|viven|vivía|reside|residente|residía|nacid[oa]|afincad[oa]|trabaja|trabajaba)\s+en|"
    rf"natural\s+de|"
    rf"procedente\s+de|(?:viene|vino|vuelve|volvió|regresó|trasladad[oa])\s+(?:de|desde|a)|de\s+viaje\s+(?:a|en|por))"
    rf"\s+(?P<name>{_NAME_RUN})")


def cued_places(text: str) -> Iterator[tuple[int, int]]:
    """Spans of towns, cities and regions that follow a place cue ("lives in", "natural de")."""
    for match in _PLACE_CUES.finditer(text):
        span = _name_span(text, match.start("name"), match.end("name"), titled=False, place=True)
        if span is not None:
            yield span


def cued_names(text: str) -> Iterator[tuple[int, int]]:
    """Spans of names that follow a title, a relation or a role cue."""
    for pattern, titled in ((_TITLED, True), (_RELATED, False), (_ROLES, False)):
        for match in pattern.finditer(text):
            title = (text[match.start():match.start("name")] if titled
                     else match.groupdict().get("title") or "").strip()
            if title and _acronym(title, match.group("name")):  # "MR Angiography", "MS plaques"
                if titled:
                    continue
                title = ""
            has_title = bool(title)
            span = _name_span(text, match.start("name"), match.end("name"), has_title)
            if span is not None:
                yield span


def _acronym(title: str, name: str) -> bool:
    """Whether a title written in capitals without a dot is an acronym (MR, MS, DR) before a
    mixed-case word: in capitals a title only introduces a name written in capitals too."""
    return title.isupper() and not title.endswith(".") and not name.split()[0].isupper()


def _could_be_name(raw: str, titled: bool, place: bool = False) -> bool:
    if re.fullmatch(r"[A-ZÀ-Þ]\.", raw) and not place:  # an initial
        return True
    bare = raw.strip(".,;:()'’")
    if not bare or bare.casefold() in _NOT_NAMES:
        return False
    if titled:  # after a title an eponym is the person ("Dr. Parkinson"); a place of care is not
        return not is_generic_place_word(bare)
    if is_generic_place(bare):
        return False
    if place:  # town names are often ordinary words (Bath, Reading, Mobile): any capitalised non-medical word
        return not is_medical(bare) and not bare.isupper()
    key = name_key(bare)
    if key in first_names() or key in surnames():
        return not is_medical(bare) or len(bare) <= 2
    if len(bare) <= 2 and bare.isupper():  # initials
        return True
    return not is_medical(bare) and not is_ordinary(bare)


def _name_span(text: str, start: int, end: int, titled: bool, place: bool = False) -> tuple[int, int] | None:
    """The run of name words from ``start``, cut at the first word that cannot be a name."""
    kept_end = start
    for word in re.finditer(r"[^\s]+", text[start:end]):
        if re.fullmatch(_PARTICLES, word.group()):  # "Alcalá de Henares", "van der Berg"
            continue
        if not _could_be_name(word.group().rstrip(",;:"), titled, place):
            break
        kept_end = start + word.end()
    while kept_end > start and text[kept_end - 1] in ",;:":
        kept_end -= 1
    return (start, kept_end) if kept_end > start else None
