"""The bundled standalone viewer (``takehome-viewer``): series browser with the takehome panel docked."""

from __future__ import annotations
