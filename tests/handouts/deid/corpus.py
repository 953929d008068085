"""A de-identification test corpus: images with known identifiers in the header, the pixels and the text.

Real ultrasound screens from pydicom's test files and deid-data's vendor screens (their burned-in
identifiers labelled by hand); synthetic images with fake identifiers burned in with different fonts,
sizes, colours, positions and backgrounds, with and without the Burned In Annotation flag (sometimes
wrongly "NO"); hard cases (bold banners, rotated and vertical text, faint grey on grey, red on grey
tissue, text in speckle, names and record numbers that are not in the header, institution
abbreviations); and text-free textured images (CT, MR, echo) where nothing may be found. Each planted
text keeps its ink mask, so detection recall and over-redaction can be measured exactly.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pydicom
from numpy.typing import NDArray
from PIL import Image, ImageDraw, ImageFont
from pydicom.data import get_testdata_file
from pydicom.dataset import Dataset
from pydicom.uid import (
    SecondaryCaptureImageStorage,
    UltrasoundImageStorage,
    VLEndoscopicImageStorage,
)

from takehome.annotations.model import Excerpt, KeyImage, Overlay, Point, Session, ShapeKind
from takehome.handouts.deid.lines import strokes
from takehome.handouts.display import render
from tests.conftest import base_dataset

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONTS = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSansMono.ttf", "DejaVuSerif.ttf", None)
#: The medical wording every handout must keep.
MEDICAL = "has a 12 mm nodule in the right upper lobe"


@dataclass(frozen=True)
class FakePatient:
    """Fake identifiers of one patient (values only ever written into test files)."""

    family: str
    given: str
    patient_id: str
    birth: dt.date
    study: dt.date
    accession: str
    institution: str
    referring: str
    phone: str

    def header_values(self) -> list[str]:
        return [self.family, self.given, self.patient_id, self.accession, self.institution, self.referring]


PATIENTS = (
    FakePatient("Blackwood", "Eleanor", "MRN-4471902", dt.date(1947, 3, 12), dt.date(2024, 6, 5),
                "ACC99120734", "Saint Quentin Royal Infirmary", "Okonkwo", "020 7946 0958"),
    FakePatient("Nakamura", "Hiroshi", "PID 88301275", dt.date(1961, 11, 2), dt.date(2023, 2, 17),
                "RX5530981", "Harbourview Clinic", "Lindgren", "(555) 201-7734"),
    FakePatient("Okafor", "Adaeze", "H7730412", dt.date(1985, 7, 29), dt.date(2025, 1, 9),
                "A2025001183", "Mercy Valley Hospital", "Fitzgerald", "+44 161 496 0021"),
    FakePatient("Lindqvist", "Sven", "30049817", dt.date(1933, 5, 21), dt.date(2022, 9, 30),
                "US22093017", "Nordic Imaging Centre", "Haddad", "0161 555 0199"),
    FakePatient("Moreau", "Camille", "FR-66120938", dt.date(1999, 12, 24), dt.date(2024, 10, 13),
                "ACC8812004", "Clinique des Lilas", "Rasmussen", "01 45 55 01 23"),
)


@dataclass
class Planted:
    """Text burned into an image: what, where (box x0 y0 x1 y1), its ink, and whether it identifies."""

    text: str
    box: tuple[int, int, int, int]
    ink: NDArray[np.bool_]
    identifying: bool | None  # None: a label such as "Name:" (neither counted nor protected)


@dataclass
class CorpusImage:
    """One corpus image file, what was planted in its pixels and the patient it belongs to."""

    path: Path
    name: str
    patient: FakePatient | None
    planted: list[Planted]
    leak_strings: list[str] = field(default_factory=list)


def _font(name: str | None, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    if name is not None and (FONT_DIR / name).is_file():
        return ImageFont.truetype(str(FONT_DIR / name), size)
    return ImageFont.load_default(size)


def _dataset(pixels: NDArray[np.uint8], modality: str, sop_class: str, patient: FakePatient,
             burned_in: str | None) -> Dataset:
    ds = base_dataset(sop_class, modality)
    ds.PatientName = f"{patient.family}^{patient.given}"
    ds.PatientID = patient.patient_id
    ds.PatientBirthDate = patient.birth.strftime("%Y%m%d")
    ds.StudyDate = patient.study.strftime("%Y%m%d")
    ds.AccessionNumber = patient.accession
    ds.InstitutionName = patient.institution
    ds.ReferringPhysicianName = f"{patient.referring}^Alex"
    if burned_in is not None:
        ds.BurnedInAnnotation = burned_in
    ds.Rows, ds.Columns = pixels.shape[:2]
    ds.BitsAllocated = ds.BitsStored = 8
    ds.HighBit = 7
    ds.PixelRepresentation = 0
    if pixels.ndim == 3:
        ds.SamplesPerPixel = 3
        ds.PhotometricInterpretation = "RGB"
        ds.PlanarConfiguration = 0
    else:
        ds.SamplesPerPixel = 1
        ds.PhotometricInterpretation = "MONOCHROME2"
    ds.PixelData = np.ascontiguousarray(pixels).tobytes()
    return ds


def _background(kind: str, rows: int, columns: int, rng: np.random.Generator) -> NDArray[np.uint8]:
    yy, xx = np.mgrid[0:rows, 0:columns]
    if kind == "us":  # black screen, a speckled fan in the middle
        cx, top = columns / 2, rows * 0.12
        angle = np.arctan2(xx - cx, yy - top + 1e-6)
        radius = np.hypot(xx - cx, yy - top)
        fan = (np.abs(angle) < 0.6) & (radius > rows * 0.05) & (radius < rows * 0.8)
        speckle = rng.rayleigh(45, (rows, columns)) * np.exp(-radius / (rows * 0.9))
        grey = np.where(fan, np.clip(speckle + 20, 0, 230), 0)
        return np.asarray(np.stack([grey] * 3, axis=-1), dtype=np.uint8)
    if kind == "ct":  # a body ellipse with soft tissue noise on black
        body = ((xx - columns / 2) / (columns * 0.42)) ** 2 + ((yy - rows / 2) / (rows * 0.36)) ** 2 < 1
        tissue = np.clip(rng.normal(110, 18, (rows, columns)), 0, 255)
        return np.where(body, tissue, 0).astype(np.uint8)
    if kind == "endo":  # a reddish round photograph on black
        disc = (xx - columns / 2) ** 2 + (yy - rows / 2) ** 2 < (min(rows, columns) * 0.4) ** 2
        red = 150 + 60 * np.sin(xx / 23.0) * np.cos(yy / 31.0) + rng.normal(0, 8, (rows, columns))
        photo = np.stack([red, red * 0.45, red * 0.35], axis=-1)
        return np.where(disc[..., None], np.clip(photo, 0, 255), 0).astype(np.uint8)
    # "screen": a light grey application window with a dark picture pane
    screen = np.full((rows, columns, 3), 214, dtype=np.float64)
    pane = (yy > rows * 0.15) & (yy < rows * 0.9) & (xx > columns * 0.2) & (xx < columns * 0.95)
    picture = np.clip(rng.normal(70, 25, (rows, columns)), 0, 255)
    screen[pane] = np.stack([picture] * 3, axis=-1)[pane]
    return screen.astype(np.uint8)


def _draw(pixels: NDArray[np.uint8], text: str, xy: tuple[int, int], font_name: str | None, size: int,
          colour: tuple[int, int, int], identifying: bool | None) -> tuple[NDArray[np.uint8], Planted]:
    image = Image.fromarray(pixels)
    before = np.asarray(image, dtype=np.int16)
    draw = ImageDraw.Draw(image)
    font = _font(font_name, size)
    fill: tuple[int, int, int] | int = colour if image.mode == "RGB" else max(colour)
    draw.text(xy, text, font=font, fill=fill)
    change = np.abs(np.asarray(image, dtype=np.int16) - before)
    change = change.max(axis=-1) if change.ndim == 3 else change
    ink = change > min(40, 0.5 * int(change.max()))
    x0, y0, x1, y1 = (int(v) for v in draw.textbbox(xy, text, font=font))
    return np.asarray(image), Planted(text, (x0, y0, x1, y1), ink, identifying)


#: Texts that are not identifiers and must stay readable (technical and medical words).
TECHNICAL = ("C5-1", "12 mm", "MI 0.9", "TIS 0.4", "LIVER", "Depth 16 cm", "Gain 54%", "RT KIDNEY",
             "T2 FSE", "L4-L5", "4 cm", "Gen")


def _free_spot(taken: list[tuple[int, int, int, int]], font: ImageFont.FreeTypeFont | ImageFont.ImageFont,
               text: str, x: int, y: int, rows: int, columns: int) -> tuple[int, int]:
    """Where ``text`` fits near (x, y) without touching earlier text (screens never overlap text)."""
    probe = ImageDraw.Draw(Image.new("L", (1, 1)))
    x0, y0, x1, y1 = (int(v) for v in probe.textbbox((0, 0), text, font=font))
    width, height = x1 - x0, y1 - y0
    x = min(x, columns - width - 4)
    while True:
        box = (x, y, x + width, y + height)
        clash = [t for t in taken if box[0] < t[2] + 8 and t[0] < box[2] + 8 and box[1] < t[3] + 6
                 and t[1] < box[3] + 6]
        if not clash or y > rows - height - 4:
            return x, y
        y = max(t[3] for t in clash) + 8


def _identifier_texts(p: FakePatient, rng: np.random.Generator) -> list[str]:
    options = [  # a label and its value are separated by a tab: the label is not an identifier
        f"{p.family.upper()}, {p.given.upper()}", f"{p.given} {p.family}", f"Name:\t{p.family}^{p.given}",
        p.patient_id, f"ID:\t{p.patient_id}", p.birth.strftime("%d/%m/%Y"), f"DOB\t{p.birth:%Y-%m-%d}",
        p.study.strftime("%d-%b-%Y"), p.study.strftime("%m/%d/%Y") + " 14:32:07", p.institution,
        f"Acc\t{p.accession}", f"Dr.\t{p.referring}", f"Tel\t{p.phone}",
    ]
    picks = rng.choice(len(options), size=5, replace=False)
    return [options[int(i)] for i in picks]


def synthetic_images(directory: Path, seed: int = 4) -> list[CorpusImage]:
    """Two or three synthetic images per fake patient, each with its burned-in text recorded."""
    rng = np.random.default_rng(seed)
    specs = [  # background, size, modality, SOP class, Burned In Annotation
        ("us", (480, 640), "US", UltrasoundImageStorage, "YES"),
        ("ct", (512, 512), "CT", SecondaryCaptureImageStorage, "NO"),  # the flag lies
        ("endo", (576, 720), "ES", VLEndoscopicImageStorage, None),
        ("screen", (600, 800), "OT", SecondaryCaptureImageStorage, None),
        ("us", (600, 800), "US", UltrasoundImageStorage, None),
    ]
    colours = [(255, 255, 255), (255, 230, 0), (120, 255, 120), (0, 230, 255), (200, 200, 200)]
    images = []
    for index, patient in enumerate(PATIENTS):
        for copy in range(2 if index % 2 else 3):
            kind, (rows, columns), modality, sop, flag = specs[(index + copy) % len(specs)]
            pixels = _background(kind, rows, columns, rng)
            if modality == "CT":
                pixels = pixels if pixels.ndim == 2 else pixels[..., 0]
            planted: list[Planted] = []
            texts = [(t, True) for t in _identifier_texts(patient, rng)]
            texts += [(str(t), False) for t in rng.choice(TECHNICAL, size=3, replace=False)]
            slots = [(8, 6), (columns // 2 - 60, 6), (columns - 300, 6), (8, rows - 60),
                     (columns - 300, rows - 60), (8, rows // 2), (columns - 200, rows // 2 - 40), (8, 40)]
            taken: list[tuple[int, int, int, int]] = []
            for number, (text, identifying) in enumerate(texts):
                font_name = FONTS[int(rng.integers(len(FONTS)))]
                size = int(rng.choice([11, 13, 15, 18, 22]))
                x, y = slots[number % len(slots)]
                shown = text.replace("\t", " ")
                x, y = _free_spot(taken, _font(font_name, size), shown, max(2, x), max(2, y), rows, columns)
                start = x
                in_pane = kind == "screen" and rows * 0.15 < y < rows * 0.9 and columns * 0.2 < x
                dark = kind == "screen" and not in_pane
                colour = (20, 20, 20) if dark else colours[int(rng.integers(len(colours)))]
                label, _, value = text.rpartition("\t")
                if label:
                    pixels, item = _draw(pixels, label, (x, y), font_name, size, colour, None)
                    planted.append(item)
                    x += int(_font(font_name, size).getlength(label + " "))
                pixels, item = _draw(pixels, value, (x, y), font_name, size, colour, identifying)
                taken.append((start, item.box[1], item.box[2], item.box[3]))
                planted.append(item)
            ds = _dataset(pixels, modality, sop, patient, flag)
            path = directory / f"synthetic-{index}-{copy}.dcm"
            ds.save_as(path, enforce_file_format=True)
            images.append(CorpusImage(path, path.stem, patient, planted,
                                      [t.rpartition("\t")[2] for t, ident in texts if ident]
                                      + patient.header_values()))
    return images


# Hand-labelled identifier text in pydicom's real ultrasound screens: (text, box x0 y0 x1 y1).
REAL_LABELS: dict[str, list[tuple[str, tuple[int, int, int, int]]]] = {
    "examples_palette.dcm": [
        ("OB", (93, 8, 122, 24)), ("5/25/2011", (668, 7, 775, 27)),
        ("11-05-25-142825", (95, 34, 265, 52)), ("Philips Healthcare", (326, 33, 512, 54)),
        ("2:56:22 PM", (668, 35, 782, 52)), ("OB", (47, 66, 75, 82)),
    ],
    "examples_rgb_color.dcm": [("BAPTIST MED CTR", (8, 10, 86, 20))],
    "examples_ybr_color.dcm": [("PLA", (11, 1, 30, 11))],
}
#: Visible technical text in the same screens that must not be blacked out.
REAL_TECHNICAL: dict[str, list[tuple[str, tuple[int, int, int, int]]]] = {
    "examples_palette.dcm": [("C5-1", (2, 85, 48, 100)), ("1.06 cm", (240, 86, 304, 102)),
                             ("3/3/4", (10, 239, 77, 258)), ("MI 1.1", (573, 8, 636, 24))],
    "examples_rgb_color.dcm": [("LYMPH NODE", (122, 179, 180, 188))],
    "examples_ybr_color.dcm": [("19", (286, 197, 297, 206))],
}


def real_images() -> list[CorpusImage]:
    """pydicom's ultrasound screens with their burned-in identifiers labelled."""
    images = []
    for name, labels in REAL_LABELS.items():
        path = Path(get_testdata_file(name, download=False) or "")
        ds = pydicom.dcmread(path)
        pixels = render(ds, 1).pixels
        ink_map = np.maximum(strokes(pixels, True), strokes(pixels, False)) >= 40
        planted = []
        for text, (x0, y0, x1, y1), identifying in [
                *((t, b, True) for t, b in labels), *((t, b, False) for t, b in REAL_TECHNICAL[name])]:
            ink = np.zeros(ink_map.shape, dtype=bool)
            ink[y0:y1, x0:x1] = ink_map[y0:y1, x0:x1]
            planted.append(Planted(text, (x0, y0, x1, y1), ink, identifying))
        leak = [t for t, _ in labels] + [str(ds.PatientID)]
        if ds.get("InstitutionName"):
            leak.append(str(ds.InstitutionName))
        images.append(CorpusImage(path, name, None, planted, leak))
    return images


