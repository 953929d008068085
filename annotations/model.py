"""The consultation model: key images, their overlays and the report excerpts paired with them.

Everything is an immutable value; edits make new objects (``dataclasses.replace``), which keeps
undo/redo and autosave trivial. Coordinates are image pixel space: (column, row), sub-pixel floats,
with (0, 0) at the top-left corner of the top-left pixel.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from takehome.annotations.errors import AnnotationError
from takehome.annotations.input_file import MAX_PATH_BYTES, InputFileError, check_path
from takehome.annotations.values import (
    MAX_FRAME,
    MAX_IMAGE_SIDE,
    MAX_MODALITY_VALUE,
    finite,
    short,
    validate_uid,
    whole,
)
from takehome.annotations.values import text as valid_text

SCHEMA_VERSION = 1

_COLOR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")

DEFAULT_COLOR = "#ffd400"
MAX_LABEL_LENGTH = 200
MAX_EXCERPT_LENGTH = 5000


class ShapeKind(StrEnum):
    """The overlay shapes a clinician can draw."""

    ARROW = "arrow"
    LINE = "line"
    ELLIPSE = "ellipse"
    RECTANGLE = "rectangle"
    TEXT = "text"


#: How many points each shape is defined by: arrow (tail, head), line (end, end),
#: ellipse and rectangle (two opposite corners of the bounding box), text (anchor).
POINT_COUNT: dict[ShapeKind, int] = {
    ShapeKind.ARROW: 2,
    ShapeKind.LINE: 2,
    ShapeKind.ELLIPSE: 2,
    ShapeKind.RECTANGLE: 2,
    ShapeKind.TEXT: 1,
}


def new_id() -> str:
    """A fresh random identifier for an overlay or excerpt (no meaning, no patient data)."""
    return uuid.uuid4().hex[:12]


@dataclass(frozen=True, slots=True)
class Point:
    """A position in image pixel space: ``x`` is the column, ``y`` the row."""

    x: float
    y: float

    def __post_init__(self) -> None:
        object.__setattr__(self, "x", finite(self.x, "points (column)"))
        object.__setattr__(self, "y", finite(self.y, "points (row)"))

    def to_dict(self) -> list[float]:
        return [self.x, self.y]

    @classmethod
    def from_dict(cls, data: object) -> Point:
        if not isinstance(data, list | tuple) or len(data) != 2:
            raise AnnotationError(f"points: expected [column, row], got {short(data)}")
        return cls(data[0], data[1])


@dataclass(frozen=True, slots=True)
class Window:
    """A display window (VOI): centre and width in modality units (e.g. Hounsfield units)."""

    center: float
    width: float

    def __post_init__(self) -> None:
        object.__setattr__(self, "center", finite(self.center, "window.center", limit=MAX_MODALITY_VALUE))
        width = finite(self.width, "window.width", limit=2 * MAX_MODALITY_VALUE)
        if width < 1:
            raise AnnotationError(f"window.width: must be >= 1, got {width}")
        object.__setattr__(self, "width", width)

    def to_dict(self) -> dict[str, float]:
        return {"center": self.center, "width": self.width}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Window:
        _require_keys(data, "window", ("center", "width"))
        return cls(data["center"], data["width"])


@dataclass(frozen=True, slots=True)
class Crop:
    """The part of the image shown, in pixels: top-left corner and size (zoom = crop)."""

    x: float
    y: float
    width: float
    height: float

    def __post_init__(self) -> None:
        for name in ("x", "y", "width", "height"):
            object.__setattr__(self, name, finite(getattr(self, name), f"crop.{name}"))
        if self.x < 0 or self.y < 0:
            raise AnnotationError(f"crop: top-left corner ({self.x}, {self.y}) is outside the image")
        if self.width < 1 or self.height < 1:
            raise AnnotationError(f"crop: size {self.width}x{self.height} must be at least 1x1 px")

    def to_dict(self) -> dict[str, float]:
        return {"x": self.x, "y": self.y, "width": self.width, "height": self.height}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Crop:
        _require_keys(data, "crop", ("x", "y", "width", "height"))
        return cls(data["x"], data["y"], data["width"], data["height"])


@dataclass(frozen=True, slots=True)
class Overlay:
    """One shape drawn on a key image, with an optional label and a colour (``#rrggbb``)."""

    kind: ShapeKind
    points: tuple[Point, ...]
    label: str = ""
    color: str = DEFAULT_COLOR
    id: str = field(default_factory=new_id)

    def __post_init__(self) -> None:
        try:
            kind = ShapeKind(self.kind)
        except ValueError:
            known = ", ".join(k.value for k in ShapeKind)
            raise AnnotationError(
                f"overlay.kind: unknown shape kind {short(self.kind)} (expected one of {known})"
            ) from None
        object.__setattr__(self, "kind", kind)
        points = tuple(p if isinstance(p, Point) else Point.from_dict(p) for p in self.points)
        if len(points) != POINT_COUNT[kind]:
            raise AnnotationError(
                f"overlay.points: a {kind.value} needs {POINT_COUNT[kind]} point(s), got {len(points)}"
            )
        object.__setattr__(self, "points", points)
        valid_text(self.label, "overlay.label", MAX_LABEL_LENGTH)
        if kind is ShapeKind.TEXT and not self.label.strip():
            raise AnnotationError("overlay.label: a text overlay needs non-empty text")
        if not isinstance(self.color, str) or not _COLOR_RE.match(self.color):
            raise AnnotationError(f"overlay.color: expected '#rrggbb', got {short(self.color)}")
        valid_text(self.id, "overlay.id", 64)

    def moved(self, dx: float, dy: float) -> Overlay:
        """The same overlay translated by (dx, dy) pixels."""
        return replace(self, points=tuple(Point(p.x + dx, p.y + dy) for p in self.points))

    def bounds(self) -> tuple[float, float, float, float]:
        """(x0, y0, x1, y1) of the shape's points."""
        xs = [p.x for p in self.points]
        ys = [p.y for p in self.points]
        return min(xs), min(ys), max(xs), max(ys)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind.value,
            "points": [p.to_dict() for p in self.points],
            "label": self.label,
            "color": self.color,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Overlay:
        _require_keys(data, "overlay", ("kind", "points"))
        points = data["points"]
        if not isinstance(points, list):
            raise AnnotationError(f"overlay.points: expected a list of [column, row], got {short(points)}")
        kwargs: dict[str, Any] = {}
        if "id" in data:
            kwargs["id"] = data["id"]
        return cls(
            kind=data["kind"],
            points=tuple(Point.from_dict(p) for p in points),
            label=data.get("label", ""),
            color=data.get("color", DEFAULT_COLOR),
            **kwargs,
        )


#: Graphic types a read-only shape may have (DICOM presentation state Graphic Type values).
READ_ONLY_GRAPHIC_TYPES = ("POINT", "POLYLINE", "INTERPOLATED", "CIRCLE", "ELLIPSE", "MULTIPOINT")


@dataclass(frozen=True, slots=True)
class ReadOnlyShape:
    """A shape imported from a DICOM presentation state that takehome cannot edit, kept as it was.

    ``graphic_type`` is the DICOM Graphic Type; ``points`` are in image pixel space like overlays.
    """

    graphic_type: str
    points: tuple[Point, ...]
    label: str = ""
    color: str = DEFAULT_COLOR
    filled: bool = False

    def __post_init__(self) -> None:
        if self.graphic_type not in READ_ONLY_GRAPHIC_TYPES:
            known = ", ".join(READ_ONLY_GRAPHIC_TYPES)
            raise AnnotationError(f"read_only_shape.graphic_type: unknown DICOM graphic type "
                                  f"{short(self.graphic_type)} (expected one of {known})")
        points = tuple(p if isinstance(p, Point) else Point.from_dict(p) for p in self.points)
        if not points:
            raise AnnotationError("read_only_shape.points: at least one point is required")
        object.__setattr__(self, "points", points)
        valid_text(self.label, "read_only_shape.label", MAX_LABEL_LENGTH)
        if not isinstance(self.color, str) or not _COLOR_RE.match(self.color):
            raise AnnotationError(f"read_only_shape.color: expected '#rrggbb', got {short(self.color)}")
        if not isinstance(self.filled, bool):
            raise AnnotationError(f"read_only_shape.filled: expected true or false, got {short(self.filled)}")

    def to_dict(self) -> dict[str, Any]:
        return {"graphic_type": self.graphic_type, "points": [p.to_dict() for p in self.points],
                "label": self.label, "color": self.color, "filled": self.filled}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ReadOnlyShape:
        _require_keys(data, "read_only_shape", ("graphic_type", "points"))
        points = _list(data["points"], "read_only_shape.points")
        return cls(graphic_type=data["graphic_type"], points=tuple(Point.from_dict(p) for p in points),
                   label=data.get("label", ""), color=data.get("color", DEFAULT_COLOR),
                   filled=data.get("filled", False))


@dataclass(frozen=True, slots=True)
class Excerpt:
    """A piece of the radiology report, as the patient will read it, attached to a key image."""

    text: str
    id: str = field(default_factory=new_id)

    def __post_init__(self) -> None:
        valid_text(self.text, "excerpt.text", MAX_EXCERPT_LENGTH, multiline=True)
        if not self.text.strip():
            raise AnnotationError("excerpt.text: an excerpt cannot be empty")
        valid_text(self.id, "excerpt.id", 64)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "text": self.text}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Excerpt:
        _require_keys(data, "excerpt", ("text",))
        if "id" in data:
            return cls(text=data["text"], id=data["id"])
        return cls(text=data["text"])


