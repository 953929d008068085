"""The panel's DICOM buttons in a real Qt event loop: import a study's KOS/GSPS, send to a real SCP."""

from __future__ import annotations

from pathlib import Path

import pydicom
from pydicom.sr.codedict import codes
from pydicom.uid import generate_uid
from qtpy.QtCore import Qt

from takehome.annotations.model import KeyImage, Overlay, Point, Session, ShapeKind
from takehome.handouts.deid.audit import read_audit
from takehome.handouts.dicom import export_dicom
from takehome.handouts.dicom.header import evidence_view
from takehome.plugin.dicom_actions import DicomActions
from tests.handouts.dicom.orthanc import AET, CLIENT_AET, orthanc
from tests.handouts.dicom.scp import free_port, storescp


def kos_in(folder: Path, images: list[Path]) -> None:
    """A PACS's "Of Interest" key object selection of ``images``, saved in the study folder."""
    from highdicom.ko import KeyObjectSelection, KeyObjectSelectionDocument

    datasets = [evidence_view(pydicom.dcmread(p)) for p in images]
    content = KeyObjectSelection(document_title=codes.DCM.OfInterest, referenced_objects=datasets)
    document = KeyObjectSelectionDocument(evidence=datasets, content=content,
                                          series_instance_uid=generate_uid(), series_number=80,
                                          sop_instance_uid=generate_uid(), instance_number=1,
                                          manufacturer="Some PACS")
    document.save_as(folder / "kos.dcm", enforce_file_format=True)


def drawing_in(folder: Path, image: Path) -> None:
    """A presentation state with one arrow on ``image`` (as takehome or another viewer wrote it)."""
    ds = pydicom.dcmread(image)
    key = KeyImage(str(ds.SOPInstanceUID), str(image), 64, 80, overlays=(
        Overlay(ShapeKind.ARROW, (Point(10, 10), Point(40, 30)), "the spot", id="pacs-arrow"),))
    export_dicom(Session(key_images=(key,)), folder / "pacs")
    for path in (folder / "pacs").glob("GSPS_*"):
        path.rename(folder / path.name)


def test_opening_a_study_with_kos_and_gsps_offers_the_import(make_panel, study_dir: Path, qtbot) -> None:
    images = sorted(study_dir.glob("img*.dcm"))
    kos_in(study_dir, images[1:3])
    drawing_in(study_dir, images[2])
    _host, panel = make_panel()
    actions = panel.dicom
    actions.outbox = study_dir.parent / "outbox"
    qtbot.waitUntil(actions.import_action.isEnabled, timeout=5000)  # scanned off the GUI thread
    assert "2 key image(s) selected in the PACS (“Of Interest”)" in panel.messages.text()
    assert "drawings on 1 image(s)" in panel.messages.text()

    actions.import_action.trigger()
    session = panel.session
    assert [Path(k.file).name for k in session.key_images] == ["img02.dcm", "img03.dcm"]
    (arrow,) = session.key_images[1].overlays
    assert (arrow.kind, arrow.label, arrow.points) == (ShapeKind.ARROW, "the spot",
                                                      (Point(10, 10), Point(40, 30)))
    assert "Imported 2 key image(s) and 1 drawing(s)" in panel.messages.text()
    qtbot.waitUntil(actions.button.isVisible, timeout=5000)  # on the toolbar, not in its overflow
    assert actions.menu.actions() == [actions.import_action, actions.send_action]
    panel.grab().save(str(study_dir.parent / "import.png"))

    panel.toolbars.undo_action.trigger()  # one undoable step
    assert panel.session.key_images == ()
    panel.toolbars.redo_action.trigger()
    actions.import_action.trigger()  # again: nothing new
    assert "already in the handout" in panel.messages.text()


def test_a_study_without_dicom_objects_offers_nothing(make_panel, study_dir: Path, qtbot) -> None:
    _host, panel = make_panel()
    actions = panel.dicom
    assert isinstance(actions, DicomActions)  # wired into every panel
    qtbot.waitUntil(lambda: not actions.scanning(), timeout=5000)
    assert not actions.import_action.isEnabled() and actions.found is None
    assert panel.toolbar.widgetForAction(actions.toolbar_action) is actions.button


def test_a_study_opened_later_is_scanned_again(make_panel, study_dir: Path, tmp_path: Path, qtbot) -> None:
    from takehome.plugin.standalone import scan
    from tests.plugin.conftest import write_study

    host, panel = make_panel()
    qtbot.waitUntil(lambda: not panel.dicom.scanning(), timeout=5000)
    assert panel.dicom.found is None
    other = tmp_path / "other"
    images = write_study(other, images=2)
    kos_in(other, images[:1])
    host.study = scan([other])  # the viewer opens another study
    host.set_current(host.study.images[0])
    qtbot.waitUntil(lambda: panel.dicom.found is not None, timeout=5000)
    assert "1 key image(s) selected in the PACS" in panel.messages.text()


