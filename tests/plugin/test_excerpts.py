"""Report excerpts: paste the report, tick sentences, attach them to a key image, edit them."""

from __future__ import annotations

from qtpy.QtCore import Qt

from takehome.plugin.excerpts import split_sentences

REPORT = """FINDINGS:
There is a 4 cm round lesion in the right lobe of the liver, e.g. a simple cyst. No other lesions.
The spleen is normal.

IMPRESSION:
1. Simple liver cyst.
2. No follow-up needed."""


def test_split_sentences():
    assert split_sentences(REPORT) == [
        "There is a 4 cm round lesion in the right lobe of the liver, e.g. a simple cyst.",
        "No other lesions.",
        "The spleen is normal.",
        "Simple liver cyst.",
        "No follow-up needed.",
    ]
    assert split_sentences("") == []
    assert split_sentences("Dr. Smith saw a 2.5 mm nodule. It is benign.") == [
        "Dr. Smith saw a 2.5 mm nodule.", "It is benign."]
    assert split_sentences("Lungs: clear.\n- Heart normal\n- No effusion") == [
        "Lungs: clear.", "Heart normal", "No effusion"]


def test_paste_tick_attach_edit_remove(make_panel, qtbot):
    _host, panel = make_panel()
    editor = panel.excerpt_editor
    editor.report.setPlainText(REPORT)
    editor.flush()
    assert panel.session.report_text == REPORT
    assert editor.sentences.count() == 5
    editor.tick(0, 2)
    qtbot.mouseClick(editor.attach, Qt.MouseButton.LeftButton)
    # attaching to an image that was not a key image makes it one
    (image,) = panel.session.key_images
    assert [e.text for e in image.excerpts] == [split_sentences(REPORT)[0], "The spleen is normal."]
    assert editor.excerpts.count() == 2
    # reword the first excerpt in plain language
    item = editor.excerpts.item(0)
    item.setText("There is a 4 cm fluid-filled sac (cyst) in the liver.")
    (image,) = panel.session.key_images
    assert image.excerpts[0].text == "There is a 4 cm fluid-filled sac (cyst) in the liver."
    editor.excerpts.setCurrentRow(1)
    qtbot.mouseClick(editor.remove_button, Qt.MouseButton.LeftButton)
    assert [e.text for e in panel.session.key_images[0].excerpts] == [
        "There is a 4 cm fluid-filled sac (cyst) in the liver."]
    panel.toolbars.undo_action.trigger()
    assert len(panel.session.key_images[0].excerpts) == 2


def test_report_typing_is_one_undo_step(make_panel, qtbot):
    _host, panel = make_panel()
    editor = panel.excerpt_editor
    editor.report.setFocus()
    qtbot.keyClicks(editor.report, "The liver is normal. ")
    with qtbot.waitSignal(panel.store.changed, timeout=3000):
        pass  # the debounce commits the text
    qtbot.keyClicks(editor.report, "Kidneys fine.")
    editor.flush()
    assert panel.session.report_text == "The liver is normal. Kidneys fine."
    assert editor.sentences.count() == 2
    panel.toolbars.undo_action.trigger()
    assert panel.session.report_text == ""
