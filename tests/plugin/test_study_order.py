"""Both hosts show a series in one order: the standalone viewer and napari use one scanner."""

from __future__ import annotations

from pathlib import Path

from takehome.plugin.napari_host.series import load_study
from takehome.plugin.standalone import scan
from tests.plugin.napari_host.conftest import write_study


def test_standalone_and_napari_list_the_same_images_in_the_same_order(tmp_path: Path) -> None:
    study = write_study(tmp_path / "study")  # file names and instance numbers disagree with positions
    standalone = [list(series.images) for series in scan([study.folder]).series]
    napari = [list(stack.images) for stack in load_study([study.folder]).stacks]
    assert standalone == napari
    uids = study.axial_uids_in_position_order
    axial = next(images for images in standalone if images[0].sop_instance_uid in uids)
    assert [ref.sop_instance_uid for ref in axial] == list(study.axial_uids_in_position_order)
