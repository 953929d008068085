"""Extract the handout's fixed strings and update the gettext catalogs (Babel), then compile them.

Run after changing any translatable string:  .venv/bin/python scripts/update_catalogs.py
English is the source language: its catalog maps every message to itself. Other languages keep
their existing translations; new messages appear untranslated (a test fails until they are done).
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "handouts"
LOCALES = SOURCE / "i18n" / "locales"
DOMAIN = "takehome"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}


def extract() -> Catalog:
    template = Catalog(project="takehome", domain=DOMAIN)
    for filename, lineno, message, comments, context in extract_from_dir(
            str(SOURCE), method_map=[("**.py", "python")], keywords=KEYWORDS, comment_tags=("TRANSLATORS:",)):
        template.add(message, None, [(f"handouts/{filename}", lineno)], auto_comments=comments,
                     context=context)
    return template


def update(template: Catalog, language: str) -> Catalog:
    po = LOCALES / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if po.is_file():
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=language, domain=DOMAIN)
        catalog.update(template, no_fuzzy_matching=True, update_creation_date=False)
    else:
        catalog = Catalog(locale=language, domain=DOMAIN, project="takehome")
        catalog.update(template, no_fuzzy_matching=True)
    if language == "en":
        for message in catalog:
            if message.id:
                message.string = message.id
    catalog.obsolete.clear()
    po.parent.mkdir(parents=True, exist_ok=True)
    with po.open("wb") as handle:
        write_po(handle, catalog, width=100, omit_header=False, sort_output=False, include_lineno=False)
    return catalog


def compile_catalog(catalog: Catalog, language: str) -> None:
    mo = LOCALES / language / "LC_MESSAGES" / f"{DOMAIN}.mo"
    with mo.open("wb") as handle:
        write_mo(handle, catalog, use_fuzzy=False)


def main() -> int:
    template = extract()
    missing = 0
    for folder in sorted(p for p in LOCALES.iterdir() if p.is_dir()):
        catalog = update(template, folder.name)
        untranslated = [m.id for m in catalog if m.id and (not m.string or m.fuzzy)]
        missing += len(untranslated)
        for message in untranslated:
            print(f"{folder.name}: untranslated: {message!r}")
        compile_catalog(catalog, folder.name)
        print(f"{folder.name}: {len([m for m in catalog if m.id])} messages")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