def session_for(images: list[CorpusImage], patient: FakePatient | None) -> Session:
    """A session over ``images`` with identifiers in the excerpt, a label and the title."""
    keys = []
    for number, image in enumerate(images):
        ds = pydicom.dcmread(image.path, stop_before_pixels=True)
        rows, columns = int(ds.Rows), int(ds.Columns)
        excerpts: tuple[Excerpt, ...] = ()
        overlays: tuple[Overlay, ...] = ()
        if number == 0:
            who = f"{patient.given} {patient.family}" if patient else "the patient"
            doctor = f"Dr. {patient.referring}" if patient else "Dr. Blackwood"
            text = (f"Seen by {doctor} on 05/06/2024 with his wife Mary; {who} {MEDICAL}. "
                    f"Questions: call 020 7946 0958 or write to results@example.org.")
            excerpts = (Excerpt(text),)
            label = f"nodule ({patient.family})" if patient else "nodule"
            overlays = (Overlay(ShapeKind.ARROW, (Point(columns * 0.3, rows * 0.6), Point(columns * 0.45,
                                                                                            rows * 0.5)),
                                label=label),)
        keys.append(KeyImage(str(ds.SOPInstanceUID), str(image.path), rows, columns,
                             excerpts=excerpts, overlays=overlays))
    title = f"Results for {patient.given} {patient.family}" if patient else "Your results"
    return Session(key_images=tuple(keys), title=title)


