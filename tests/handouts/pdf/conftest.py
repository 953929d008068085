"""Tagged handouts built once per session: the demo (standard, English) and a Spanish large-print one."""

from __future__ import annotations

import pytest

from takehome.handouts import build_pdf_bytes
from takehome.handouts.sample import demo_session


@pytest.fixture(scope="session")
def demo_pdf() -> bytes:
    """The `takehome demo` handout, checked like an export."""
    return build_pdf_bytes(demo_session())[0]


@pytest.fixture(scope="session")
def spanish_large_print_pdf() -> bytes:
    return build_pdf_bytes(demo_session(), template="large-print", choices={"language": "es"})[0]
