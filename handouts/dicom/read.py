"""Reading a study's key object selections and presentation states back into a takehome session.

KOS documents ("Of Interest", "For Patient", …) become pre-selected key images; graphic and text
annotations of grayscale/colour presentation states become editable overlays on the images they
reference, shapes without a takehome equivalent are kept read-only; the state's window and
displayed area become the key image's window and crop. Files that cannot be read are reported,
never fatal: a study is still usable without them.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import pydicom
from pydicom.dataset import Dataset

from takehome.annotations.errors import AnnotationError
from takehome.annotations.model import Crop, KeyImage, Overlay, ReadOnlyShape, Session, Window
from takehome.handouts.dicom.errors import DicomImportError
from takehome.handouts.dicom.graphics import ImageGeometry, decode_graphics
from takehome.handouts.errors import InputError
from takehome.handouts.study import NOT_IMAGES, folder_files, looks_like_dicom

KOS_CLASS = "1.2.840.10008.5.1.4.1.1.88.59"
PRESENTATION_STATE_CLASSES = {
    "1.2.840.10008.5.1.4.1.1.11.1": "GSPS",
    "1.2.840.10008.5.1.4.1.1.11.2": "CSPS",
}
_KEY_OBJECT_DESCRIPTION = "113012"


@dataclass(frozen=True, slots=True)
class StudyImage:
    """An image file of the study: enough to make a key image of it."""

    path: Path
    sop_instance_uid: str
    rows: int
    columns: int
    frames: int


@dataclass(frozen=True, slots=True)
class KeySelection:
    """One KOS document: its title, description and the (instance, frame) pairs it selects."""

    sop_instance_uid: str
    title: str
    description: str
    references: tuple[tuple[str, int], ...]
    path: Path | None = None


@dataclass(frozen=True, slots=True)
class ImageAnnotations:
    """What presentation states say about one image (``frame`` None: every frame)."""

    sop_instance_uid: str
    frame: int | None
    overlays: tuple[Overlay, ...] = ()
    read_only_shapes: tuple[ReadOnlyShape, ...] = ()
    window: Window | None = None
    crop: Crop | None = None

    def applies_to(self, key: tuple[str, int]) -> bool:
        return self.sop_instance_uid == key[0] and (self.frame is None or self.frame == key[1])


@dataclass(frozen=True, slots=True)
class StudyObjects:
    """Everything found in a study's files that takehome can use."""

    images: Mapping[str, StudyImage]
    selections: tuple[KeySelection, ...] = ()
    annotations: tuple[ImageAnnotations, ...] = ()
    problems: tuple[str, ...] = ()


def _read_header(path: Path) -> Dataset:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            return pydicom.dcmread(path, stop_before_pixels=True)
    except Exception as exc:
        raise DicomImportError(f"{path}: not a readable DICOM file ({type(exc).__name__})") from None


def _int(value: object, default: int = 1) -> int:
    try:
        return int(value)  # type: ignore[call-overload, no-any-return]
    except (TypeError, ValueError):
        return default


def _frames(item: Dataset) -> list[int | None]:
    value = item.get("ReferencedFrameNumber")
    if value is None or value == "":
        return [None]
    values = value if isinstance(value, Sequence) and not isinstance(value, str) else [value]
    return [_int(v) for v in values] or [None]


def read_key_object_selection(ds: Dataset, path: Path | None = None) -> KeySelection:
    """The title, description and referenced (instance, frame) pairs of a KOS document."""
    if str(ds.get("SOPClassUID", "")) != KOS_CLASS:
        raise DicomImportError(f"{path or 'object'}: not a Key Object Selection document")
    title = ""
    names = ds.get("ConceptNameCodeSequence")
    if names:
        title = str(names[0].get("CodeMeaning", ""))
    description: list[str] = []
    references: list[tuple[str, int]] = []
    for item in ds.get("ContentSequence", []):
        kind = str(item.get("ValueType", ""))
        concept = item.get("ConceptNameCodeSequence")
        code = str(concept[0].get("CodeValue", "")) if concept else ""
        if kind == "TEXT" and code == _KEY_OBJECT_DESCRIPTION:
            description.append(str(item.get("TextValue", "")))
        elif kind in ("IMAGE", "COMPOSITE"):
            for ref in item.get("ReferencedSOPSequence", []):
                uid = str(ref.get("ReferencedSOPInstanceUID", ""))
                if uid:
                    references.extend((uid, frame or 1) for frame in _frames(ref))
    return KeySelection(str(ds.get("SOPInstanceUID", "")), title, "\n".join(description),
                        tuple(dict.fromkeys(references)), path)


def _referenced(item: Dataset) -> list[tuple[str, int | None]]:
    """(instance, frame or None) pairs of an item's Referenced Image Sequence."""
    pairs: list[tuple[str, int | None]] = []
    for ref in item.get("ReferencedImageSequence", []):
        uid = str(ref.get("ReferencedSOPInstanceUID", ""))
        if uid:
            pairs.extend((uid, frame) for frame in _frames(ref))
    return pairs