def mark_first_image(panel, study_dir: Path) -> None:
    panel.toggle_key_image()
    assert len(panel.session.key_images) == 1


def test_send_button_stores_the_handout_on_a_real_scp(make_panel, study_dir: Path, tmp_path: Path,
                                                      qtbot, _audit_log_in_tmp: Path) -> None:
    _host, panel = make_panel()
    actions = panel.dicom
    actions.outbox = tmp_path / "outbox"
    mark_first_image(panel, study_dir)
    received = tmp_path / "received"
    with storescp(received) as port:
        dialog = actions.open_send_dialog()
        assert dialog is not None
        qtbot.addWidget(dialog)
        dialog.address.setText(f"STORESCP@127.0.0.1:{port}")
        dialog.timeout.setValue(5)
        with qtbot.waitSignal(dialog.done, timeout=60000) as blocker:
            qtbot.mouseClick(dialog.send_button, Qt.MouseButton.LeftButton)
        dialog.grab().save(str(tmp_path / "send-dialog.png"))
    level, text = blocker.args
    assert level == "info" and "Stored 3 of 3 DICOM object(s)" in text, text
    kinds = sorted(str(pydicom.dcmread(p, stop_before_pixels=True).Modality) for p in received.iterdir())
    assert kinds == ["DOC", "KO", "PR"]
    assert text in panel.messages.text()
    # storescp cannot commit to keeping them (no storage commitment): the outbox keeps them, and says why
    assert len(list((tmp_path / "outbox").rglob("*.dcm"))) == 3
    assert "does not support storage commitment" in text
    assert actions.address == f"STORESCP@127.0.0.1:{port}"  # remembered for the next send
    (line,) = read_audit(_audit_log_in_tmp)  # the same gate and audit line as Export and Print
    assert line["action"] == "send" and line["redact_mode"] == "review" and line["dicom_objects"] == 3


def test_send_with_a_commitment_port_empties_the_outbox_on_orthanc(make_panel, study_dir: Path,
                                                                   tmp_path: Path, qtbot) -> None:
    _host, panel = make_panel()
    actions = panel.dicom
    actions.outbox = tmp_path / "outbox"
    mark_first_image(panel, study_dir)
    with orthanc(tmp_path / "pacs") as server:
        dialog = actions.open_send_dialog()
        assert dialog is not None
        qtbot.addWidget(dialog)
        dialog.address.setText(f"{AET}@127.0.0.1:{server.dicom_port}")
        dialog.calling.setText(CLIENT_AET)
        dialog.commit_port.setValue(server.commit_port)  # where Orthanc reports its commitment
        dialog.timeout.setValue(20)
        with qtbot.waitSignal(dialog.done, timeout=90000) as blocker:
            qtbot.mouseClick(dialog.send_button, Qt.MouseButton.LeftButton)
        stored = server.instances()
    level, text = blocker.args
    assert level == "info" and "Stored 3 of 3 DICOM object(s)" in text and "copy stays" not in text, text
    study = str(pydicom.dcmread(panel.session.key_images[0].file, stop_before_pixels=True).StudyInstanceUID)
    assert len({i["sop"] for i in stored}) == len(stored) == 3 and {i["study"] for i in stored} == {study}
    # committed by the PACS: nothing is left to resend, and the port is remembered for the next send
    assert not list((tmp_path / "outbox").rglob("*.dcm"))
    assert actions.commit_port == server.commit_port
    again = actions.open_send_dialog()
    assert again is not None
    qtbot.addWidget(again)
    assert again.commit_port.value() == server.commit_port


def test_send_errors_are_shown_and_the_objects_kept(make_panel, study_dir: Path, tmp_path: Path,
                                                    qtbot) -> None:
    _host, panel = make_panel()
    actions = panel.dicom
    actions.outbox = tmp_path / "outbox"
    mark_first_image(panel, study_dir)
    dialog = actions.open_send_dialog()
    assert dialog is not None
    qtbot.addWidget(dialog)
    dialog.address.setText("not an address")
    dialog.send_button.click()
    assert "not AE@host:port" in dialog.status.text() and not dialog.busy

    dialog.address.setText(f"PACS@127.0.0.1:{free_port()}")
    with qtbot.waitSignal(dialog.done, timeout=60000) as blocker:
        dialog.send_button.click()
    level, text = blocker.args
    assert level == "error" and "nothing accepts connections" in text and "kept in" in text
    assert "Nothing was stored" in dialog.status.text()
    assert len(list((tmp_path / "outbox").rglob("*.dcm"))) == 3  # kept, to send again
    assert dialog.send_button.isEnabled()


def test_send_without_key_images_explains(make_panel) -> None:
    _host, panel = make_panel()
    actions = panel.dicom
    assert actions.open_send_dialog() is None
    assert "Mark at least one key image" in panel.messages.text()


