"""The ``takehome`` command: build handouts from DICOM files or a session, and the demo.

A build's outputs (the PDF at ``--out``, the DICOM objects of ``--dicom-out``, the audit line) are
written together or not at all (:mod:`takehome.handouts.output`).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from takehome.annotations.errors import TakehomeError
from takehome.annotations.session_file import load_session
from takehome.handouts.build import BuildResult, build_handout, session_from_files
from takehome.handouts.dicom.commands import add_dicom_options, add_send_command, run_send
from takehome.handouts.errors import InputError
from takehome.handouts.sample import demo_session
from takehome.handouts.templates.commands import add_template_commands, add_template_options, run_templates

EXIT_OK = 0
EXIT_INPUT = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_INPUT, f"takehome: error: {message}\n")


def make_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="takehome", description="Patient take-home imaging handouts.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    build = commands.add_parser("build", help="build a handout PDF from DICOM images or a session")
    build.add_argument("dicom", nargs="*", help="DICOM image files, each becomes a key image")
    build.add_argument("--out", required=True, type=Path, help="the PDF to write")
    build.add_argument("--excerpt", action="append", default=[],
                       help="report excerpt for the n-th image (repeatable)")
    build.add_argument("--session", type=Path, help="session JSON with images, overlays, excerpts")
    build.add_argument("--frame", type=int, default=1, help="frame of multi-frame images (1-based)")
    build.add_argument("--template", help="template name or TOML file")
    add_dicom_options(build)
    build.add_argument("--redact", choices=("auto", "none"), default="auto",
                       help="burned-in text: auto (default) finds it with OCR and fills identifiers; "
                            "none prints the pixels unchecked (recorded in the audit log)")
    add_template_options(build)

    demo = commands.add_parser("demo", help="build the handout of the bundled sample study")
    demo.add_argument("--out", required=True, type=Path, help="the PDF to write")
    demo.add_argument("--template", help="template name or TOML file")
    add_dicom_options(demo)
    add_template_options(demo)
    add_template_commands(commands)
    add_send_command(commands)
    return parser


def _build(args: argparse.Namespace) -> BuildResult:
    if args.out.suffix.lower() != ".pdf":
        raise InputError(f"--out: {args.out} must end in .pdf")
    if args.frame < 1:
        raise InputError(f"--frame: frames are numbered from 1, got {args.frame}")
    if args.session is not None:
        if args.dicom or args.excerpt:
            raise InputError("--session: give either a session or DICOM files with --excerpt, not both")
        session = load_session(args.session)
        return build_handout(session, args.out, base_dir=args.session.parent, template=args.template,
                             choices=args.choices, redact=args.redact, dicom_out=args.dicom_out)
    session = session_from_files(args.dicom, args.excerpt, args.frame)
    return build_handout(session, args.out, template=args.template, choices=args.choices,
                         redact=args.redact, dicom_out=args.dicom_out)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; exit 2 with one clear line on stderr for bad input."""
    args = make_parser().parse_args(argv)
    try:
        if args.command == "templates":
            return run_templates(args)
        if args.command == "send":
            return run_send(args)
        if args.command == "build":
            result = _build(args)
        else:  # the bundled sample mixes images of several patients
            result = build_handout(demo_session(), args.out, template=args.template, choices=args.choices,
                                   dicom_out=args.dicom_out, allow_multiple_patients=True)
    except TakehomeError as exc:
        print(f"takehome: error: {exc}", file=sys.stderr)
        return EXIT_INPUT
    if args.dicom_out is not None:
        objects = result.dicom
        print(f"wrote {len(objects.files)} DICOM object(s) to {args.dicom_out} ({objects.summary()})")
        for note in objects.notes:
            print(f"takehome: note: {note}", file=sys.stderr)
    print(f"wrote {result.out} ({result.pdf.pages} page(s), {len(result.pdf.images)} image(s), "
          f"{result.pdf.nbytes // 1024} KB; {result.deid.removed} identifier(s) removed from text, "
          f"{result.deid.pixels_redacted} region(s) redacted in images)")
    if result.deid.redact_mode == "none":
        print("takehome: warning: burned-in text in the images was not checked (--redact none); "
              "this is recorded in the audit log", file=sys.stderr)
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
