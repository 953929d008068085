"""Rebuild the template guide's pictures from real builds: every built-in template, the example
department template, and a Spanish large-print handout.

    .venv/bin/python docs/templates/make_pngs.py
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image

from takehome.annotations.model import Excerpt, Session
from takehome.handouts.build import build_pdf_bytes
from takehome.handouts.sample import demo_session
from takehome.handouts.templates import builtin_names

HERE = Path(__file__).resolve().parent
DPI = 60
GAP = 12

SPANISH_LABELS = {"the spot in the liver": "la mancha del hígado", "size": "tamaño",
                  "backbone": "columna", "heart valve": "válvula del corazón",
                  "Heart pumping normally": "El corazón late con normalidad"}
SPANISH_EXCERPTS = [
    "Hay una mancha redonda (lesión) de 4 cm en el lado derecho del hígado. Parece una bolsa de "
    "líquido sencilla (quiste), que suele ser inofensiva.",
    "Los huesos de la columna se ven normales. No hay fractura.",
    "El corazón tiene un tamaño normal y late con normalidad. Las válvulas abren y cierran bien.",
]


def spanish_demo() -> Session:
    """The demo consultation as a Spanish-speaking clinician would prepare it."""
    session = demo_session()
    images = []
    for image, text in zip(session.key_images, SPANISH_EXCERPTS, strict=True):
        overlays = tuple(replace(o, label=SPANISH_LABELS.get(o.label, o.label)) for o in image.overlays)
        images.append(replace(image, overlays=overlays, excerpts=(Excerpt(text),)))
    return replace(session.with_images(images), title="", language="es")


def pages_png(data: bytes, out: Path) -> None:
    """All pages side by side on a grey background, as a reader sees the printed sheets."""
    document = pdfium.PdfDocument(data)
    try:
        pages = [document[i].render(scale=DPI / 72).to_pil().convert("RGB") for i in range(len(document))]
    finally:
        document.close()
    width = sum(p.width for p in pages) + GAP * (len(pages) + 1)
    height = max(p.height for p in pages) + 2 * GAP
    sheet = Image.new("RGB", (width, height), "#9a9a9a")
    x = GAP
    for page in pages:
        sheet.paste(page, (x, GAP))
        x += page.width + GAP
    sheet.save(out, optimize=True)
    print(f"wrote {out.relative_to(HERE.parent.parent)} ({len(pages)} page(s))")


def main() -> None:
    for name in builtin_names():
        data, _, _ = build_pdf_bytes(demo_session(), template=name)
        pages_png(data, HERE / f"{name}.png")
    example = HERE / "example" / "st-example-imaging.toml"
    data, _, _ = build_pdf_bytes(demo_session(), template=str(example))
    pages_png(data, HERE / "example-department.png")
    data, _, _ = build_pdf_bytes(spanish_demo(), template="large-print")
    pages_png(data, HERE / "large-print-es.png")


if __name__ == "__main__":
    main()
