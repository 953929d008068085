"""Tagged handouts built once per session: the `takehome demo` one (standard template, English) and a
Spanish large-print one."""

from __future__ import annotations

import pytest

from takehome.handouts import build_pdf_bytes
from takehome.handouts.cli import main
from takehome.handouts.deid.audit import ENV_AUDIT_LOG
from takehome.handouts.sample import demo_session


@pytest.fixture(scope="session")
def demo_pdf(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The handout `takehome demo` writes (its audit line goes to a temporary log)."""
    folder = tmp_path_factory.mktemp("demo")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(ENV_AUDIT_LOG, str(folder / "audit.log"))
        assert main(["demo", "--out", str(folder / "demo.pdf")]) == 0
    return (folder / "demo.pdf").read_bytes()


@pytest.fixture(scope="session")
def spanish_large_print_pdf() -> bytes:
    """The demo study as a Spanish large-print handout, checked like an export."""
    return build_pdf_bytes(demo_session(), template="large-print", choices={"language": "es"})[0]
