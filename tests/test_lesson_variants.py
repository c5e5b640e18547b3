"""A trainer's own variant of a lesson (issue 20, point 6): ``bakhong lesson new | check |
release``, and a released variant graded by nbgrader from a resident's evidence."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from graded_workshop import GradedWorkshop, day

from bakhong import cli
from bakhong.grading import course, grader, lesson_variants, workshop
from bakhong.grading.lesson_variants import (
    BadMetadata,
    BadVariantName,
    CellLogic,
    CellsFixed,
    GradedWithoutTests,
    HiddenTestsLeak,
    NameTaken,
    TaskNameShown,
    TooLarge,
    Unedited,
    UnknownTask,
    VariantRefused,
)
from bakhong.simulators import submissions

NAME = "payment_tho_long"
LOCAL_NOTE = "Bộ phận một cửa xã Thọ Long mở từ 7 giờ 30 đến 17 giờ, thứ Hai đến thứ Sáu."
TITLE = "Bài 2 (xã Thọ Long): Trả tiền lệ phí bằng mã QR"
#: hv001 did the payment lesson, hv002 nothing
CLASS = GradedWorkshop(2, frozenset(), frozenset({"hv001"}), "variants", day(2026, 12, 1),
                       lessons=("payment",))


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    made = tmp_path_factory.mktemp("variants") / "workshop"
    CLASS.build(made)
    return made


#: The tasks the edited variant grades: the payment lesson's, less the receipt.
KEPT = ("pay_static", "pay_bill", "refuse_swapped_qr")


def edited(path: Path) -> str:
    """The trainer's edit: a title, the commune's note, the receipt task dropped and the
    stall worth 3 points."""
    text = path.read_text(encoding="utf-8")
    text = re.sub(r'#   title: ".*"', f'#   title: "{TITLE}"', text)
    text = re.sub(r"# «SỬA: ghi chú.*", f"# {LOCAL_NOTE}", text)
    text = text.replace('"grade_id": "stall", "locked": true, "points": 2',
                        '"grade_id": "stall", "locked": true, "points": 3')
    receipt = text.index('# %% nbgrader={"grade": true, "grade_id": "receipt"')
    return text[:receipt].rstrip("\n") + "\n"


def draft(tmp_path: Path, text: str, name: str = NAME, suffix: str = ".py") -> Path:
    path = tmp_path / f"{name}{suffix}"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def good(root: Path) -> str:
    path = lesson_variants.new(root, "payment", "payment_draft")
    return edited(path)


def test_new_check_release_and_grade(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["lesson", "new", str(root), "payment", NAME]) == 0
    out = capsys.readouterr().out
    path = root / "variants" / f"{NAME}.py"
    assert str(path) in out and "bakhong lesson check" in out and "Tiếp theo / next" in out
    made = path.read_text(encoding="utf-8")
    assert "«SỬA: tên bài của xã»" in made and "«SỬA: ghi chú của xã" in made
    assert 'lesson_app("payment")' in made

    assert cli.main(["lesson", "check", str(path)]) == 1  # the marked parts are not edited
    assert "«title»" in capsys.readouterr().err

    path.write_text(edited(path), encoding="utf-8")
    assert cli.main(["lesson", "check", str(path)]) == 0
    assert "Bài hợp lệ / Lesson is valid" in capsys.readouterr().out

    assert cli.main(["lesson", "release", str(root), str(path)]) == 0
    assert "Đã phát bài / released" in capsys.readouterr().out
    assert cli.main(["lesson", "release", str(root), str(path)]) == 0
    assert "replaced the variant of the same name" in capsys.readouterr().out
    assert (root / "release" / NAME / f"{NAME}.ipynb").is_file()
    assert course.workshop_lessons(root) == (*course.LESSONS, NAME)
    assert course.lesson_base(root, NAME) == "payment"
    found = lesson_variants.released(root)[NAME]
    assert (found.base, found.title) == ("payment", TITLE) and LOCAL_NOTE in found.text

    # «Nộp bài» of the variant, graded by nbgrader from the evidence of the payment lesson:
    # stall 3 + bill 2 + swapped 2, no receipt cell
    box = workshop.open_sandbox(root)
    try:
        for learner_id in CLASS.learner_ids:
            submissions.request(box.store, box.clock, learner_id, NAME)
        scores = {s.learner_id: (s.score, s.max_score)
                  for s in grader.grade_pending(root, box)}
    finally:
        box.close()
    assert scores == {"hv001": (7.0, 7.0), "hv002": (0.0, 7.0)}

    # handed in: released again, its points may change, its cells may not (nbgrader keeps
    # them); a refused release leaves the released copy as it was
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('"points": 3', '"points": 4'), encoding="utf-8")
    assert lesson_variants.release(root, path)[1]
    swapped = text.index('# %% nbgrader={"grade": true, "grade_id": "swapped"')
    path.write_text(text[:swapped], encoding="utf-8")
    with pytest.raises(CellsFixed, match="swapped"):
        lesson_variants.release(root, path)
    assert (root / "release" / NAME / f"{NAME}.ipynb").is_file()
    path.write_text(text, encoding="utf-8")
    lesson_variants.release(root, path)


def test_a_variant_export_in_another_folder_scores_nothing(tmp_path: Path) -> None:
    import json
    import os

    from bakhong.grading import hidden_tests
    from bakhong.simulators import evidence

    key = b"k" * 32
    body = {"workshop": "w", "learner": "hv001", "lesson": "payment", "exported_at": "",
            "events": [{"lesson": "payment", "task": "pay_bill", "outcome": "ok", "at": "",
                        "detail": {}}]}
    os.environ.update({hidden_tests.KEY_ENV: key.hex(), hidden_tests.WORKSHOP_ENV: "w"})
    for folder_name, signed, done in (("payment_a", {"variant": "payment_a"}, True),
                                      ("payment_b", {"variant": "payment_a"}, False),
                                      ("payment_b", {}, False), ("payment", {}, True)):
        folder = tmp_path / folder_name / "hv001" / folder_name
        folder.mkdir(parents=True, exist_ok=True)
        (folder / hidden_tests.EVIDENCE_FILE).write_text(
            json.dumps(evidence.sign_export(key, {**body, **signed})), encoding="utf-8")
        if done:
            assert hidden_tests.task_done("payment", "pay_bill", folder)
        else:
            with pytest.raises(ValueError):
                hidden_tests.task_done("payment", "pay_bill", folder)


def test_release_over_a_course_lesson_is_refused(root: Path, tmp_path: Path,
                                                 good: str) -> None:
    with pytest.raises(NameTaken):
        lesson_variants.release(root, draft(tmp_path, good, name="payment"))
    with pytest.raises(NameTaken):
        lesson_variants.new(root, "vneid", "vneid_check")
    assert not (root / "variants" / "vneid_check.py").exists()


@pytest.mark.parametrize("name", ["../x", "Payment", "ab", "x" * 33, "bài_2", "a-b"])
def test_a_bad_name_is_refused_before_it_names_a_path(root: Path, name: str) -> None:
    before = sorted(root.rglob("*"))
    with pytest.raises(BadVariantName):
        lesson_variants.new(root, "payment", name)
    assert sorted(root.rglob("*")) == before


def test_ipynb_variant(root: Path, tmp_path: Path) -> None:
    path = lesson_variants.new(root, "vneid", "vneid_ipynb", ipynb=True)
    assert path.suffix == ".ipynb"
    with pytest.raises(Unedited):
        lesson_variants.check(path)


BILL = ('### BEGIN HIDDEN TESTS\nfrom bakhong.grading.hidden_tests import task_done\n\n'
        'assert task_done("payment", "pay_bill")\n### END HIDDEN TESTS')
BILL_HEADER = ('# %% nbgrader={"grade": true, "grade_id": "bill", "locked": true, "points": 2, '
               '"schema_version": 3, "solution": false}')

#: one bad form each: (what it does to the good text, the error, the cell named)
BAD = {
    "logic cell": (lambda t: t + '\n# %%\nimport os\nos.remove("x")\n', CellLogic, "Ô 6"),
    "app cell with more": (lambda t: t.replace('lesson_app("payment")',
                                               'lesson_app("payment")\nprint(1)'),
                           CellLogic, "Ô 1 (app)"),
    "app option": (lambda t: t.replace('lesson_app("payment")',
                                       'lesson_app("payment", check=True)'),
                   CellLogic, "Ô 1 (app)"),
    "graded without tests": (lambda t: t.replace(BILL, "# chấm bài"),
                             GradedWithoutTests, "Ô 4 (bill)"),
    "test outside the markers": (lambda t: t.replace(
        'assert task_done("payment", "pay_bill")\n### END HIDDEN TESTS',
        '### END HIDDEN TESTS\nassert task_done("payment", "pay_bill")'),
        HiddenTestsLeak, "Ô 4 (bill)"),
    "no markers": (lambda t: t.replace("### BEGIN HIDDEN TESTS\n", "", 1)
                   .replace("### END HIDDEN TESTS\n", "", 1), HiddenTestsLeak, "Ô 3 (stall)"),
    "logic in the hidden test": (lambda t: t.replace(
        'assert task_done("payment", "pay_bill")',
        'assert task_done("payment", "pay_bill") or open("/etc/passwd")'),
        CellLogic, "Ô 4 (bill)"),
    "task name shown": (lambda t: t.replace('"grade_id": "bill"', '"grade_id": "pay_bill"'),
                        TaskNameShown, "Ô 4 (pay_bill)"),
    "task name in the text": (lambda t: t.replace(LOCAL_NOTE, "Việc pay_bill là trả hóa đơn."),
                              TaskNameShown, "Ô 2 (intro)"),
    "unknown task": (lambda t: t.replace('"pay_bill")', '"pay_everything")'),
                     UnknownTask, "Ô 4 (bill)"),
    "another lesson's task": (lambda t: t.replace('task_done("payment", "pay_bill")',
                                                  'task_done("vneid", "register")'),
                              UnknownTask, "Ô 4 (bill)"),
    "duplicate grade id": (lambda t: t.replace('"grade_id": "swapped"', '"grade_id": "bill"'),
                           BadMetadata, "Ô 5 (bill)"),
    "missing points": (lambda t: t.replace(BILL_HEADER, BILL_HEADER.replace('"points": 2, ', "")),
                       BadMetadata, "Ô 4 (bill)"),
    "schema version": (lambda t: t.replace('"points": 2, "schema_version": 3',
                                           '"points": 2, "schema_version": 2', 1),
                       BadMetadata, "Ô 4 (bill)"),
    "solution cell": (lambda t: t.replace('"points": 2, "schema_version": 3, "solution": false',
                                          '"points": 2, "schema_version": 3, "solution": true',
                                          1), BadMetadata, "Ô 4 (bill)"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_check_refuses(case: str, tmp_path: Path, good: str,
                       capsys: pytest.CaptureFixture[str]) -> None:
    change, error, cell = BAD[case]
    text = change(good)
    assert text != good, case
    path = draft(tmp_path, text)
    with pytest.raises(error) as refused:
        lesson_variants.check(path)
    assert str(refused.value).startswith(cell + ":"), str(refused.value)
    assert cli.main(["lesson", "check", str(path)]) == 1
    err = capsys.readouterr().err
    assert cell in err and "Lesson refused" in err
    english = err.splitlines()[-1]  # the English line names the cell too
    assert english.strip().startswith(cell.replace("Ô", "Cell")), err


def test_good_draft_passes(tmp_path: Path, good: str) -> None:
    variant = lesson_variants.check(draft(tmp_path, good))
    assert (variant.base, variant.title) == ("payment", TITLE)
    assert [(g, t, p) for g, t, p in variant.tasks] == [
        ("stall", "pay_static", 3.0), ("bill", "pay_bill", 2.0),
        ("swapped", "refuse_swapped_qr", 2.0)]


def test_oversize_and_too_many_cells(tmp_path: Path, good: str) -> None:
    with pytest.raises(TooLarge):
        lesson_variants.check(draft(tmp_path, good + "#" * lesson_variants.MAX_BYTES))
    many = good + "".join(f"\n# %% [markdown]\n# ô {i}\n" for i in range(40))
    with pytest.raises(TooLarge):
        lesson_variants.check(draft(tmp_path, many))


def test_every_refusal_is_typed(good: str, tmp_path: Path) -> None:
    for change, error, _cell in BAD.values():
        assert issubclass(error, VariantRefused)
        with pytest.raises(VariantRefused):
            lesson_variants.check(draft(tmp_path, change(good)))


def test_a_released_variant_opens_on_the_page_with_its_title_and_text(root: Path) -> None:
    """What ``serve`` does for a variant: the lesson server knows its address and title, the
    desk lists it and takes its «Nộp bài», the menu shows it, the page shows the base's app
    with the variant's text."""
    import html

    from bakhong.lesson_server import lesson_of, page_title
    from bakhong.simulators.desk import LearnerDesk, NotAllowed
    from bakhong.widgets.course import course_screen
    from bakhong.widgets.entry import LESSON_TITLES, _app, lesson_menu

    if NAME not in lesson_variants.released(root):  # this test run alone: release it first
        path = root / "variants" / f"{NAME}.py"
        if not path.exists():
            lesson_variants.new(root, "payment", NAME)
        path.write_text(edited(path), encoding="utf-8")
        lesson_variants.release(root, path)
    entries = lesson_variants.page_entries(root)
    titles = {name: entry[1] for name, entry in entries.items()}
    assert lesson_of(f"{NAME}/{NAME}.ipynb", titles) == NAME
    assert lesson_of(f"{NAME}/{NAME}.ipynb") is None  # not released in that workshop
    assert page_title(NAME, titles) == html.escape(TITLE)

    box = workshop.open_sandbox(root)
    try:
        desk = LearnerDesk(box, "hv002", variants=lambda: entries)
        assert desk.lesson_variants()[NAME][:2] == ("payment", TITLE)
        menu = lesson_menu(desk.learner().code, desk.lesson_variants())
        assert (NAME, TITLE, f"../{NAME}/{NAME}.ipynb?code={desk.learner().code}") == menu[-1]
        assert [name for name, _, _ in menu[:-1]] == list(LESSON_TITLES)  # the course's first
        base, _title, text, kept = entries[NAME]
        assert kept == KEPT  # the receipt's cell was dropped
        page = course_screen(desk, _app(base), lang="en", on_submit=lambda: None,
                             lessons=menu, current=NAME, base=base, text=text)
        if page.consent is not None:
            page.consent.controls["consent-accept"].click()
        shown = page.controls["lesson-text"].children[0].children[0].value
        assert html.escape(LOCAL_NOTE) in shown or LOCAL_NOTE in shown
        assert desk.submit(NAME).lesson == NAME
        with pytest.raises(NotAllowed):
            LearnerDesk(box, "hv002").submit(NAME)  # a desk not told of the variant
        with pytest.raises(NotAllowed):
            desk.submit("payment_elsewhere")
    finally:
        box.close()


