"""De-identification of everything a handout prints: header values never, free text scrubbed."""

from __future__ import annotations

from takehome.handouts.deid.identifiers import Identifiers
from takehome.handouts.deid.text import REDACTION, Removal, ScrubResult, scrub_text

__all__ = ["REDACTION", "Identifiers", "Removal", "ScrubResult", "scrub_text"]