def _draw_turned(pixels: NDArray[np.uint8], text: str, centre: tuple[int, int], font_name: str | None,
                 size: int, colour: tuple[int, int, int], angle: float,
                 identifying: bool | None) -> tuple[NDArray[np.uint8], Planted]:
    """``text`` drawn turned by ``angle`` degrees (counter-clockwise) around ``centre``."""
    font = _font(font_name, size)
    probe = ImageDraw.Draw(Image.new("L", (1, 1)))
    _, _, x1, y1 = (int(v) for v in probe.textbbox((0, 0), text, font=font))
    layer = Image.new("L", (x1 + 8, y1 + 8), 0)
    ImageDraw.Draw(layer).text((4, 4), text, font=font, fill=255)
    layer = layer.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True)
    alpha = np.zeros(pixels.shape[:2], dtype=np.float64)
    left, top = centre[0] - layer.width // 2, centre[1] - layer.height // 2
    alpha[top:top + layer.height, left:left + layer.width] = np.asarray(layer, dtype=np.float64) / 255
    paint = np.array(colour if pixels.ndim == 3 else max(colour), dtype=np.float64)
    weight = alpha[..., None] if pixels.ndim == 3 else alpha
    out = np.clip(pixels * (1 - weight) + paint * weight, 0, 255).astype(np.uint8)
    ink = alpha > 0.3
    ys, xs = np.nonzero(ink)
    return out, Planted(text, (int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1), ink,
                        identifying)


