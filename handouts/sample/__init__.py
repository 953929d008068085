"""The bundled sample consultation: real images that ship with pydicom, overlays and excerpts."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from pydicom.data import get_testdata_file

from takehome.annotations.model import Session
from takehome.handouts.errors import InputError


def sample_file(name: str) -> str:
    """Path of one of pydicom's bundled test images."""
    path = get_testdata_file(name, download=False)
    if path is None:
        raise InputError(f"sample: pydicom's test file {name!r} is not installed")
    return str(path)


def demo_session() -> Session:
    """The demo consultation, with the sample's file names resolved to pydicom's test files."""
    data: dict[str, Any] = json.loads(
        resources.files(__package__).joinpath("demo.json").read_text(encoding="utf-8"))
    for image in data["key_images"]:
        image["file"] = sample_file(image["file"])
    return Session.from_dict(data)


def sample_files() -> list[str]:
    """The sample study's image files (for the standalone viewer's default study)."""
    return [image.file for image in demo_session().key_images]
