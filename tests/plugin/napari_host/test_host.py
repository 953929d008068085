"""NapariHost in a real napari viewer: the shown image follows layers, the dims slider and 2D/3D."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from takehome.plugin.host import Host, ImageRef
from takehome.plugin.napari_host.host import NapariHost
from tests.plugin.napari_host.conftest import SyntheticStudy, write_study

pytestmark = pytest.mark.napari


def _open(viewer: object, path: Path) -> list[object]:
    layers = viewer.open(str(path), plugin="takehome")  # type: ignore[attr-defined]
    assert layers, path
    return list(layers)


def _slider(viewer: object, axis: int) -> object:
    return viewer.window._qt_viewer.dims.slider_widgets[axis].slider  # type: ignore[attr-defined]


def test_host_follows_the_dims_slider(make_napari_viewer, qtbot, study: SyntheticStudy) -> None:
    viewer = make_napari_viewer(show=True)
    layers = {layer.name: layer for layer in _open(viewer, study.folder)}
    viewer.layers.selection.active = layers["CT 3 Axial"]
    host = NapariHost(viewer)
    assert isinstance(host, Host)
    seen: list[ImageRef | None] = []
    host.on_current_image_changed(seen.append)

    slider = _slider(viewer, 0)
    expected = study.axial_uids_in_position_order
    for index in (0, 3, 1, 4):
        slider.setValue(index)  # the real Qt slider, as the clinician drags it
        qtbot.waitUntil(lambda index=index: host.current_image() is not None
                        and host.current_image().sop_instance_uid == expected[index], timeout=2000)
        assert seen[-1] == host.current_image()
        assert host.current_image().file == str(study.axial_files_in_position_order[index])
    assert [r.sop_instance_uid for r in seen if r is not None][-4:] == [expected[i] for i in (0, 3, 1, 4)]
    count = len(seen)
    slider.setValue(4)  # no change: no callback
    qtbot.wait(50)
    assert len(seen) == count


def test_host_follows_the_active_layer_and_frames(make_napari_viewer, study: SyntheticStudy) -> None:
    viewer = make_napari_viewer()
    layers = {layer.name: layer for layer in _open(viewer, study.folder)}
    viewer.layers.selection.active = layers["CT 3 Axial"]
    viewer.dims.set_current_step(0, 4)
    host = NapariHost(viewer)
    seen: list[ImageRef | None] = []
    host.on_current_image_changed(seen.append)

    axial_last = host.current_image()
    assert axial_last is not None
    assert axial_last.sop_instance_uid == study.axial_uids_in_position_order[4]
    viewer.layers.selection.active = layers["US 7"]
    # the cine has 4 frames: at step 4 none of it is drawn, so the axial slice still is the image shown
    assert host.current_image() == axial_last and not seen
    viewer.dims.set_current_step(0, 2)
    assert host.current_image() == ImageRef(study.cine_uid, str(study.cine_file), 3)
    assert seen[-1] == host.current_image()

    viewer.layers.selection.active = layers["CT 3 Axial"]
    viewer.dims.set_current_step(0, 0)
    assert host.current_image().sop_instance_uid == study.axial_uids_in_position_order[0]
    assert seen[-1] == host.current_image()

    # the study is every takehome layer of the shown study, each in its own slice order
    refs = host.study_images()
    assert [r.sop_instance_uid for r in refs[:5]] == list(study.axial_uids_in_position_order)
    assert refs[5:] == tuple(ImageRef(study.cine_uid, str(study.cine_file), f)
                             for f in range(1, study.cine_frames + 1))


def test_other_layers_do_not_take_the_image_away(make_napari_viewer, study: SyntheticStudy) -> None:
    viewer = make_napari_viewer()
    _open(viewer, study.folder / "series3")
    host = NapariHost(viewer)
    shown = host.current_image()
    assert shown is not None
    viewer.add_shapes(name="my drawing")  # becomes the active layer
    assert host.current_image() == shown
    viewer.add_image(np.zeros((5, 48, 64), np.uint8), name="not DICOM")
    assert host.current_image() == shown  # the takehome layer below is still the image of the study


def test_no_single_image_in_3d_or_without_dicom_layers(make_napari_viewer, study: SyntheticStudy) -> None:
    viewer = make_napari_viewer()
    assert NapariHost(viewer).current_image() is None
    assert NapariHost(viewer).study_images() == ()
    layer, = _open(viewer, study.folder / "series3")
    host = NapariHost(viewer)
    seen: list[ImageRef | None] = []
    host.on_current_image_changed(seen.append)
    viewer.dims.ndisplay = 3
    assert host.current_image() is None and seen[-1] is None
    viewer.dims.ndisplay = 2
    assert seen[-1] is not None and seen[-1] == host.current_image()
    viewer.dims.order = (1, 0, 2)  # a reformatted plane (rows against slices): no acquired image
    assert host.current_image() is None and seen[-1] is None
    viewer.dims.order = (0, 1, 2)
    assert seen[-1] is not None
    viewer.layers.remove(layer)
    assert seen[-1] is None and host.study_images() == ()


def test_study_images_are_those_of_the_shown_study(make_napari_viewer, tmp_path: Path,
                                                   study: SyntheticStudy) -> None:
    other = write_study(tmp_path / "other", slices=2, cine_frames=2)
    viewer = make_napari_viewer()
    first = _open(viewer, study.folder / "series3")[0]
    second = _open(viewer, other.folder / "series3")[0]
    host = NapariHost(viewer)
    viewer.dims.set_current_step(0, 1)  # a slice both studies have
    viewer.layers.selection.active = second
    assert {r.sop_instance_uid for r in host.study_images()} == set(other.axial_uids_in_position_order)
    viewer.layers.selection.active = first
    assert {r.sop_instance_uid for r in host.study_images()} == set(study.axial_uids_in_position_order)


def test_close_stops_following(make_napari_viewer, study: SyntheticStudy) -> None:
    viewer = make_napari_viewer()
    _open(viewer, study.folder / "series3")
    host = NapariHost(viewer)
    seen: list[ImageRef | None] = []
    host.on_current_image_changed(seen.append)
    viewer.dims.set_current_step(0, 0)
    count = len(seen)
    host.close()
    viewer.dims.set_current_step(0, 4)
    assert len(seen) == count
