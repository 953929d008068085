"""Large print: every text of the handout at 14 pt or more (overlay labels on the picture excepted)."""

from __future__ import annotations

import io
from pathlib import Path

import pypdf

from takehome.handouts.build import build_pdf_bytes
from takehome.handouts.sample import demo_session

OVERLAY_LABELS = {"the spot in the liver", "size", "backbone", "heart valve", "Heart pumping normally"}


def text_sizes(data: bytes) -> list[tuple[str, float]]:
    sizes: list[tuple[str, float]] = []
    for page in pypdf.PdfReader(io.BytesIO(data)).pages:
        def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
            if text.strip():
                sizes.append((text.strip(), size * abs(tm[3]) * abs(cm[3] or 1)))
        page.extract_text(visitor_text=visit)
    return sizes


def is_label(text: str) -> bool:
    return any(text.startswith(label) for label in OVERLAY_LABELS)


def test_large_print_text_is_at_least_14_pt(tmp_path: Path) -> None:
    data, _, _ = build_pdf_bytes(demo_session(), template="large-print")
    sizes = [(t, s) for t, s in text_sizes(data) if not is_label(t)]
    assert len(sizes) > 30
    small = [(t, round(s, 1)) for t, s in sizes if s < 14 - 1e-6]
    assert not small, small
    # the standard template is smaller, and large print can be chosen on it by the clinician
    data, _, _ = build_pdf_bytes(demo_session(), template="standard")
    assert min(s for t, s in text_sizes(data) if not is_label(t)) < 14
    data, _, _ = build_pdf_bytes(demo_session(), template="standard", choices={"large_print": True})
    assert min(s for t, s in text_sizes(data) if not is_label(t)) >= 14 - 1e-6