class RedactionStatus(StrEnum):
    """What happens to a region of an image that may hold burned-in text."""

    REDACT = "redact"  # filled in the printed pixels
    DISMISSED = "dismissed"  # looked at by the clinician: not identifying, printed as is
    PENDING = "pending"  # found, not decided yet: export refuses until it is decided


class RedactionSource(StrEnum):
    """Who proposed a redaction region."""

    OCR = "ocr"  # text found in the pixels
    MANUAL = "manual"  # drawn by the clinician
    HEADER = "header"  # from what the DICOM header says (e.g. outside an ultrasound region)


@dataclass(frozen=True, slots=True)
class Redaction:
    """A rectangle of image pixels (column x, row y, width, height) to fill before printing, or not.

    ``reason`` says why in plain words (e.g. "date", "patient ID"); it never holds the text itself.
    """

    x: float
    y: float
    width: float
    height: float
    status: RedactionStatus = RedactionStatus.REDACT
    source: RedactionSource = RedactionSource.MANUAL
    reason: str = ""
    id: str = field(default_factory=new_id)

    def __post_init__(self) -> None:
        for name in ("x", "y", "width", "height"):
            object.__setattr__(self, name, finite(getattr(self, name), f"redaction.{name}"))
        if self.width <= 0 or self.height <= 0:
            raise AnnotationError(f"redaction: size {self.width:g}x{self.height:g} must be positive")
        for name, kind in (("status", RedactionStatus), ("source", RedactionSource)):
            value = getattr(self, name)
            try:
                object.__setattr__(self, name, kind(value))
            except ValueError:
                known = ", ".join(k.value for k in kind)
                raise AnnotationError(
                    f"redaction.{name}: unknown value {short(value)} (expected one of {known})") from None
        valid_text(self.reason, "redaction.reason", MAX_LABEL_LENGTH)
        valid_text(self.id, "redaction.id", 64)

    def bounds(self) -> tuple[float, float, float, float]:
        """(x0, y0, x1, y1) in pixels."""
        return self.x, self.y, self.x + self.width, self.y + self.height

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "x": self.x, "y": self.y, "width": self.width, "height": self.height,
                "status": self.status.value, "source": self.source.value, "reason": self.reason}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Redaction:
        _require_keys(data, "redaction", ("x", "y", "width", "height"))
        kwargs: dict[str, Any] = {}
        if "id" in data:
            kwargs["id"] = data["id"]
        return cls(x=data["x"], y=data["y"], width=data["width"], height=data["height"],
                   status=data.get("status", RedactionStatus.REDACT.value),
                   source=data.get("source", RedactionSource.MANUAL.value),
                   reason=data.get("reason", ""), **kwargs)