def _us_regions(ds: Dataset, box: tuple[int, int, int, int]) -> None:
    region = Dataset()
    region.RegionSpatialFormat = 1
    region.RegionDataType = 1
    region.RegionLocationMinX0, region.RegionLocationMinY0 = box[0], box[1]
    region.RegionLocationMaxX1, region.RegionLocationMaxY1 = box[2] - 1, box[3] - 1
    ds.SequenceOfUltrasoundRegions = [region]


SANS, BOLD = "DejaVuSans.ttf", "DejaVuSans-Bold.ttf"
#: People and numbers that are not in any header (the screen shows someone else's name or record).
OTHERS = ("WHITFIELD, JANE", "Sonographer: K. Marchetti", "MRN 55821", "Ref 7730-1142")


def hard_images(directory: Path, seed: int = 11) -> list[CorpusImage]:
    """Screens of every hard kind: bold, rotated, vertical, faint, coloured, in speckle, not in the header."""
    rng = np.random.default_rng(seed)
    images = []
    specs = ["banner", "turned", "faint", "tissue", "others"]
    for index, kind in enumerate(specs):
        patient = PATIENTS[index % len(PATIENTS)]
        rows, columns = (600, 800)
        planted: list[Planted] = []
        modality, sop, flag = "US", UltrasoundImageStorage, "YES"
        region: tuple[int, int, int, int] | None = (120, 60, 700, 560)
        if kind == "banner":  # bold 18-20 px white text on a coloured bar above the fan
            pixels = _background("us", rows, columns, rng)
            pixels[:34] = (28, 40, 96)
            x = 8
            for text in (f"{patient.family.upper()}, {patient.given.upper()}", patient.patient_id,
                         patient.study.strftime("%d/%m/%Y")):
                pixels, item = _draw(pixels, text, (x, 6), BOLD, int(rng.choice([18, 19, 20])),
                                     (255, 255, 255), True)
                planted.append(item)
                x = item.box[2] + 30
            pixels, item = _draw(pixels, "C5-1  MI 0.9", (8, 44), SANS, 13, (220, 220, 220), False)
            planted.append(item)
        elif kind == "turned":  # vertical along the left edge, rotated 30 degrees on a CT capture
            pixels = np.stack([_background("ct", rows, columns, rng)] * 3, axis=-1)
            pixels, item = _draw_turned(pixels, patient.patient_id, (20, 300), "DejaVuSans.ttf", 16,
                                        (255, 255, 255), 90, True)
            planted.append(item)
            pixels, item = _draw_turned(pixels, f"{patient.given} {patient.family}", (560, 90),
                                        "DejaVuSans.ttf", 18, (255, 255, 0), 30, True)
            planted.append(item)
            pixels, item = _draw(pixels, "L4-L5", (700, 560), SANS, 15, (255, 255, 255), False)
            planted.append(item)
            modality, sop, flag, region = "OT", SecondaryCaptureImageStorage, "NO", None
        elif kind == "faint":  # grey on grey application window: contrast of about 25 grey levels
            pixels = np.full((rows, columns, 3), 104, dtype=np.uint8)
            pixels[80:560, 160:760] = _background("ct", 480, 600, rng)[..., None]
            faint = ((12, f"{patient.family}, {patient.given}"), (40, patient.birth.strftime("%d/%m/%Y")))
            for y, text in faint:
                pixels, item = _draw(pixels, text, (10, y), "DejaVuSans.ttf", 15, (130, 130, 130), True)
                planted.append(item)
            modality, sop, flag, region = "OT", SecondaryCaptureImageStorage, None, (160, 80, 760, 560)
        elif kind == "tissue":  # red text on the grey speckle, white text inside the speckle
            pixels = _background("us", rows, columns, rng)
            pixels, item = _draw(pixels, patient.family.upper(), (330, 260), "DejaVuSans.ttf", 17,
                                 (230, 30, 30), True)
            planted.append(item)
            pixels, item = _draw(pixels, patient.accession, (300, 380), "DejaVuSans-Bold.ttf", 16,
                                 (255, 255, 255), True)
            planted.append(item)
            pixels, item = _draw(pixels, "RT KIDNEY", (330, 470), SANS, 15, (255, 255, 255), False)
            planted.append(item)
        else:  # names and numbers not in the header, an institution abbreviation, a department
            pixels = _background("us", rows, columns, rng)
            initials = "".join(w[0] for w in patient.institution.split() if w[0].isupper())
            texts = [*OTHERS, f"{initials} Radiology Dept"]
            for number, text in enumerate(texts):
                y = 8 + 22 * number if number < 3 else rows - 30 - 22 * (number - 3)
                pixels, item = _draw(pixels, text, (8, y), "DejaVuSans.ttf", 14, (230, 230, 230), True)
                planted.append(item)
            pixels, item = _draw(pixels, "Depth 16 cm", (690, 10), SANS, 13, (230, 230, 230), False)
            planted.append(item)
        ds = _dataset(pixels, modality, sop, patient, flag)
        if region is not None and modality == "US":
            _us_regions(ds, region)
        path = directory / f"hard-{kind}.dcm"
        ds.save_as(path, enforce_file_format=True)
        # the department's own name is an ordinary word: the institution's initials identify it
        leak = [p.text.replace(" Radiology Dept", "") for p in planted if p.identifying]
        leak += patient.header_values()
        images.append(CorpusImage(path, path.stem, patient, planted, leak))
    return images


