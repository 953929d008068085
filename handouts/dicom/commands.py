"""The DICOM parts of the ``takehome`` command: ``--dicom-out`` for build/demo, and ``send``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from takehome.handouts.dicom.errors import SendError
from takehome.handouts.dicom.send import DEFAULT_CALLING_AE, DEFAULT_TIMEOUT, Peer, collect_files, send_files

EXIT_OK = 0
EXIT_SEND_FAILED = 3


def add_dicom_options(parser: argparse.ArgumentParser) -> None:
    """``--dicom-out DIR`` on build and demo."""
    parser.add_argument("--dicom-out", type=Path, metavar="DIR",
                        help="also write DICOM objects into DIR: key object selection, presentation "
                             "state(s) with the overlays, and the handout as encapsulated PDF")


def add_send_command(commands: Any) -> None:
    """``takehome send DIR --to AE@host:port``."""
    send = commands.add_parser("send", help="store the DICOM objects of a folder on a PACS (C-STORE)")
    send.add_argument("folder", type=Path, metavar="DIR", help="folder written by --dicom-out")
    send.add_argument("--to", required=True, metavar="AE@host:port",
                      help="the PACS (Storage SCP): its AE title, host and port")
    send.add_argument("--aet", default=DEFAULT_CALLING_AE,
                      help=f"this workstation's AE title (default {DEFAULT_CALLING_AE})")
    send.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT,
                      help=f"seconds to wait for the PACS at each step (default {DEFAULT_TIMEOUT:g})")
    send.add_argument("--remove-sent", action="store_true",
                      help="delete each file once the PACS stored it and committed to keeping it "
                           "(storage commitment); without commitment the files are kept")
    send.add_argument("--commit-port", type=int, metavar="PORT",
                      help="with --remove-sent: the port this workstation listens on for the PACS's "
                           "storage commitment report (as configured in the PACS for --aet)")


def run_send(args: argparse.Namespace) -> int:
    """Send a folder; one line per file; exit 3 when any file was not stored."""
    peer = Peer.parse(args.to)
    if args.commit_port is not None and not 1 <= args.commit_port <= 65535:
        raise SendError(f"--commit-port: port {args.commit_port} must be between 1 and 65535")
    if args.commit_port is not None and not args.remove_sent:
        raise SendError("--commit-port: only used with --remove-sent (storage commitment before removing)")
    files = collect_files(args.folder)

    def progress(index: int, total: int, path: Path) -> None:
        print(f"[{index}/{total}] {path.name}", file=sys.stderr)

    report = send_files(files, peer, calling_ae=args.aet, timeout=args.timeout,
                        remove_sent=args.remove_sent, commit_port=args.commit_port,
                        progress=progress if sys.stderr.isatty() else None)
    for outcome in report.outcomes:
        removed = " (removed locally)" if outcome.removed else ""
        print(f"{outcome.path.name}: {outcome.message}{removed}")
    print(f"{len(report.stored)} of {len(report.outcomes)} object(s) stored on {peer}")
    if report.failed:
        print(f"takehome: error: {len(report.failed)} object(s) were not stored on {peer}; they were kept "
              "in the folder: fix the cause above and send again", file=sys.stderr)
        return EXIT_SEND_FAILED
    return EXIT_OK