@dataclass(frozen=True, slots=True)
class KeyImage:
    """A chosen image: which instance and frame, how it is displayed, what is drawn and said about it.

    ``rows``/``columns`` are the image size, kept so that overlays can be validated without the file.
    ``frame`` is 1-based, as DICOM numbers frames. ``window`` None means the header's window.
    """

    sop_instance_uid: str
    file: str
    rows: int
    columns: int
    frame: int = 1
    window: Window | None = None
    crop: Crop | None = None
    overlays: tuple[Overlay, ...] = ()
    excerpts: tuple[Excerpt, ...] = ()
    caption: str = ""
    #: Shapes imported from a DICOM presentation state with no takehome equivalent (not editable).
    read_only_shapes: tuple[ReadOnlyShape, ...] = ()
    #: Regions of the pixels that may hold burned-in text: filled when printed, or dismissed.
    redactions: tuple[Redaction, ...] = ()

    def __post_init__(self) -> None:
        validate_uid(self.sop_instance_uid, "key_image.sop_instance_uid")
        if not valid_text(self.file, "key_image.file", MAX_PATH_BYTES).strip():
            raise AnnotationError("key_image.file: the DICOM file path is required")
        try:
            check_path(self.file)
        except InputFileError as exc:
            raise AnnotationError(f"key_image.file: {exc.problem}") from None
        whole(self.rows, "key_image.rows", high=MAX_IMAGE_SIDE)
        whole(self.columns, "key_image.columns", high=MAX_IMAGE_SIDE)
        whole(self.frame, "key_image.frame", high=MAX_FRAME)
        valid_text(self.caption, "key_image.caption", MAX_LABEL_LENGTH)
        object.__setattr__(self, "overlays", tuple(self.overlays))
        object.__setattr__(self, "excerpts", tuple(self.excerpts))
        object.__setattr__(self, "read_only_shapes", tuple(self.read_only_shapes))
        object.__setattr__(self, "redactions", tuple(self.redactions))
        if self.crop is not None and (
            self.crop.x + self.crop.width > self.columns + 1e-6
            or self.crop.y + self.crop.height > self.rows + 1e-6
        ):
            raise AnnotationError(
                f"key_image.crop: {self.crop} reaches outside the {self.columns}x{self.rows} image"
            )
        for index, overlay in enumerate(self.overlays):
            for point in overlay.points:
                if not (0 <= point.x <= self.columns and 0 <= point.y <= self.rows):
                    raise AnnotationError(
                        f"key_image.overlays[{index}].points: ({point.x:g}, {point.y:g}) is outside "
                        f"the {self.columns}x{self.rows} image"
                    )

    @property
    def key(self) -> tuple[str, int]:
        """Identity of the shown image: instance UID and frame."""
        return (self.sop_instance_uid, self.frame)

    def to_dict(self) -> dict[str, Any]:
        data = {
            "sop_instance_uid": self.sop_instance_uid,
            "file": self.file,
            "frame": self.frame,
            "rows": self.rows,
            "columns": self.columns,
            "window": None if self.window is None else self.window.to_dict(),
            "crop": None if self.crop is None else self.crop.to_dict(),
            "caption": self.caption,
            "overlays": [o.to_dict() for o in self.overlays],
            "excerpts": [e.to_dict() for e in self.excerpts],
        }
        if self.read_only_shapes:  # only when present: older readers and files stay unchanged
            data["read_only_shapes"] = [s.to_dict() for s in self.read_only_shapes]
        if self.redactions:  # only when present, as above
            data["redactions"] = [r.to_dict() for r in self.redactions]
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> KeyImage:
        _require_keys(data, "key_image", ("sop_instance_uid", "file", "rows", "columns"))
        overlays = _list(data.get("overlays", []), "key_image.overlays")
        excerpts = _list(data.get("excerpts", []), "key_image.excerpts")
        shapes = _list(data.get("read_only_shapes", []), "key_image.read_only_shapes")
        redactions = _list(data.get("redactions", []), "key_image.redactions")
        window = data.get("window")
        crop = data.get("crop")
        return cls(
            sop_instance_uid=data["sop_instance_uid"],
            file=data["file"],
            rows=data["rows"],
            columns=data["columns"],
            frame=data.get("frame", 1),
            window=None if window is None else Window.from_dict(_mapping(window, "window")),
            crop=None if crop is None else Crop.from_dict(_mapping(crop, "crop")),
            caption=data.get("caption", ""),
            overlays=tuple(
                _indexed(Overlay.from_dict, o, f"key_image.overlays[{i}]")
                for i, o in enumerate(overlays)
            ),
            excerpts=tuple(
                _indexed(Excerpt.from_dict, e, f"key_image.excerpts[{i}]")
                for i, e in enumerate(excerpts)
            ),
            read_only_shapes=tuple(
                _indexed(ReadOnlyShape.from_dict, s, f"key_image.read_only_shapes[{i}]")
                for i, s in enumerate(shapes)
            ),
            redactions=tuple(
                _indexed(Redaction.from_dict, r, f"key_image.redactions[{i}]")
                for i, r in enumerate(redactions)
            ),
        )