def _window(item: Dataset) -> Window | None:
    center, width = item.get("WindowCenter"), item.get("WindowWidth")
    if center is None or width is None:
        return None
    try:
        c = float(center[0] if isinstance(center, Sequence) and not isinstance(center, str) else center)
        w = float(width[0] if isinstance(width, Sequence) and not isinstance(width, str) else width)
        return Window(c, w)
    except (TypeError, ValueError, IndexError, AnnotationError):
        return None


def _area(item: Dataset, image: StudyImage) -> tuple[float, float, float, float] | None:
    try:
        x0, y0 = (int(v) for v in item.DisplayedAreaTopLeftHandCorner)
        x1, y1 = (int(v) for v in item.DisplayedAreaBottomRightHandCorner)
    except (AttributeError, TypeError, ValueError):
        return None
    return float(x0 - 1), float(y0 - 1), float(x1), float(y1)


def _crop(area: tuple[float, float, float, float] | None, image: StudyImage) -> Crop | None:
    if area is None:
        return None
    x0, y0 = max(area[0], 0.0), max(area[1], 0.0)
    x1, y1 = min(area[2], float(image.columns)), min(area[3], float(image.rows))
    if (x0, y0, x1, y1) == (0.0, 0.0, float(image.columns), float(image.rows)):
        return None
    try:
        return Crop(x0, y0, x1 - x0, y1 - y0)
    except AnnotationError:
        return None


def _per_image(items: Iterable[Dataset], targets: Sequence[tuple[str, int | None]]
               ) -> dict[tuple[str, int | None], Dataset]:
    """The item that applies to each target image: the one naming it, else one naming no image."""
    chosen: dict[tuple[str, int | None], Dataset] = {}
    generic: Dataset | None = None
    for item in items:
        refs = _referenced(item)
        if not refs:
            generic = generic or item
        for uid, frame in refs:
            for target in targets:
                if target[0] == uid and (frame is None or target[1] in (None, frame)):
                    chosen.setdefault(target if frame is None else (uid, frame), item)
    if generic is not None:
        for target in targets:
            if not any(k[0] == target[0] for k in chosen):
                chosen[target] = generic
    return chosen


def read_presentation_state(ds: Dataset, images: Mapping[str, StudyImage]) -> tuple[
        list[ImageAnnotations], list[str]]:
    """Overlays, window and crop per referenced image; and problems (images not in ``images``)."""
    problems: list[str] = []
    groups = {_int(g.get("GraphicGroupID"), 0): (str(g.get("GraphicGroupLabel", "")),
                                                  str(g.get("GraphicGroupDescription", "")))
              for g in ds.get("GraphicGroupSequence", [])}
    targets: list[tuple[str, int | None]] = []
    for series in ds.get("ReferencedSeriesSequence", []):
        targets.extend(_referenced(series))
    annotations: dict[tuple[str, int | None], list[Dataset]] = {}
    for item in ds.get("GraphicAnnotationSequence", []):
        refs = _referenced(item) or targets
        for ref in refs:
            annotations.setdefault(ref, []).append(item)
            if ref not in targets:
                targets.append(ref)
    framed = {uid for name in ("GraphicAnnotationSequence", "SoftcopyVOILUTSequence",
                               "DisplayedAreaSelectionSequence")
              for item in ds.get(name, []) for uid, frame in _referenced(item) if frame is not None}
    for uid in framed:  # frame-specific content: no separate entry for "every frame" of that image
        if (uid, None) in targets and (uid, None) not in annotations:
            targets.remove((uid, None))
    vois = _per_image(ds.get("SoftcopyVOILUTSequence", []), targets)
    areas = _per_image(ds.get("DisplayedAreaSelectionSequence", []), targets)
    result = []
    for target in dict.fromkeys(targets):
        uid, frame = target
        image = images.get(uid)
        if image is None:
            problems.append(f"presentation state {ds.get('SOPInstanceUID', '?')}: references instance {uid}, "
                            "which is not among the study's image files; its annotations were skipped")
            continue
        area = _area(areas[target], image) if target in areas else None
        geometry = ImageGeometry(image.columns, image.rows, area)
        decoded = decode_graphics(annotations.get(target, []), groups, geometry)
        result.append(ImageAnnotations(uid, frame, decoded.overlays, decoded.read_only_shapes,
                                       _window(vois[target]) if target in vois else None,
                                       _crop(area, image)))
    return result, problems


def _creation(ds: Dataset) -> str:
    return f"{ds.get('PresentationCreationDate', '')}{ds.get('PresentationCreationTime', '')}"


