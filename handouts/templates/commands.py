"""``takehome templates list|check`` and the clinician's template options of ``build`` and ``demo``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

from takehome.annotations.errors import TakehomeError
from takehome.handouts.i18n import LANGUAGES
from takehome.handouts.templates.load import load_template_file
from takehome.handouts.templates.model import IMAGES_PER_PAGE, ExcerptPosition, TemplateSource
from takehome.handouts.templates.sources import all_entries, available, load_entry
from takehome.handouts.templates.worst_case import check_worst_case


class _Choice(argparse.Action):
    """Store an option into ``namespace.choices[setting]`` (the clinician's template choices)."""

    def __init__(self, *args: Any, setting: str, **kwargs: Any) -> None:
        self.setting = setting
        super().__init__(*args, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: str | Sequence[Any] | None, option_string: str | None = None) -> None:
        choices = dict(getattr(namespace, "choices", None) or {})
        choices[self.setting] = self.const if self.nargs == 0 else values
        namespace.choices = choices


def add_template_options(parser: argparse.ArgumentParser) -> None:
    """--language, --images-per-page, --excerpt-position, --large-print (refused when locked)."""
    parser.set_defaults(choices={})
    parser.add_argument("--language", action=_Choice, setting="language", choices=sorted(LANGUAGES),
                        help="language of the handout's fixed text and glossary")
    parser.add_argument("--images-per-page", action=_Choice, setting="images_per_page", type=int,
                        choices=IMAGES_PER_PAGE, help="pictures per page")
    parser.add_argument("--excerpt-position", action=_Choice, setting="excerpt",
                        choices=[p.value for p in ExcerptPosition], help="report notes below or beside")
    parser.add_argument("--large-print", action=_Choice, setting="large_print", nargs=0, const=True,
                        help="large print (body text 14 pt or more)")


def add_template_commands(commands: Any) -> None:
    templates = commands.add_parser("templates", help="list or check department templates")
    sub = templates.add_subparsers(dest="templates_command", required=True, parser_class=type(templates))
    sub.add_parser("list", help="list the templates found (department beats user beats built-in)")
    check = sub.add_parser("check", help="validate a template file and summarise it")
    check.add_argument("file", help="the template TOML file")


def run_templates(args: argparse.Namespace) -> int:
    """Run ``templates list`` or ``templates check``; errors propagate as TakehomeError."""
    if args.templates_command == "list":
        chosen = available()
        print(f"{'name':<20} {'source':<11} path")
        for entry in all_entries():
            winner = chosen[entry.name] == entry
            note = "" if winner else f"   (hidden by the {chosen[entry.name].source} template)"
            try:
                description = load_entry(entry).description if winner else ""
            except TakehomeError as exc:
                description = f"INVALID: {exc}"
            print(f"{entry.name:<20} {entry.source:<11} {entry.path}{note}")
            if description:
                print(f"{'':<20} {description}")
        return 0
    template = load_template_file(args.file, TemplateSource.USER)
    layouts = check_worst_case(template, str(args.file))
    locked = [s.key for s in template.settings() if s.locked]
    print(f"{args.file}: OK, template {template.name!r}")
    print(f"  page {template.page_size}, margins {template.margin_mm:g} mm, {template.images_per_page} "
          f"picture(s) per page, notes {template.excerpt_position}, "
          f"body {template.effective_body_size:g} pt, language {template.language}")
    print(f"  sections: {', '.join(template.sections)}")
    print(f"  clinician may change: {', '.join(sorted(template.may_change)) or 'nothing'}")
    print(f"  locked: {', '.join(locked) or 'nothing'}")
    print(f"  the longest handout a session can hold lays out in all {layouts} open layout(s)")
    sys.stdout.flush()
    return 0
