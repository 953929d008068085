"""The identifying values a DICOM header holds, gathered so they can be kept out of a handout.

Values are kept in memory only to be matched and removed; they are never logged or printed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pydicom.dataset import Dataset

#: Person names: the patient, relatives and staff (PS3.15 Table E.1-1 attributes of VR PN).
NAME_KEYWORDS = (
    "PatientName", "OtherPatientNames", "PatientBirthName", "PatientMotherBirthName",
    "ResponsiblePerson", "ReferringPhysicianName", "PerformingPhysicianName",
    "NameOfPhysiciansReadingStudy", "OperatorsName", "RequestingPhysician", "PhysiciansOfRecord",
    "ConsultingPhysicianName", "ScheduledPerformingPhysicianName", "PersonName",
    "VerifyingObserverName", "ContentCreatorName", "ReviewerName", "EvaluatorName",
)
#: Identifiers and free-text values that single out the patient or the place of care.
ID_KEYWORDS = (
    "PatientID", "OtherPatientIDs", "AccessionNumber", "StudyID", "MedicalRecordLocator",
    "IssuerOfPatientID", "PatientInsurancePlanCodeSequence", "MilitaryRank",
    "RequestedProcedureID", "PerformedProcedureStepID", "ScheduledProcedureStepID",
    "AdmissionID", "ServiceEpisodeID", "PatientTelephoneNumbers", "DeviceSerialNumber",
)
PHRASE_KEYWORDS = (
    "InstitutionName", "InstitutionAddress", "InstitutionalDepartmentName", "PatientAddress",
    "StationName", "ReferringPhysicianAddress", "ReferringPhysicianTelephoneNumbers",
    "RegionOfResidence", "CountryOfResidence", "PatientReligiousPreference",
)
DATE_KEYWORDS = (
    "PatientBirthDate", "StudyDate", "SeriesDate", "AcquisitionDate", "ContentDate",
    "InstanceCreationDate", "PerformedProcedureStepStartDate",
)
#: Sequences whose items carry more of the same (other IDs, request attributes, …).
NESTED_SEQUENCES = ("OtherPatientIDsSequence", "RequestAttributesSequence",
                    "ReferencedPatientSequence", "IssuerOfAccessionNumberSequence")

_MIN_NAME_PART = 2
_MIN_ID_CHARS = 3


@dataclass(frozen=True, slots=True)
class Identifiers:
    """Identifying values to keep out of the handout, grouped by how they are matched."""

    name_parts: frozenset[str] = field(default_factory=frozenset)
    ids: frozenset[str] = field(default_factory=frozenset)
    phrases: frozenset[str] = field(default_factory=frozenset)
    dates: frozenset[dt.date] = field(default_factory=frozenset)

    def __bool__(self) -> bool:
        return bool(self.name_parts or self.ids or self.phrases or self.dates)

    def __repr__(self) -> str:  # never show the values themselves
        return (f"Identifiers(names={len(self.name_parts)}, ids={len(self.ids)}, "
                f"phrases={len(self.phrases)}, dates={len(self.dates)})")

    def merge(self, other: Identifiers) -> Identifiers:
        return Identifiers(self.name_parts | other.name_parts, self.ids | other.ids,
                           self.phrases | other.phrases, self.dates | other.dates)

    @classmethod
    def union(cls, items: Iterable[Identifiers]) -> Identifiers:
        result = cls()
        for item in items:
            result = result.merge(item)
        return result

    @classmethod
    def from_dataset(cls, ds: Dataset) -> Identifiers:
        """Gather the identifiers of ``ds`` (and of the sequences that repeat patient data)."""
        names: set[str] = set()
        ids: set[str] = set()
        phrases: set[str] = set()
        dates: set[dt.date] = set()
        for item in _datasets(ds):
            for keyword in NAME_KEYWORDS:
                for value in _values(item, keyword):
                    names.update(name_parts(value))
            for keyword in ID_KEYWORDS:
                for value in _values(item, keyword):
                    if len(re.sub(r"[^0-9A-Za-z]", "", value)) >= _MIN_ID_CHARS:
                        ids.add(value.strip())
            for keyword in PHRASE_KEYWORDS:
                for value in _values(item, keyword):
                    if len(value.strip()) >= 3:
                        phrases.add(value.strip())
            for keyword in DATE_KEYWORDS:
                for value in _values(item, keyword):
                    parsed = parse_da(value)
                    if parsed is not None:
                        dates.add(parsed)
        return cls(frozenset(names), frozenset(ids), frozenset(phrases), frozenset(dates))


def _datasets(ds: Dataset) -> Iterable[Dataset]:
    yield ds
    for keyword in NESTED_SEQUENCES:
        yield from ds.get(keyword) or []


def _values(ds: Dataset, keyword: str) -> list[str]:
    try:
        element = ds.data_element(keyword)
    except (KeyError, ValueError, TypeError):
        return []
    if element is None or element.value is None or element.VR == "SQ":
        return []
    value: Any = element.value
    items = list(value) if isinstance(value, list | tuple) or element.VM > 1 else [value]
    return [str(v) for v in items if v not in (None, "")]


def name_parts(value: str) -> set[str]:
    """The words of a DICOM person name (all groups and components), each >= 2 letters."""
    parts: set[str] = set()
    for word in re.split(r"[\^=\s,.;/]+", value):
        word = word.strip("'\"()-")
        if len(word) >= _MIN_NAME_PART and any(ch.isalpha() for ch in word):
            parts.add(word)
    return parts


def parse_da(value: str) -> dt.date | None:
    """A DICOM DA value (YYYYMMDD, tolerating the old YYYY.MM.DD) as a date, or None."""
    digits = re.sub(r"[^0-9]", "", value)[:8]
    if len(digits) != 8:
        return None
    try:
        return dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return None