def text_free_images(directory: Path, seed: int = 5) -> list[Path]:
    """Textured images with no text at all: CT slices with bone, MR slices, echo sectors."""
    rng = np.random.default_rng(seed)
    paths = []
    for number in range(3):
        yy, xx = np.mgrid[0:512, 0:512]
        ct = _background("ct", 512, 512, rng).astype(np.float64)
        for _ in range(6):  # bone: bright rings and blobs with trabecular noise
            cx, cy, r = rng.integers(150, 360), rng.integers(150, 360), rng.integers(10, 40)
            ring = np.abs(np.hypot(xx - cx, yy - cy) - r) < rng.integers(2, 6)
            ct[ring] = 230 + rng.normal(0, 10, int(ring.sum()))
        ct += rng.normal(0, 6 + 6 * number, ct.shape)
        mr = 90 + 50 * np.sin(xx / (9 + 3 * number)) * np.cos(yy / (13 + number))
        mr += rng.normal(0, 10, (512, 512))
        mr *= np.hypot(xx - 256, yy - 256) < 220
        echo = _background("us", 480, 640, rng)
        for name, pixels, modality, sop in (
                ("ct", ct, "CT", SecondaryCaptureImageStorage),
                ("mr", mr, "MR", SecondaryCaptureImageStorage), ("echo", echo, "US", UltrasoundImageStorage)):
            ds = _dataset(np.clip(pixels, 0, 255).astype(np.uint8), modality, sop, PATIENTS[number], None)
            path = directory / f"textfree-{name}-{number}.dcm"
            ds.save_as(path, enforce_file_format=True)
            paths.append(path)
    return paths


