"""Kept for existing importers: the template API now lives in ``takehome.handouts.templates``."""

from __future__ import annotations

from takehome.handouts.templates import (
    DISCLAIMER,
    PageSize,
    Template,
    load_template_file,
    resolve_template,
)

__all__ = ["DISCLAIMER", "PageSize", "Template", "load_template_file", "resolve_template"]
