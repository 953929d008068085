"""A free-text de-identification corpus: report sentences (English and Spanish) with planted identifiers.

Sentence templates are crossed with fake patients, many of them named with ordinary words (White,
Long, May, Page, Wall, Will, Scan, Rose, Hope; Blanco, Largo, Luz in Spanish), whose header says
the department is "Radiology". A template marks identifiers with ``{slot}`` and the medical words
that must survive with ``[[word]]``; the patient's own name is written in many ways (exact, capitals,
transliterated, with a soft hyphen or zero-width space inside, curly apostrophe, a typo, a
nickname, an initial, one half of a compound surname). Every sentence records the spans of its
identifiers and of its medical words, so leaks and lost words are counted exactly.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from pydicom.dataset import Dataset

from takehome.handouts.deid.identifiers import Identifiers


@dataclass(frozen=True)
class Patient:
    """Fake header values of one patient (only ever written into test data)."""

    given: str
    family: str
    title_en: str
    title_es: str
    birth: dt.date
    study: dt.date
    patient_id: str
    accession: str
    institution: str
    address: str
    #: ways of writing the patient's name other than as in the header (a typo, a nickname, ...)
    variants: tuple[str, ...]

    def identifiers(self) -> Identifiers:
        """What the header says, read the way a handout build reads it."""
        ds = Dataset()
        ds.PatientName = f"{self.family}^{self.given}"
        ds.PatientID = self.patient_id
        ds.AccessionNumber = self.accession
        ds.PatientBirthDate = self.birth.strftime("%Y%m%d")
        ds.StudyDate = self.study.strftime("%Y%m%d")
        ds.InstitutionName = self.institution
        ds.InstitutionAddress = self.address
        ds.InstitutionalDepartmentName = "Radiology"
        ds.ReferringPhysicianName = "Okafor^Chidi"
        return Identifiers.from_dataset(ds)


PATIENTS = (
    Patient("May", "White", "Mrs", "Sra.", dt.date(1954, 3, 17), dt.date(2024, 6, 5), "MRN4471902",
            "ACC99120734", "Saint Aidan's Royal Infirmary", "14 Harbour Road, Kingsbridge",
            ("MAY WHITE", "Whyte", "M. White")),
    Patient("William", "Long", "Mr", "Sr.", dt.date(1961, 11, 2), dt.date(2023, 2, 17), "PID88301275",
            "RX5530981", "Harbourview Clinic", "200 Quay Street, Port Ellery",
            ("Will Long", "Bill", "W. Long")),
    Patient("Rose", "Page", "Ms", "Sra.", dt.date(1979, 7, 30), dt.date(2024, 1, 9), "H-2298-411",
            "A77120345", "Northgate General Hospital", "3 Mill Lane, Northgate",
            ("ROSE PAGE", "Rosie", "R. Page")),
    Patient("Hope", "Wall", "Mrs", "Sra.", dt.date(1948, 12, 1), dt.date(2022, 10, 21), "55019923",
            "ACC20221021", "Wexcombe Infirmary", "7 Abbey Road, Wexcombe",
            ("HOPE WALL", "H. Wall", "Hope  Wall")),
    Patient("Peter", "Scan", "Mr", "Sr.", dt.date(1990, 5, 5), dt.date(2024, 3, 3), "SCN-001947",
            "ACC55512908", "Riverside Imaging Centre", "88 Canal Street, Millford",
            ("Pete", "P. Scan", "PETER SCAN")),
    Patient("Grace", "Will", "Ms", "Sra.", dt.date(1983, 8, 14), dt.date(2024, 8, 2), "GW-7781203",
            "RA11820045", "Saint Brigid's Hospital", "21 Orchard Way, Dunmore",
            ("Gracie", "G. Will", "GRACE WILL")),
    Patient("José Luis", "García-López", "Mr", "Sr.", dt.date(1966, 4, 22), dt.date(2024, 5, 13),
            "ES-4410092", "RX9912001", "Hospital Universitario La Paz", "Paseo de la Castellana 261, Madrid",
            ("Garcia Lopez", "López", "Pepe", "GARCÍA")),
    Patient("Jürgen", "Müller", "Mr", "Sr.", dt.date(1958, 9, 9), dt.date(2023, 12, 12), "DE-55120987",
            "ACC10203040", "Klinikum Rechts der Isar", "Ismaninger Strasse 22, Munich",
            ("Juergen Mueller", "Muller", "Mu\u00adller", "Mül\u200bler")),
    Patient("Søren", "Ødegaard", "Mr", "Sr.", dt.date(1972, 2, 28), dt.date(2024, 2, 29), "NO-8812340",
            "ACC77001234", "Haukeland Hospital", "Jonas Lies vei 65, Bergen",
            ("Soren Odegaard", "Soeren Oedegaard", "Odegard")),
    Patient("Łucja", "Kowalczyk", "Mrs", "Sra.", dt.date(1969, 6, 16), dt.date(2024, 7, 7), "PL-3390021",
            "ACC31415926", "Saint Luke's Hospital", "9 Vistula Close, Eastwick",
            ("Lucja Kowalczyk", "Kowalcyzk", "KOWALCZYK")),
    Patient("Siobhán", "O'Brien", "Ms", "Sra.", dt.date(1988, 10, 31), dt.date(2024, 4, 18), "IE-2020777",
            "ACC27182818", "Mater Misericordiae Hospital", "41 Eccles Street, Dublin",
            ("O’Brien", "Siobhan OBrien", "O\u2019BRIEN")),
    Patient("María Dolores", "Fernández", "Mrs", "Sra.", dt.date(1951, 1, 1), dt.date(2024, 9, 30),
            "ES-7781236", "RX4451203", "Hospital Clínico San Carlos",
            "Calle del Profesor Martín Lagos 5, Madrid",
            ("Lola", "Fernandez", "M. D. Fernández", "Fernándes")),
    Patient("Luz", "Largo", "Mrs", "Sra.", dt.date(1975, 3, 8), dt.date(2024, 11, 4), "ES-1200456",
            "RX7700812", "Hospital Virgen del Rocío", "Avenida Manuel Siurot 12, Sevilla",
            ("LUZ LARGO", "L. Largo", "Luz Largo")),
    Patient("Rosa", "Blanco", "Mrs", "Sra.", dt.date(1946, 8, 19), dt.date(2024, 6, 20), "ES-5566778",
            "RX3344556", "Hospital Universitario de Bellvitge", "Carrer de la Feixa Llarga 2, Hospitalet",
            ("Rosa Blanco", "R. Blanco", "BLANCO")),
)

#: Other people (relatives, staff) named in the text: not in any header.
OTHERS = (("Mary", "Jones"), ("Ahmed", "Khan"), ("Sarah", "Thompson"), ("Carmen", "Ruiz"),
          ("Olufemi", "Adeyemi"), ("Ingrid", "Larsen"), ("Tomás", "Herrera"), ("Priya", "Patel"),
          ("Daniel", "Novak"), ("Lucía", "Moreno"), ("Kenji", "Watanabe"), ("Fatima", "Benali"))
RELATIONS_EN = ("wife", "husband", "daughter", "son", "sister", "brother")
RELATIONS_ES = ("esposa", "marido", "hija", "hijo", "hermana", "hermano")
MONTHS_ES = ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
             "octubre", "noviembre", "diciembre")
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


def _slots(p: Patient, n: int) -> dict[str, str]:
    """Values for the identifier slots of sentence ``n`` about patient ``p``."""
    first, last = OTHERS[n % len(OTHERS)]
    given = p.given.split()[0]
    variant = p.variants[n % len(p.variants)]
    other_date = dt.date(2019 + n % 5, 1 + n % 12, 1 + (n * 7) % 28)
    b = p.birth
    return {
        "given": given, "family": p.family, "full": f"{given} {p.family}", "variant": variant,
        "title_en": p.title_en, "title_es": p.title_es,
        "other_first": first, "other_last": last, "other": f"{first} {last}",
        "relation_en": RELATIONS_EN[n % len(RELATIONS_EN)],
        "relation_es": RELATIONS_ES[n % len(RELATIONS_ES)],
        "dob_num": b.strftime("%d/%m/%Y"), "dob_words": f"{b.day} {b.strftime('%B')} {b.year}",
        "dob_es": f"{b.day} de {MONTHS_ES[b.month - 1]} de {b.year}",
        "dob_roman": f"{b.day}.{ROMAN[b.month - 1]}.{b.year}",
        "study_iso": p.study.isoformat(),
        "study_us": f"{p.study.strftime('%B')} {p.study.day}, {p.study.year}",
        "study_month": f"{p.study.strftime('%B')} {p.study.year}",
        "study_es_month": f"{MONTHS_ES[p.study.month - 1]} de {p.study.year}",
        "other_date": other_date.strftime("%d.%m.%Y"),
        "date_words": f"the {('first', 'second', 'third', 'fourth', 'fifth')[n % 5]} of "
                      f"{other_date.strftime('%B')} {other_date.year}",
        "pid": p.patient_id, "acc": p.accession, "institution": p.institution, "address": p.address,
        "phone_uk": f"020 79{n % 10}6 {1000 + n * 37 % 9000}",
        "phone_es": f"91{n % 10} 345 {100 + n % 900:03d}",
        "email": f"{given.lower()}.{last.lower()}@example.org".replace(" ", ""),
        "email_spelled": f"{first.lower()} dot {last.lower()} at example dot com",
        "email_es": f"{first.lower()} punto {last.lower()} arroba correo punto es",
        "street": f"{10 + n} Elm Street, Springfield", "calle": f"Calle Mayor {10 + n}, 3º B, Toledo",
    }


# Each template: text with {slot} identifiers and [[word]] medical words that must stay.
TEMPLATES_EN = (
    "{title_en} {family} attended for a [[liver]] [[ultrasound]] today.",
    "{full} was seen in the [[breast]] [[clinic]] on {study_iso}.",
    "Dear {given}, your [[scan]] shows a small [[cyst]] in the [[left]] [[kidney]].",
    "{variant} had a [[CT]] of the [[chest]] which [[may]] [[show]] [[scarring]].",
    "Patient {variant}, born {dob_num}, [[BI-RADS]] [[3]], [[may]] [[be]] [[benign]].",
    "A 2 cm [[white]] [[spot]] in the [[liver]] [[may]] [[be]] a [[haemangioma]]; "
    "reviewed with Dr. {other_last}.",
    "The [[gallbladder]] [[wall]] is [[thickened]] at 4 mm; {given} was told by {other}.",
    "A [[long]] [[segment]] of [[small]] [[bowel]] [[will]] need a [[follow-up]] [[scan]] in 3 months.",
    "[[White]] [[matter]] [[changes]] are [[mild]]. {title_en} {family} understands the [[results]].",
    "[[May]] [[be]] related to the previous [[surgery]]; "
    "discussed with {full}'s {relation_en} {other_first}.",
    "[[Scan]] [[was]] [[performed]] after [[contrast]]. {other} phoned the ward for {given}.",
    "See [[page]] 2 for the [[pictures]] of the [[hip]] [[joint]], {variant}.",
    "There is [[hope]] that the [[lesion]] [[will]] [[shrink]] with [[Herceptin]].",
    "[[Rose]] [[thorn]] [[injury]] of the [[hand]] with [[soft]] [[tissue]] [[swelling]]; DOB {dob_words}.",
    "Staging [[T2N0M0]], [[Gleason]] [[3+4]], [[PSA]] [[6.2]]; MRN {pid}.",
    "Fractures of the [[9/10/11]] [[ribs]] and [[C5-C6]]; accession {acc}.",
    "[[Nodes]] of [[10-12-15]] mm; [[platelets]] [[250000]]; [[viral]] [[load]] [[1200000]] copies/mL.",
    "[[Heparin]] [[25000]] [[International]] [[Units]] daily; scan booked at {institution}.",
    "Discussed with [[Urology]] and reviewed with [[MR]] [[Angiography]]; {other_first} rang later.",
    "Examined with [[Doppler]]; referred by [[Oncology]] for [[Herceptin]] [[monitoring]].",
    "From your [[radiology]] [[report]]: the [[Radiology]] [[department]] will call {phone_uk}.",
    "Write to {email} or {email_spelled} about the [[MRI]] [[results]].",
    "{given} lives at {street} and was scanned on {date_words}.",
    "Report for {variant} ({pid}) of {study_us}: [[normal]] [[appendix]].",
    "Follow-up [[ultrasound]] in {study_month} showed a [[stable]] [[nodule]], {title_en} {family}.",
    "Thanks,\n{given}",
    "{other} will bring the previous [[films]] to {institution}.",
    "Seen with {given} {family} and {relation_en} {other_first} {other_last} on {other_date}.",
    "Her [[Baker's]] [[cyst]] and [[Parkinson's]] [[disease]] are unchanged; {variant} agrees.",
    "Sent to {address}, for {title_en} {variant}.",
)
TEMPLATES_ES = (
    "La paciente {given} {family} acudió para [[ecografía]] [[abdominal]].",
    "{title_es} {family} presenta una [[lesión]] [[blanca]] de 2 cm en el [[hígado]].",
    "Fecha de nacimiento: {dob_es}. [[Nódulo]] [[tiroideo]] [[estable]].",
    "Nacido el {dob_roman}; [[TI-RADS]] [[3]].",
    "Su {relation_es} {other_first} llamó para preguntar por el [[resultado]] de {given}.",
    "Visto por la Dra. {other_last}. Comentado con [[Urología]].",
    "Vive en {calle}. [[Luz]] del [[colédoco]] [[normal]].",
    "Correo: {email_es}. [[Eje]] [[largo]] del [[riñón]] de 11 cm.",
    "[[Campo]] [[pulmonar]] [[derecho]] [[libre]]; {variant} fue informada.",
    "Exploración de {study_es_month} en {institution}; teléfono {phone_es}.",
    "{other} vendrá con las [[imágenes]] [[previas]] de {title_es} {family}.",
    "[[Sustancia]] [[blanca]] sin [[alteraciones]]. Firmado por {other}.",
    "Don {given} {family}, [[BI-RADS]] [[2]], [[mamografía]] [[normal]]; historia {pid}.",
    "[[Plaquetas]] [[250000]]; [[carga]] [[viral]] [[1200000]] copias/mL; {variant} acudió el {other_date}.",
)


@dataclass(frozen=True)
class Sentence:
    """One corpus sentence, the spans of its planted identifiers and of its medical words."""

    text: str
    language: str
    identifiers: tuple[tuple[int, int], ...]
    medical: tuple[tuple[int, int], ...]
    patient: Patient


#: Slots that are cue words, not identifiers (titles, relations).
CUE_SLOTS = frozenset({"title_en", "title_es", "relation_en", "relation_es"})
_MARK = re.compile(r"\{(\w+)\}|\[\[(.+?)\]\]")


def render(template: str, values: dict[str, str]) -> tuple[str, list[tuple[int, int]], list[tuple[int, int]]]:
    """The sentence, its identifier spans and its medical-word spans."""
    out: list[str] = []
    ids: list[tuple[int, int]] = []
    medical: list[tuple[int, int]] = []
    last = 0
    length = 0
    for match in _MARK.finditer(template):
        out.append(template[last:match.start()])
        length += match.start() - last
        piece = values[match.group(1)] if match.group(1) else match.group(2)
        if match.group(1) not in CUE_SLOTS:
            (ids if match.group(1) else medical).append((length, length + len(piece)))
        out.append(piece)
        length += len(piece)
        last = match.end()
    out.append(template[last:])
    return "".join(out), ids, medical


def sentences() -> list[Sentence]:
    """Every template with every second patient in turn: a fixed corpus of a few hundred sentences."""
    corpus = []
    n = 0
    for language, templates in (("en", TEMPLATES_EN), ("es", TEMPLATES_ES)):
        for t_index, template in enumerate(templates):
            for p_index, patient in enumerate(PATIENTS):
                if (p_index + t_index) % 2 and language == "en":
                    continue
                text, ids, medical = render(template, _slots(patient, n))
                corpus.append(Sentence(text, language, tuple(ids), tuple(medical), patient))
                n += 1
    return corpus


@dataclass
class Score:
    """Identifiers leaked, medical words lost and clean sentences flagged, over the corpus."""

    sentences: int = 0
    identifiers: int = 0
    leaked: int = 0
    medical: int = 0
    lost: int = 0
    clean: int = 0
    false_refusals: int = 0

    def add(self, sentence: Sentence, removed: list[tuple[int, int]]) -> list[str]:
        """Count one sentence; the problems found, described for a failure message."""
        covered = bytearray(len(sentence.text))
        for start, end in removed:
            covered[start:end] = b"\x01" * (end - start)
        problems = []
        self.sentences += 1
        for start, end in sentence.identifiers:
            self.identifiers += 1
            if any(not covered[i] for i in range(start, end) if sentence.text[i].isalnum()):
                self.leaked += 1
                problems.append(f"leaked {sentence.text[start:end]!r}")
        for start, end in sentence.medical:
            self.medical += 1
            if any(covered[start:end]):
                self.lost += 1
                problems.append(f"lost {sentence.text[start:end]!r}")
        if not sentence.identifiers:
            self.clean += 1
            if removed:
                self.false_refusals += 1
                problems.append("flagged a sentence without identifiers")
        return problems
