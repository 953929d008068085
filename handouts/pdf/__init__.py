"""The handout PDF: reportlab pages with raster images and vector overlays, written atomically."""

from __future__ import annotations

from takehome.handouts.pdf.document import render_pdf, write_pdf

__all__ = ["render_pdf", "write_pdf"]
