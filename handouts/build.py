"""The one call that turns a session (key images, overlays, excerpts) into a handout PDF."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from takehome.annotations.model import Excerpt, Session
from takehome.handouts.errors import InputError
from takehome.handouts.pdf.document import PdfInfo, render_pdf, write_pdf
from takehome.handouts.prepare import DeidSummary, key_image_from_file, load_images, prepare_content
from takehome.handouts.template import Template, resolve_template


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
    choices (the session's language, then ``choices``) applied; locked settings refuse changes."""
    chosen = template if isinstance(template, Template) else resolve_template(
        template or session.template)
    wanted: dict[str, Any] = {"language": session.language}
    wanted.update({k: v for k, v in (choices or {}).items() if v is not None})
    return chosen.with_choices(wanted)


def build_pdf_bytes(session: Session, *, base_dir: str | os.PathLike[str] | None = None,
                    template: Template | str | None = None,
                    choices: Mapping[str, Any] | None = None) -> tuple[bytes, PdfInfo, DeidSummary]:
    """Build the handout in memory (for previews): PDF bytes, facts and de-identification counts."""
    chosen = choose_template(session, template, choices)
    loaded = load_images(session, base_dir)
    content, summary = prepare_content(session, loaded, chosen)
    data, info = render_pdf(content, chosen)
    return data, info, summary


def build_handout(session: Session, out: str | os.PathLike[str], *,
                  base_dir: str | os.PathLike[str] | None = None,
                  template: Template | str | None = None,
                  choices: Mapping[str, Any] | None = None) -> BuildResult:
    """Build the handout PDF at ``out`` (written atomically: all or nothing).

    ``choices`` are the clinician's settings (``language``, ``images_per_page``, ``large_print``, ...);
    a setting the template locks cannot be changed.
    """
    chosen = choose_template(session, template, choices)
    loaded = load_images(session, base_dir)
    content, summary = prepare_content(session, loaded, chosen)
    info = write_pdf(content, chosen, Path(out))
    return BuildResult(Path(out), info, summary)