def test_imported_shapes_without_takehome_equivalent_are_shown_not_editable(make_panel, study_dir: Path,
                                                                            qtbot) -> None:
    import numpy as np
    from highdicom.pr import (
        GraphicAnnotation,
        GraphicLayer,
        GraphicObject,
        GrayscaleSoftcopyPresentationState,
    )

    image_path = sorted(study_dir.glob("img*.dcm"))[0]
    image = evidence_view(pydicom.dcmread(image_path))
    layer = GraphicLayer("OTHER", order=1)
    graphics = [GraphicObject("INTERPOLATED", np.array([[5.0, 5.0], [30.0, 10.0], [60.0, 40.0]]), "PIXEL"),
                GraphicObject("POINT", np.array([[40.0, 50.0]]), "PIXEL"),
                GraphicObject("ELLIPSE", np.array([[10.0, 10.0], [30.0, 30.0], [25.0, 15.0], [15.0, 25.0]]),
                              "PIXEL"),
                GraphicObject("POLYLINE", np.array([[70.0, 5.0], [75.0, 60.0]]), "PIXEL")]
    state = GrayscaleSoftcopyPresentationState(
        referenced_images=[image], series_instance_uid=generate_uid(), series_number=70,
        sop_instance_uid=generate_uid(), instance_number=1, manufacturer="Other viewer",
        manufacturer_model_name="v", software_versions="1", device_serial_number="1",
        content_label="OTHER", graphic_layers=[layer],
        graphic_annotations=[GraphicAnnotation([image], layer, graphic_objects=graphics)])
    state.save_as(study_dir / "other-gsps.dcm", enforce_file_format=True)
    kos_in(study_dir, [image_path])
    host, panel = make_panel()
    actions = panel.dicom
    qtbot.waitUntil(actions.import_action.isEnabled, timeout=5000)
    actions.import_action.trigger()
    (key,) = panel.session.key_images
    assert [s.graphic_type for s in key.read_only_shapes] == ["INTERPOLATED", "POINT", "ELLIPSE"]
    assert [o.kind for o in key.overlays] == [ShapeKind.LINE]  # the editable one
    assert "3 shape(s) without a takehome equivalent" in panel.messages.text()
    host.set_current(next(i for i in host.study_images() if i.sop_instance_uid == key.sop_instance_uid))
    qtbot.waitUntil(lambda: len(actions.shapes.items) == 3, timeout=5000)
    assert all(item.scene() is panel.canvas.viewbox.scene() for item in actions.shapes.items)
    assert all(not item.acceptedMouseButtons() for item in actions.shapes.items)
    rotated = actions.shapes.items[2].path().boundingRect()
    assert 20 < rotated.width() < 30 and 20 < rotated.height() < 30  # the 45° ellipse, drawn rotated
    panel.grab().save(str(study_dir.parent / "kept-shapes.png"))


def test_the_study_is_scanned_off_the_gui_thread(make_panel, study_dir: Path, qtbot, monkeypatch) -> None:
    """Opening a study never waits for the scan of its folder for saved key images (a large folder)."""
    import threading

    from takehome.plugin import dicom_actions

    gui = threading.get_ident()
    threads: list[int] = []
    release = threading.Event()
    scan = dicom_actions.scan_beside

    def slow_scan(*args: object, **kwargs: object):
        threads.append(threading.get_ident())
        release.wait(5)
        return scan(*args, **kwargs)

    monkeypatch.setattr(dicom_actions, "scan_beside", slow_scan)
    kos_in(study_dir, sorted(study_dir.glob("img*.dcm"))[:1])
    _host, panel = make_panel()  # returns while the scan waits
    actions = panel.dicom
    assert actions.scanning() and actions.found is None
    with qtbot.waitSignal(actions.scanned, timeout=5000):
        release.set()
    assert threads and threads[0] != gui
    assert actions.import_action.isEnabled() and not actions.scanning()


def test_the_scan_waits_for_the_viewers_first_image(study_dir: Path, qtbot, monkeypatch) -> None:
    """The standalone viewer opens the panel before its first image is decoded: the second header
    scan (a GIL-bound reader) starts only once that image is on screen, so it never delays it."""
    from takehome.plugin import dicom_actions
    from takehome.plugin.jobs import Lane, wait_for_jobs
    from takehome.plugin.panel import TakehomePanel
    from takehome.plugin.standalone import StandaloneHost, scan

    calls: list[object] = []
    real = dicom_actions.scan_beside
    monkeypatch.setattr(dicom_actions, "scan_beside", lambda *a, **k: calls.append(a) or real(*a, **k))
    host = StandaloneHost(scan([study_dir]))
    first = host.current_image()
    host.set_current(None)  # still decoding
    panel = TakehomePanel(host)
    qtbot.addWidget(panel)
    assert wait_for_jobs(5000, (Lane.PACS,)) and calls == []
    host.set_current(first)
    qtbot.waitUntil(lambda: len(calls) == 1, timeout=10000)
