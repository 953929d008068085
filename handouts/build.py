"""The calls that turn a session (key images, overlays, excerpts) into a checked handout, and write it."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from takehome.annotations.model import Excerpt, Session
from takehome.handouts.deid.gate import RedactMode
from takehome.handouts.deid.pdffile import ensure_clean_pdf
from takehome.handouts.deid.printed import printed_texts
from takehome.handouts.dicom.export import DicomExport
from takehome.handouts.errors import InputError
from takehome.handouts.output import Handout, deliver, with_printed_title
from takehome.handouts.pdf.document import PDF_CREATOR, PdfInfo, render_pdf
from takehome.handouts.prepare import (
    DeidSummary,
    header_identifiers,
    key_image_from_file,
    load_images,
    prepare_content,
    without_pixels,
)
from takehome.handouts.templates import Template, resolve_template


@dataclass(frozen=True, slots=True)
class BuildResult:
    """What a build produced: where, the PDF facts, and the de-identification counts."""

    out: Path | None
    pdf: PdfInfo
    deid: DeidSummary
    dicom: DicomExport = field(default_factory=lambda: DicomExport((), ()))


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
    changes. A title choice is checked against the lock but not put in the template: it is the
    clinician's text, scrubbed like every other (see :func:`chosen_title`)."""
    chosen = template if isinstance(template, Template) else resolve_template(
        template or session.template)
    wanted: dict[str, Any] = {"language": session.language, **session.choices}
    wanted.update({k: v for k, v in (choices or {}).items() if v is not None})
    title = wanted.pop("title", None)
    if title is not None:
        chosen.with_choices({"title": title})  # refuses a change of a locked title
    return chosen.with_choices(wanted)


def chosen_title(session: Session, choices: Mapping[str, Any] | None = None) -> Session:
    """``session`` with the clinician's title: a ``title`` choice given now, else the session's
    title, else a ``title`` among the session's saved template choices."""
    for value in ((choices or {}).get("title"), session.title, dict(session.template_choices).get("title")):
        if isinstance(value, str) and value.strip():
            return replace(session, title=value) if value != session.title else session
    return session


def make_handout(session: Session, *, base_dir: str | os.PathLike[str] | None = None,
                 template: Template | str | None = None, choices: Mapping[str, Any] | None = None,
                 redact: RedactMode | str = RedactMode.AUTO) -> Handout:
    """Build the handout in memory behind every check (review gate, scrubbing, final file check).

    Nothing is written: :func:`takehome.handouts.output.deliver` writes it (PDF, DICOM objects,
    audit line) all together.
    """
    chosen = choose_template(session, template, choices)
    session = chosen_title(session, choices)
    loaded = load_images(session, base_dir)
    identifiers = header_identifiers(loaded)
    content, summary = prepare_content(session, loaded, chosen, redact=redact)
    loaded = without_pixels(loaded, content)  # the files' pixel data are not kept through the layout
    data, info = render_pdf(content, chosen)
    data = ensure_clean_pdf(data, identifiers, title="Imaging handout", creator=PDF_CREATOR,
                            keep=session.text_overrides, printed=printed_texts(content, chosen, info.pages))
    return Handout(with_printed_title(session, content.title), tuple(loaded), data,
                   replace(info, nbytes=len(data)), summary, identifiers)


def build_pdf_bytes(session: Session, *, base_dir: str | os.PathLike[str] | None = None,
                    template: Template | str | None = None,
                    choices: Mapping[str, Any] | None = None,
                    redact: RedactMode | str = RedactMode.AUTO) -> tuple[bytes, PdfInfo, DeidSummary]:
    """Build the handout in memory (for previews): PDF bytes, facts and de-identification counts.

    The bytes are checked like an export's (metadata, nothing active, no header identifier in the
    text) but nothing is written, not even to the audit log: printing or sending goes through
    :func:`make_handout` and :func:`takehome.handouts.output.deliver`.
    """
    handout = make_handout(session, base_dir=base_dir, template=template, choices=choices, redact=redact)
    return handout.pdf, handout.info, handout.deid


def build_handout(session: Session, out: str | os.PathLike[str], *,
                  base_dir: str | os.PathLike[str] | None = None,
                  template: Template | str | None = None,
                  choices: Mapping[str, Any] | None = None,
                  redact: RedactMode | str = RedactMode.AUTO,
                  dicom_out: str | os.PathLike[str] | None = None,
                  allow_multiple_patients: bool = False) -> BuildResult:
    """Build the handout PDF at ``out`` (and its DICOM objects in ``dicom_out``), all or nothing.

    ``choices`` are the clinician's settings (``language``, ``images_per_page``, ``large_print``, ...);
    a setting the template locks cannot be changed. ``redact`` handles burned-in text (auto: OCR
    and fill identifiers; review: refuse while regions are undecided; none: unchecked, recorded).
    The outputs and their audit line appear together or not at all; a previous file is kept on failure.
    """
    out = Path(out)
    handout = make_handout(session, base_dir=base_dir, template=template, choices=choices, redact=redact)
    delivery = deliver(handout, action="export", out=out,
                       dicom_out=Path(dicom_out) if dicom_out is not None else None,
                       allow_multiple_patients=allow_multiple_patients)
    return BuildResult(out, handout.info, handout.deid, delivery.dicom)
