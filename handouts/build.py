"""The one call that turns a session (key images, overlays, excerpts) into a handout PDF."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from takehome.annotations.model import Excerpt, Session
from takehome.annotations.session_file import write_atomic
from takehome.handouts.deid import Identifiers
from takehome.handouts.deid.audit import AuditRecord, image_summaries, sha256_of, text_summary, write_audit
from takehome.handouts.deid.gate import RedactMode
from takehome.handouts.deid.pdffile import ensure_clean_pdf
from takehome.handouts.deid.text import find_identifiers
from takehome.handouts.errors import InputError, OutputError
from takehome.handouts.pdf.document import PDF_CREATOR, PdfInfo, render_pdf
from takehome.handouts.prepare import (
    DeidSummary,
    LoadedImage,
    key_image_from_file,
    load_images,
    prepare_content,
)
from takehome.handouts.templates import Template, resolve_template


@dataclass(frozen=True, slots=True)
class BuildResult:
    """What a build produced: where, the PDF facts, and the de-identification counts."""

    out: Path | None
    pdf: PdfInfo
    deid: DeidSummary


def session_from_files(files: Sequence[str | os.PathLike[str]], excerpts: Sequence[str] = (),
                       frame: int = 1) -> Session:
    """A session with one key image per file (its ``frame``), the n-th excerpt on the n-th image."""
    if not files:
        raise InputError("files: give at least one DICOM image")
    if len(excerpts) > len(files):
        raise InputError(f"--excerpt: {len(excerpts)} excerpts for {len(files)} image(s); "
                         "give at most one excerpt per image")
    images = []
    for index, file in enumerate(files):
        image, _ = key_image_from_file(file, frame)
        if index < len(excerpts) and excerpts[index].strip():
            image = replace(image, excerpts=(Excerpt(excerpts[index]),))
        images.append(image)
    return Session(key_images=tuple(images))


def choose_template(session: Session, template: Template | str | None = None,
                    choices: Mapping[str, Any] | None = None) -> Template:
    """The template to build with: given, else the session's, else "standard"; with the clinician's
    choices (the session's language and settings, then ``choices``) applied; locked settings refuse
    changes."""
    chosen = template if isinstance(template, Template) else resolve_template(
        template or session.template)
    wanted: dict[str, Any] = {"language": session.language, **session.choices}
    wanted.update({k: v for k, v in (choices or {}).items() if v is not None})
    return chosen.with_choices(wanted)


def build_pdf_bytes(session: Session, *, base_dir: str | os.PathLike[str] | None = None,
                    template: Template | str | None = None,
                    choices: Mapping[str, Any] | None = None,
                    redact: RedactMode | str = RedactMode.AUTO) -> tuple[bytes, PdfInfo, DeidSummary]:
    """Build the handout in memory (for previews): PDF bytes, facts and de-identification counts.

    The bytes are checked like an export's (metadata, nothing active, no header identifier in the
    text) but nothing is written to the audit log: use :func:`export_pdf_bytes` to print.
    """
    chosen = choose_template(session, template, choices)
    loaded = load_images(session, base_dir)
    content, summary = prepare_content(session, loaded, chosen, redact=redact)
    data, info = render_pdf(content, chosen)
    data = _checked(data, loaded, session)
    return data, replace(info, nbytes=len(data)), summary


def export_pdf_bytes(session: Session, *, base_dir: str | os.PathLike[str] | None = None,
                     template: Template | str | None = None,
                     choices: Mapping[str, Any] | None = None,
                     redact: RedactMode | str = RedactMode.AUTO,
                     action: str = "print") -> tuple[bytes, PdfInfo, DeidSummary]:
    """The handout to print (or send elsewhere), gated and recorded in the audit log."""
    data, info, summary = build_pdf_bytes(session, base_dir=base_dir, template=template,
                                          choices=choices, redact=redact)
    _audit(action, data, info, summary)
    return data, info, summary


def _checked(data: bytes, loaded: Sequence[LoadedImage], session: Session) -> bytes:
    identifiers = Identifiers.union(Identifiers.from_dataset(item.dataset) for item in loaded)
    return ensure_clean_pdf(data, identifiers, title="Imaging handout", creator=PDF_CREATOR,
                            keep=session.text_overrides)


def _audit(action: str, data: bytes, info: PdfInfo, summary: DeidSummary) -> None:
    write_audit(AuditRecord(
        action=action, mode=summary.redact_mode, images=image_summaries(summary.images),
        text=text_summary(summary.removed_by_kind, summary.overridden, summary.texts_changed),
        sha256=sha256_of(data), pages=info.pages))


def _check_file_name(out: Path, loaded: Sequence[LoadedImage]) -> None:
    identifiers = Identifiers.union(Identifiers.from_dataset(item.dataset) for item in loaded)
    hits = find_identifiers(out.name, identifiers)
    if hits:
        kinds = ", ".join(sorted({h.kind.value for h in hits}))
        raise InputError(f"--out: the file name contains one of the patient's identifiers ({kinds}); "
                         "choose a neutral name such as handout.pdf")


def build_handout(session: Session, out: str | os.PathLike[str], *,
                  base_dir: str | os.PathLike[str] | None = None,
                  template: Template | str | None = None,
                  choices: Mapping[str, Any] | None = None,
                  redact: RedactMode | str = RedactMode.AUTO) -> BuildResult:
    """Build the handout PDF at ``out`` (written atomically: all or nothing).

    ``choices`` are the clinician's settings (``language``, ``images_per_page``, ``large_print``, ...);
    a setting the template locks cannot be changed. ``redact`` handles burned-in text (auto: OCR
    and fill identifiers; review: refuse while regions are undecided; none: unchecked, recorded).
    One line goes to the audit log; if it cannot be written, the PDF is removed again.
    """
    out = Path(out)
    _check_file_name(out, load_images(session, base_dir))
    data, info, summary = build_pdf_bytes(session, base_dir=base_dir, template=template, choices=choices,
                                          redact=redact)
    try:
        write_atomic(out, data)
    except OSError as exc:
        raise OutputError(f"{out}: the handout could not be written ({exc.strerror or exc})") from None
    try:
        _audit("export", data, info, summary)
    except OutputError:
        out.unlink(missing_ok=True)
        raise
    return BuildResult(out, info, summary)