def test_the_sandbox_service_tells_pages_of_a_variant_released_while_it_runs(
        root: Path, tmp_path: Path, good: str) -> None:
    """Under ``serve`` the page's desk is the service's: it reads the workshop's list anew."""
    import threading
    import time

    from bakhong import page_pass, sandbox_service
    from bakhong.sandbox_client import RemoteDesk, ServiceClient
    from bakhong.simulators.desk import NotAllowed

    key = bytes(range(32))
    socket_path = tmp_path / "sandbox.sock"
    stop = threading.Event()
    thread = threading.Thread(target=sandbox_service.run, args=(root, socket_path, key, stop),
                              daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not socket_path.exists():
            assert time.monotonic() < deadline
            time.sleep(0.05)
        desk = RemoteDesk(ServiceClient(str(socket_path), page_pass.mint(key, "hv001")),
                          "hv001")
        with pytest.raises(NotAllowed):
            desk.submit("payment_later")
        assert "payment_later" not in desk.lesson_variants()
        lesson_variants.release(root, draft(tmp_path, good, name="payment_later"))
        told = desk.lesson_variants()["payment_later"]  # through the service, as JSON
        assert told[:2] == ("payment", TITLE) and told[3] == KEPT
        assert desk.submit("payment_later").lesson == "payment_later"
    finally:
        stop.set()
        thread.join(10)


def test_the_report_lists_a_released_variant(root: Path) -> None:
    """``bakhong report``'s «Theo bài học» ends with the workshop's variant, under its title,
    with its graded scores (hv001 7/7, hv002 0/7 above); English keeps the trainer's title."""
    from bakhong.grading import report
    from bakhong.widgets.i18n import translator

    labels = report.variant_titles([root])  # more variants may be released by now
    assert list(labels) == list(lesson_variants.released(root))
    assert labels[NAME] == TITLE if len(labels) == 1 else f"{TITLE} ({NAME})"
    found = report.build_report([root])
    lessons = found.view("bai-hoc")
    rows = {row[0]: dict(zip([c.key for c in lessons.columns], row, strict=True))
            for row in lessons.rows}
    assert list(rows)[len(course.LESSONS):] == list(labels.values())
    row = rows[labels[NAME]]
    assert (row["enrolled"], row["submitted"], row["passed"]) == (2, 2, 1)
    assert not set(labels.values()) & {row[0] for row in found.view("buoc-kho").rows}
    english = [note.render(translator("en")) for note in lessons.notes]
    assert any(labels[NAME] in text and "trained" in text for text in english)


def test_a_variant_never_counts_for_trained() -> None:
    """``core_lessons`` names the course's own lessons: a variant is refused there."""
    from bakhong.grading.settings import InvalidSettings, parse

    with pytest.raises(InvalidSettings) as info:
        parse({"core_lessons": ["vneid_check", NAME]})
    assert info.value.field == "core_lessons"


def test_show_lesson_opens_a_variant_with_its_base_app(root: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The page's own entry (``lesson_page`` → ``show_lesson``), here over the workshop's
    store (no service): the variant's name opens the payment app, the menu ends with it, and
    «Nộp bài» queues the variant."""
    from bakhong.sandbox_client import SOCKET_ENV
    from bakhong.simulators import learners
    from bakhong.widgets import entry

    if NAME not in lesson_variants.released(root):
        path = root / "variants" / f"{NAME}.py"
        if not path.exists():
            lesson_variants.new(root, "payment", NAME)
        path.write_text(edited(path), encoding="utf-8")
        lesson_variants.release(root, path)
    for name in (SOCKET_ENV, entry.STORE_ENV, "NBGRADER_EXECUTION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(entry.WORKSHOP_ENV, str(root))
    box = workshop.open_sandbox(root)
    try:
        code = learners.by_id(box.store, "hv001").code
    finally:
        box.close()
    page = entry.show_lesson(NAME, code, "vi")
    assert page.current == NAME and page.base == "payment"  # type: ignore[attr-defined]
    menu = [item[:2] for item in page.lessons]  # type: ignore[attr-defined]
    assert (NAME, TITLE) in menu[len(entry.LESSON_TITLES):]  # after the course's lessons
    view = page.app.view  # type: ignore[attr-defined]
    assert type(view).__module__ == "bakhong.widgets.bank_app"
    # its task list: the tasks the variant grades, not the receipt it dropped
    assert tuple(task for task, _ in view.tasks_list) == KEPT
    assert view.tasks.titles[0].endswith("/3)")
    assert "biên lai" not in view.tasks.children[0].value
    # a registry written before the kept tasks were listed shows all of the base's
    registry = root / lesson_variants.REGISTRY
    saved = registry.read_text(encoding="utf-8")
    try:
        data = json.loads(saved)
        for entry_ in data["variants"]:
            del entry_["tasks"]
        registry.write_text(json.dumps(data), encoding="utf-8")
        assert lesson_variants.page_entries(root)[NAME][3] == ()
        old = entry.show_lesson(NAME, code, "vi").app.view  # type: ignore[attr-defined]
        assert len(old.tasks_list) == 4 and "biên lai" in old.tasks.children[0].value
    finally:
        registry.write_text(saved, encoding="utf-8")
    with pytest.raises(entry.UnknownLesson):
        entry.show_lesson("payment_unknown", code, "vi")
    # the course's own lesson, beside: all its tasks listed
    course_page = entry.show_lesson("payment", code, "vi")
    assert len(course_page.app.view.tasks_list) == 4  # type: ignore[attr-defined]


def test_a_variant_of_lesson_3b_asks_for_the_portals_evidence(root: Path) -> None:
    """Lesson 3b is graded on the portal's evidence (``task_done("portal", …)``): a variant
    of it keeps those cells, and ``check`` takes them as the base's own."""
    path = lesson_variants.new(root, "portal_result", "portal_result_xa")
    text = path.read_text(encoding="utf-8")
    assert 'task_done("portal", "pay_fee")' in text
    text = re.sub(r'#   title: ".*"', '#   title: "Bài 3b (xã Thọ Long)"', text)
    text = re.sub(r"# «SỬA: ghi chú.*", f"# {LOCAL_NOTE}", text)
    variant = lesson_variants.check(draft(path.parent, text, name="portal_result_xa"))
    assert variant.base == "portal_result"
    assert [task for _, task, _ in variant.tasks] == ["pay_fee", "answer_supplement",
                                                      "download_result"]
