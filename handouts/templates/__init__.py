"""Department templates: TOML data describing how every handout of a department looks and reads."""

from __future__ import annotations

from takehome.handouts.templates.load import inside_folder, load_template_file, parse_template, template_name
from takehome.handouts.templates.model import (
    DISCLAIMER,
    IMAGES_PER_PAGE,
    LARGE_PRINT_MIN,
    SETTINGS,
    ExcerptPosition,
    LockedSettingError,
    PageSize,
    ResolvedText,
    Section,
    SettingState,
    Template,
    TemplateSource,
    TemplateText,
)
from takehome.handouts.templates.sources import (
    DEFAULT_TEMPLATE,
    DEPARTMENT_ENV,
    TemplateEntry,
    all_entries,
    available,
    builtin_names,
    department_folder,
    load_entry,
    resolve_template,
    user_folder,
)

__all__ = [
    "DEFAULT_TEMPLATE", "DEPARTMENT_ENV", "DISCLAIMER", "IMAGES_PER_PAGE", "LARGE_PRINT_MIN", "SETTINGS",
    "ExcerptPosition", "LockedSettingError", "PageSize", "ResolvedText", "Section", "SettingState",
    "Template", "TemplateEntry", "TemplateSource", "TemplateText", "all_entries", "available",
    "builtin_names", "department_folder", "inside_folder", "load_entry", "load_template_file",
    "parse_template", "resolve_template", "template_name", "user_folder",
]
