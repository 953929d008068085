"""The npe2 manifest: found through the installed entry point, valid, and its commands resolve."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import npe2
import pytest
from npe2 import PluginManager, PluginManifest

import takehome.plugin
from takehome.plugin.napari_host import metadata
from takehome.plugin.napari_host.reader import napari_get_reader
from takehome.plugin.napari_host.widget import TakehomeDockWidget
from tests.plugin.napari_host.conftest import SyntheticStudy

pytestmark = pytest.mark.napari

MANIFEST = Path(takehome.plugin.__file__).with_name("napari.yaml")


def test_manifest_file_is_valid_and_named_takehome() -> None:
    manifest = PluginManifest.from_file(MANIFEST)
    assert manifest.name == "takehome"
    result = subprocess.run([sys.executable, "-m", "npe2", "validate", str(MANIFEST)],
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "valid" in result.stdout


def test_installed_distribution_registers_the_manifest() -> None:
    manifest = PluginManifest.from_distribution("takehome")
    assert manifest.name == "takehome"
    pm = PluginManager.instance()
    pm.discover()
    assert pm.get_manifest("takehome").name == "takehome"
    contributions = pm.get_manifest("takehome").contributions
    reader, = contributions.readers or []
    assert reader.accepts_directories
    widget, = contributions.widgets or []
    assert widget.display_name == "Take-home handout"
    assert widget.get_callable() is TakehomeDockWidget
    assert reader.get_callable() is napari_get_reader
    assert pm.get_command(reader.command).python_name.startswith("takehome.plugin.napari_host.")


def test_npe2_reads_a_dicom_folder_through_the_plugin(study: SyntheticStudy) -> None:
    pm = PluginManager.instance()
    pm.discover()
    readers = [r.plugin_name for r in pm.iter_compatible_readers([str(study.folder)])]
    assert "takehome" in readers
    layers = npe2.read([str(study.folder)], stack=False, plugin_name="takehome")
    names = sorted(str(kwargs["name"]) for _, kwargs, *_ in layers)
    assert names == ["CT 3 Axial", "US 7"]
    uids = {ref.sop_instance_uid for _, kwargs, *_ in layers for ref in metadata.images(kwargs["metadata"])}
    assert uids == {*study.axial_uids_in_position_order, study.cine_uid}
