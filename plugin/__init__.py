"""takehome.plugin: the Qt panel and its viewer hosts (the only package that imports Qt)."""

from __future__ import annotations
