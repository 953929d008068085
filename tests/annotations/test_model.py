"""The consultation model: validation at construction, JSON round trips, file errors."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from takehome.annotations import (
    SCHEMA_VERSION,
    AnnotationError,
    Crop,
    Excerpt,
    KeyImage,
    Overlay,
    Point,
    Session,
    SessionFileError,
    ShapeKind,
    Window,
    dumps_session,
    load_session,
    loads_session,
    save_session,
)

UID = "1.2.826.0.1.3680043.8.498.1"


def make_session() -> Session:
    image = KeyImage(
        sop_instance_uid=UID, file="images/ct.dcm", rows=512, columns=512, frame=3,
        window=Window(40, 400), crop=Crop(10, 20, 300.5, 200),
        overlays=(
            Overlay(ShapeKind.ARROW, (Point(10.25, 20.5), Point(100, 120)), label="the cyst"),
            Overlay("line", (Point(0, 0), Point(512, 512)), color="#00ff00"),
            Overlay(ShapeKind.ELLIPSE, (Point(5, 5), Point(50, 40))),
            Overlay(ShapeKind.RECTANGLE, (Point(5, 5), Point(50, 40)), label="box"),
            Overlay(ShapeKind.TEXT, (Point(200, 200),), label="note"),
        ),
        excerpts=(Excerpt("A 12 mm nodule in the right upper lobe."),),
        caption="Chest CT",
    )
    return Session(key_images=(image,), title="Your results", report_text="FINDINGS: ...")


def test_round_trip_through_json(tmp_path: Path) -> None:
    session = make_session()
    path = tmp_path / "session.json"
    save_session(session, path)
    assert load_session(path) == session
    assert json.loads(path.read_text())["schema_version"] == SCHEMA_VERSION
    assert loads_session(dumps_session(session)) == session


def test_overlay_kind_accepts_enum_or_string() -> None:
    assert Overlay("arrow", (Point(0, 0), Point(1, 1))).kind is ShapeKind.ARROW


@pytest.mark.parametrize(
    ("mutate", "field", "problem"),
    [
        (lambda d: d.update(schema_version=99), "schema_version", "version 1"),
        (lambda d: d["key_images"][0].pop("sop_instance_uid"), "key_images[0].sop_instance_uid",
         "missing"),
        (lambda d: d["key_images"][0].update(sop_instance_uid="1.02.x"),
         "key_images[0].sop_instance_uid", "not a valid DICOM UID"),
        (lambda d: d["key_images"][0]["overlays"][0].update(kind="star"),
         "key_images[0].overlays[0].kind", "unknown shape kind"),
        (lambda d: d["key_images"][0]["overlays"][1].update(points=[[0, 0], [600, 10]]),
         "key_images[0].overlays[1].points", "outside the 512x512 image"),
        (lambda d: d["key_images"][0]["overlays"][0].update(points=[[0, 0]]),
         "key_images[0].overlays[0].points", "needs 2 point(s)"),
        (lambda d: d["key_images"][0]["overlays"][0].update(color="yellow"),
         "key_images[0].overlays[0].color", "#rrggbb"),
        (lambda d: d["key_images"][0].update(frame=0), "key_images[0].frame", ">= 1"),
        (lambda d: d["key_images"][0]["window"].update(width=0), "key_images[0].window.width", ">= 1"),
        (lambda d: d["key_images"][0]["excerpts"][0].update(text="  "),
         "key_images[0].excerpts[0].text", "cannot be empty"),
    ],
)
def test_bad_documents_name_the_field(tmp_path: Path, mutate, field: str, problem: str) -> None:
    data = make_session().to_dict()
    mutate(data)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    with pytest.raises(SessionFileError) as info:
        load_session(path)
    assert info.value.field == field
    assert problem in info.value.problem
    assert str(path) in str(info.value)


def test_not_json_and_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text("{not json")
    with pytest.raises(SessionFileError, match="not valid JSON"):
        load_session(path)
    with pytest.raises(SessionFileError, match="cannot be read"):
        load_session(tmp_path / "missing.json")


def test_duplicate_key_images_are_rejected() -> None:
    image = make_session().key_images[0]
    with pytest.raises(AnnotationError, match="listed twice"):
        Session(key_images=(image, image))


def test_text_overlay_needs_text() -> None:
    with pytest.raises(AnnotationError, match="needs non-empty text"):
        Overlay(ShapeKind.TEXT, (Point(1, 1),))


def test_save_is_atomic_and_keeps_old_file_on_failure(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "session.json"
    save_session(make_session(), path)
    before = path.read_bytes()

    def boom(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("os.fsync", boom)
    with pytest.raises(OSError):
        save_session(Session(), path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["session.json"]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=8),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children,
                                                                       max_size=4),
    max_leaves=20,
)


def _mutations() -> st.SearchStrategy[dict]:
    base = make_session().to_dict()
    paths = [
        ("schema_version",), ("key_images",), ("title",), ("template",),
        ("key_images", 0, "rows"), ("key_images", 0, "file"), ("key_images", 0, "window"),
        ("key_images", 0, "crop"), ("key_images", 0, "overlays"), ("key_images", 0, "excerpts"),
        ("key_images", 0, "overlays", 0, "points"), ("key_images", 0, "overlays", 0, "label"),
        ("key_images", 0, "overlays", 2), ("key_images", 0, "excerpts", 0),
    ]

    @st.composite
    def mutated(draw: st.DrawFn) -> dict:
        data = json.loads(json.dumps(base))
        path = draw(st.sampled_from(paths))
        target = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = draw(json_values)
        return data

    return mutated()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_mutations())
def test_random_bad_documents_give_the_projects_error(data: dict) -> None:
    text = json.dumps(data, allow_nan=True)
    try:
        session = loads_session(text)
    except SessionFileError as exc:
        assert exc.field and exc.problem
    else:
        assert isinstance(session, Session)


@settings(max_examples=100, deadline=None)
@given(json_values)
def test_arbitrary_json_never_crashes(value: object) -> None:
    with contextlib.suppress(SessionFileError):
        loads_session(json.dumps(value, allow_nan=True))


def test_saved_file_gets_the_usual_permissions(tmp_path: Path) -> None:
    import stat

    from takehome.annotations import session_file

    path = tmp_path / "session.json"
    save_session(make_session(), path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~session_file._UMASK