@dataclass(frozen=True, slots=True)
class Session:
    """One consultation: the ordered key images of a study and the report text they came from."""

    key_images: tuple[KeyImage, ...] = ()
    title: str = ""
    study_instance_uid: str | None = None
    report_text: str = ""
    template: str | None = None
    language: str | None = None
    #: Texts the clinician chose to keep although de-identification would remove them (overrides).
    text_overrides: tuple[str, ...] = ()
    #: The clinician's other handout settings (``large_print``, ``images_per_page``, ...), as sorted
    #: (key, value) pairs; the template checks the keys and its locks when the handout is built.
    template_choices: tuple[tuple[str, ChoiceValue], ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "key_images", tuple(self.key_images))
        object.__setattr__(self, "text_overrides", tuple(self.text_overrides))
        object.__setattr__(self, "template_choices", _choices(self.template_choices))
        for index, kept in enumerate(self.text_overrides):
            valid_text(kept, f"session.text_overrides[{index}]", MAX_LABEL_LENGTH)
        valid_text(self.title, "session.title", MAX_LABEL_LENGTH)
        valid_text(self.report_text, "session.report_text", 100_000, multiline=True)
        if self.study_instance_uid is not None:
            validate_uid(self.study_instance_uid, "session.study_instance_uid")
        seen: set[tuple[str, int]] = set()
        for image in self.key_images:
            if image.key in seen:
                raise AnnotationError(
                    f"session.key_images: instance {image.sop_instance_uid} frame {image.frame} "
                    "is listed twice"
                )
            seen.add(image.key)

    def replace_image(self, index: int, image: KeyImage) -> Session:
        images = list(self.key_images)
        images[index] = image
        return replace(self, key_images=tuple(images))

    def with_images(self, images: Iterable[KeyImage]) -> Session:
        return replace(self, key_images=tuple(images))

    def to_dict(self) -> dict[str, Any]:
        data = self._base_dict()
        if self.text_overrides:  # only when present: older readers and files stay unchanged
            data["text_overrides"] = list(self.text_overrides)
        if self.template_choices:
            data["template_choices"] = dict(self.template_choices)
        return data

    @property
    def choices(self) -> dict[str, ChoiceValue]:
        """The handout settings the clinician chose: ``template_choices`` plus ``language``."""
        chosen = dict(self.template_choices)
        if self.language is not None:
            chosen["language"] = self.language
        return chosen

    def _base_dict(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "title": self.title,
            "study_instance_uid": self.study_instance_uid,
            "template": self.template,
            "language": self.language,
            "report_text": self.report_text,
            "key_images": [k.to_dict() for k in self.key_images],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Session:
        data = _mapping(data, "session")
        version = data.get("schema_version")
        if version != SCHEMA_VERSION:
            raise AnnotationError(
                f"schema_version: this takehome reads version {SCHEMA_VERSION}, "
                f"the file says {short(version)}"
            )
        images = _list(data.get("key_images", []), "key_images")
        template = data.get("template")
        language = data.get("language")
        for name, value in (("template", template), ("language", language)):
            if value is not None:
                valid_text(value, name, MAX_PATH_BYTES)
        return cls(
            key_images=tuple(
                _indexed(KeyImage.from_dict, k, f"key_images[{i}]") for i, k in enumerate(images)
            ),
            title=data.get("title", ""),
            study_instance_uid=data.get("study_instance_uid"),
            report_text=data.get("report_text", ""),
            template=template,
            language=language,
            text_overrides=tuple(_list(data.get("text_overrides", []), "text_overrides")),
            template_choices=tuple(_mapping(data.get("template_choices", {}), "template_choices").items()),
        )


ChoiceValue = str | int | float | bool


def _choices(pairs: Iterable[tuple[str, Any]]) -> tuple[tuple[str, ChoiceValue], ...]:
    """Validated, sorted (setting, value) pairs: plain values only, each setting once."""
    out: dict[str, ChoiceValue] = {}
    for item in pairs:
        if not (isinstance(item, tuple) and len(item) == 2):
            raise AnnotationError("session.template_choices: expected (setting, value) pairs, "
                                  f"got {short(item)}")
        key, value = item
        if not isinstance(key, str) or not key.strip() or len(key) > 64:
            raise AnnotationError(f"session.template_choices: setting names are text, got {short(key)}")
        if key in out:
            raise AnnotationError(f"session.template_choices: setting {short(key)} is given twice")
        if key == "language":
            raise AnnotationError("session.template_choices: the language is session.language")
        if not isinstance(value, str | int | float | bool):
            raise AnnotationError(f"session.template_choices.{key}: expected text, a number or "
                                  f"true/false, got {type(value).__name__}")
        if isinstance(value, str):
            valid_text(value, f"session.template_choices.{key}", MAX_LABEL_LENGTH)
        out[key] = value
    return tuple(sorted(out.items()))


def _require_keys(data: object, name: str, keys: Iterable[str]) -> None:
    mapping = _mapping(data, name)
    for key in keys:
        if key not in mapping:
            raise AnnotationError(f"{name}.{key}: missing")


def _mapping(data: object, name: str) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise AnnotationError(f"{name}: expected an object, got {type(data).__name__}")
    return data


def _list(data: object, name: str) -> list[Any]:
    if not isinstance(data, list):
        raise AnnotationError(f"{name}: expected a list, got {type(data).__name__}")
    return data


_OBJECT_NAMES = ("overlay", "excerpt", "key_image", "read_only_shape", "redaction")


def _indexed(parse: Any, data: object, where: str) -> Any:
    """Parse ``data``; rewrite an error's field so it names the full path (``key_images[0].…``)."""
    try:
        return parse(_mapping(data, where))
    except AnnotationError as exc:
        head, sep, rest = str(exc).partition(":")
        first, dot, tail = head.partition(".")
        if first in _OBJECT_NAMES:
            head = where + dot + tail
        elif not head.startswith(where):
            head = f"{where}.{head}"
        raise AnnotationError(head + sep + rest) from None