#: deid-data's real vendor screens: burned-in identifiers labelled by hand (text, box x0 y0 x1 y1).
DEID_DATA_LABELS: dict[str, list[tuple[str, tuple[int, int, int, int]]]] = {
    "ultrasounds/RGB_IMAGE.dcm": [
        ("ZZZDOWNTIME,MARY", (2, 4, 230, 28)), ("00047431395", (2, 32, 140, 54)),
        ("8:48:26 AM 4/14/2020", (503, 4, 719, 28)), ("120907058", (774, 4, 884, 28)),
        ("CCHS CLEVELAND CLINIC", (503, 32, 771, 54)),
    ],
}


def deid_data_file(name: str) -> Path | None:
    """A file shipped by the deid-data package, or None when the package is not installed."""
    try:
        import deid_data
    except ImportError:
        return None
    path = Path(deid_data.__file__).parent / "data" / name
    return path if path.is_file() else None


def deid_data_images() -> list[CorpusImage]:
    """deid-data's vendor ultrasound screens with their burned-in identifiers labelled."""
    images = []
    for name, labels in DEID_DATA_LABELS.items():
        path = deid_data_file(name)
        if path is None:
            continue
        ds = pydicom.dcmread(path)
        pixels = render(ds, 1).pixels
        ink_map = np.maximum(strokes(pixels, True), strokes(pixels, False)) >= 40
        planted = []
        for text, (x0, y0, x1, y1) in labels:
            ink = np.zeros(ink_map.shape, dtype=bool)
            ink[y0:y1, x0:x1] = ink_map[y0:y1, x0:x1]
            planted.append(Planted(text, (x0, y0, x1, y1), ink, True))
        leak = [w for text, _ in labels for w in text.replace(",", " ").split() if len(w) >= 3]
        images.append(CorpusImage(path, Path(name).stem, None, planted, leak))
    return images