def scan_study(paths: Iterable[str | os.PathLike[str]], *,
               study_instance_uid: str | None = None) -> StudyObjects:
    """Sort a study's files into images, KOS documents and presentation states, and read them.

    With ``study_instance_uid``, objects of other studies (in a shared folder) are ignored.
    """
    images: dict[str, StudyImage] = {}
    kos: list[tuple[Path, Dataset]] = []
    states: list[tuple[Path, Dataset]] = []
    problems: list[str] = []
    for raw in paths:
        path = Path(raw)
        try:
            ds = _read_header(path)
        except DicomImportError as exc:
            problems.append(str(exc))
            continue
        sop_class = str(ds.get("SOPClassUID", ""))
        if study_instance_uid is not None and str(ds.get("StudyInstanceUID", "")) != study_instance_uid:
            continue
        if sop_class == KOS_CLASS:
            kos.append((path, ds))
        elif sop_class in PRESENTATION_STATE_CLASSES:
            states.append((path, ds))
        elif "Rows" in ds and "Columns" in ds and "SOPInstanceUID" in ds and sop_class not in NOT_IMAGES:
            uid = str(ds.SOPInstanceUID)
            images.setdefault(uid, StudyImage(path, uid, _int(ds.Rows), _int(ds.Columns),
                                              max(1, _int(ds.get("NumberOfFrames"), 1))))
    selections = []
    for path, ds in kos:
        try:
            selections.append(read_key_object_selection(ds, path))
        except (DicomImportError, AttributeError, TypeError, ValueError) as exc:
            problems.append(f"{path}: key object selection skipped ({exc})")
    annotations: list[ImageAnnotations] = []
    for path, ds in sorted(states, key=lambda s: _creation(s[1])):
        try:
            found, issues = read_presentation_state(ds, images)
        except (AnnotationError, AttributeError, TypeError, ValueError, KeyError, IndexError) as exc:
            problems.append(f"{path}: presentation state skipped ({type(exc).__name__}: {exc})")
            continue
        annotations.extend(found)
        problems.extend(issues)
    return StudyObjects(images, tuple(selections), tuple(annotations), tuple(problems))


def scan_beside(image_files: Iterable[str | os.PathLike[str]], *,
                study_instance_uid: str | None = None) -> StudyObjects:
    """Scan the folders that hold a study's image files (a PACS export puts KOS and presentation
    states next to the images): every file directly in those folders."""
    files: list[Path] = []
    for folder in dict.fromkeys(Path(f).parent for f in image_files):
        try:
            files.extend(sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")
                                and looks_like_dicom(p)))
        except OSError:
            continue
    return scan_study(files, study_instance_uid=study_instance_uid)


def scan_folder(folder: str | os.PathLike[str]) -> StudyObjects:
    """:func:`scan_study` over every DICOM file below ``folder`` (hidden files and DICOMDIRs skipped)."""
    root = Path(folder)
    if not root.is_dir():
        raise DicomImportError(f"{root}: no such folder")
    try:
        files = folder_files(root)
    except InputError as exc:
        raise DicomImportError(str(exc)) from None
    return scan_study(p for p in files if looks_like_dicom(p))


def _same(a: Overlay, b: Overlay) -> bool:
    return a.id == b.id or (a.kind is b.kind and a.label == b.label and all(
        abs(p.x - q.x) < 0.01 and abs(p.y - q.y) < 0.01 for p, q in zip(a.points, b.points, strict=True)))


def _annotate(image: KeyImage, annotations: Sequence[ImageAnnotations]) -> KeyImage:
    overlays = list(image.overlays)
    shapes = list(image.read_only_shapes)
    window, crop = image.window, image.crop
    for found in annotations:
        if not found.applies_to(image.key):
            continue
        for overlay in found.overlays:
            inside = all(0 <= p.x <= image.columns and 0 <= p.y <= image.rows for p in overlay.points)
            if inside and not any(_same(overlay, o) for o in overlays):
                overlays.append(overlay)
        shapes.extend(s for s in found.read_only_shapes if s not in shapes)
        window = found.window or window
        crop = found.crop or crop
    return replace(image, overlays=tuple(overlays), read_only_shapes=tuple(shapes), window=window,
                   crop=crop)


def key_images_for(study: StudyObjects, selection: KeySelection) -> tuple[list[KeyImage], list[str]]:
    """The key images a KOS selects, with the study's annotations; and what could not be found."""
    images: list[KeyImage] = []
    missing: list[str] = []
    for uid, frame in selection.references:
        found = study.images.get(uid)
        if found is None:
            missing.append(f"key object selection {selection.title or selection.sop_instance_uid}: "
                           f"instance {uid} is not among the study's image files")
            continue
        if frame > found.frames:
            missing.append(f"key object selection: instance {uid} has no frame {frame}")
            continue
        image = KeyImage(sop_instance_uid=uid, file=str(found.path), rows=found.rows,
                         columns=found.columns, frame=frame)
        images.append(_annotate(image, study.annotations))
    return images, missing


def apply_study(session: Session, study: StudyObjects,
                selections: Sequence[KeySelection] | None = None) -> Session:
    """The session with the KOS-selected images added (pre-selected, in order, no duplicates) and
    every key image's overlays, window and crop completed from the study's presentation states.

    ``selections`` None means all of the study's KOS documents.
    """
    chosen = study.selections if selections is None else selections
    images = [_annotate(image, study.annotations) for image in session.key_images]
    seen = {image.key for image in images}
    for selection in chosen:
        for image in key_images_for(study, selection)[0]:
            if image.key not in seen:
                seen.add(image.key)
                images.append(image)
    return session.with_images(images)
