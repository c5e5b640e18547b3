"""``bakhong cards`` and ``bakhong revoke``: learner cards on A4, and a lost card replaced.

Tests over a workshop built with ``grading.workshop.create`` (nbgrader's API) or reading the PDF
with subprocesses are marked slow. The PDF is read back by independent tools: poppler's ``pdfinfo``, ``pdftoppm``, ``pdftotext``
and ``pdffonts``, and Debian's ``zbarimg`` for the QR codes of the pages rendered at 200 dpi.
"""

from __future__ import annotations

import argparse
import doctest
import io
import random
import re
import shutil
import subprocess
import unicodedata
from datetime import datetime
from pathlib import Path

import pytest
from PIL import Image

from bakhong import card_commands, cli
from bakhong.grading import cards, settings, workshop
from bakhong.grading.cards import Card, Code, Text
from bakhong.grading.settings import CourseSettings
from bakhong.simulators import learners, registry
from bakhong.simulators.clock import VN_TZ, FixedClock
from bakhong.simulators.errors import UnknownLearner
from bakhong.simulators.learners import CODE_ALPHABET, CODE_LENGTH

LAN = "http://192.168.1.10:8866"
ROSTER = [
    ("hv001", "Lê Thị Hoa", "Xã Thọ Long"), ("hv002", "Trần Văn Nam", "Phường Hạc Thành"),
    ("hv003", "Phạm Thị Lụa", "Xã Hồ Vương"), ("hv004", "Đỗ Văn Tâm", "Xã Quảng Bình"),
    ("hv005", "Nguyễn Thị Phương Thảo", "Xã Thọ Long"), ("hv006", "Hoàng Văn Đức", "Xã Thọ Long"),
    ("hv007", "Vũ Thị Ánh", "Phường Hạc Thành"), ("hv008", "Bùi Văn An", "Xã Hồ Vương"),
    ("hv009", "Ngô Thị Yến", "Xã Quảng Bình"), ("hv010", "Đặng Văn Dũng", "Xã Thọ Long"),
]
#: Hand-out order: commune (Vietnamese alphabet), then given name.
ORDER = ["hv007", "hv002", "hv008", "hv003", "hv004", "hv009", "hv010", "hv006", "hv001",
         "hv005"]


def build(root: Path, seed: str) -> Path:
    clock = FixedClock(datetime(2026, 11, 28, 8, tzinfo=VN_TZ))
    box, _ = workshop.create(root, ROSTER, clock=clock, seed=seed, lessons=())
    box.close()
    return root


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workshop of 10 learners in 4 communes, never changed by the tests that read it."""
    return build(tmp_path_factory.mktemp("cards") / "workshop", "cards")


def everyone(root: Path) -> dict[str, learners.Learner]:
    box = workshop.open_sandbox(root)
    try:
        return {le.learner_id: le for le in learners.all_learners(box.store)}
    finally:
        box.close()


def personas(root: Path) -> dict[str, registry.Persona]:
    box = workshop.open_sandbox(root)
    try:
        return {le: registry.persona_of_learner(box.store, le) for le, _, _ in ROSTER}
    finally:
        box.close()


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """``bakhong ARGV`` for the two commands, parsed as ``bakhong.cli`` parses them."""
    parser = argparse.ArgumentParser(prog="bakhong")
    card_commands.add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    code: int = args.func(args)
    out, err = capsys.readouterr()
    return code, out, err


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed (make test installs zbar-tools, poppler-utils)")
    return path


def output(*argv: str) -> str:
    return subprocess.run([tool(argv[0]), *argv[1:]], capture_output=True, text=True,
                          check=True, timeout=120).stdout


def page_count(pdf: Path) -> int:
    found = re.search(r"^Pages:\s+(\d+)$", output("pdfinfo", str(pdf)), re.MULTILINE)
    assert found, pdf
    return int(found.group(1))


def page_text(pdf: Path, page: int) -> str:
    return unicodedata.normalize("NFC", output("pdftotext", "-f", str(page), "-l", str(page),
                                               str(pdf), "-"))


def qr_codes(pdf: Path, folder: Path) -> list[str]:
    """Every QR code zbarimg finds on the pages rendered at 200 dpi, one line each."""
    subprocess.run([tool("pdftoppm"), "-r", "200", "-png", str(pdf), str(folder / "page")],
                   check=True, timeout=120)
    pages = sorted(folder.glob("page-*.png"))
    result = subprocess.run([tool("zbarimg"), "--raw", "-q", *map(str, pages)],
                            capture_output=True, check=False, timeout=120)
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    return result.stdout.decode("utf-8").splitlines()


# --- what the cards say --------------------------------------------------------------------

def test_module_doctests() -> None:
    assert doctest.testmod(cards, optionflags=doctest.ELLIPSIS).failed == 0


@pytest.mark.slow
def test_cards_in_hand_out_order_with_the_persona_name(root: Path) -> None:
    box = workshop.open_sandbox(root)
    try:
        made = cards.workshop_cards(root, box.store, LAN + "/")
    finally:
        box.close()
    people, who = everyone(root), personas(root)
    by_code = {le.code: le for le in people.values()}
    assert [by_code[c.code].learner_id for c in made] == ORDER
    for card in made:
        learner = by_code[card.code]
        assert (card.full_name, card.commune) == (learner.full_name, learner.commune)
        assert card.persona_name == who[learner.learner_id].full_name
        assert card.link == f"{LAN}/join?code={learner.code}"
        assert card.grouped_code == f"{learner.code[:4]} {learner.code[4:]}"
        assert card.instruction == f"Quét mã QR hoặc mở {LAN} và nhập mã"


def test_vietnamese_order_letters_first_then_tones() -> None:
    names = ["Yến", "Đức", "Dũng", "Ánh", "An", "Ân", "Ăn", "Bình", "Á", "A"]
    assert sorted(names, key=cards.vietnamese_key) == [
        "A", "Á", "An", "Ánh", "Ăn", "Ân", "Bình", "Dũng", "Đức", "Yến"]


def test_base_url_defaults_to_the_settings_and_is_checked(tmp_path: Path) -> None:
    settings.save(tmp_path, CourseSettings(host="192.168.1.23", port=9000))
    assert cards.default_base_url(tmp_path) == "http://192.168.1.23:9000"
    assert cards.default_base_url(tmp_path / "none") == "http://127.0.0.1:8866"
    assert cards.normalise_base_url("https://lop.example/bakhong/") == "https://lop.example/bakhong"
    for bad in ("192.168.1.10:8866", "ftp://x", "http://", "http://x:port", "http://x/?a=1",
                "http://a b"):
        with pytest.raises(cards.InvalidBaseUrl) as refused:
            cards.normalise_base_url(bad)
        assert str(refused.value).startswith(f"Địa chỉ lớp học «{bad}» không dùng được")
    for host in ("127.0.0.1", "localhost", "0.0.0.0", "[::1]", "127.0.1.1"):
        assert cards.unreachable_host(f"http://{host}:8866") == host.strip("[]")
    assert cards.unreachable_host("http://lop.local:8866") is None


def test_layout_keeps_each_card_in_its_place_and_the_code_clear() -> None:
    made = [Card("K7M2QX9P", "Nguyễn Thị Phương Thảo Hoài Thương", "Phường Hạc Thành",
                 "Trần Thị Minh Nguyệt", "http://192.168.100.200:8866/a/long/prefix")] * 9
    pages = cards.sheets(made)
    assert len(pages) == 2
    for index in range(8):
        x0 = cards.LEFT + index % 2 * cards.CARD_W
        y0 = cards.TOP + index // 2 * cards.CARD_H
        items = cards.layout_card(made[0], x0, y0)
        assert all(item in pages[0] for item in items)
        (code,) = [i for i in items if isinstance(i, Code)]
        across = Image.open(io.BytesIO(cards._qr_modules(code.payload))).width
        symbol = code.side * (across - 2 * cards.QR_BORDER) / across  # quiet zone excluded
        assert symbol == pytest.approx(cards.QR_SYMBOL_MM) and symbol >= 25
        assert x0 < code.x and code.x + code.side <= x0 + cards.CARD_W - 2
        assert y0 < code.y and code.y + code.side <= y0 + cards.CARD_H
        for text in (i for i in items if isinstance(i, Text)):
            width = cards._advance(text.font, text.text) * text.size
            left = text.x - width / 2 if text.centred else text.x
            assert x0 + 3 <= left and left + width <= x0 + cards.CARD_W - 3, text
            assert y0 + 3 <= text.y <= y0 + cards.CARD_H - 1, text
            beside = code.y - 1 < text.y < code.y + code.side + 3  # baseline near the code
            assert not beside or left + width <= code.x, ("text in the quiet zone", text)
    assert not any(isinstance(i, Text) and i.y > cards.TOP + cards.CARD_H for i in pages[1])


@pytest.mark.slow
def test_persona_id_number_and_phone_never_on_the_card(root: Path) -> None:
    box = workshop.open_sandbox(root)
    try:
        made = cards.workshop_cards(root, box.store, LAN)
    finally:
        box.close()
    printed = " ".join(i.text for page in cards.sheets(made) for i in page
                       if isinstance(i, Text))
    for persona in personas(root).values():
        assert persona.full_name in printed
        for number in (persona.id_number, persona.phone, persona.relative_phone):
            assert number not in printed.replace(" ", "")


# --- the commands --------------------------------------------------------------------------

@pytest.mark.slow
def test_loopback_address_warns_and_a_wifi_one_does_not(
        root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "cards", str(root), "--out", str(tmp_path / "a.pdf"))
    assert code == 0 and "10" in out
    assert err.startswith("Cảnh báo / Warning: điện thoại không vào được địa chỉ 127.0.0.1")
    assert "--base-url" in err
    code, out, err = run(capsys, "cards", str(root), "--out", str(tmp_path / "b.pdf"),
                         "--base-url", LAN)
    assert (code, err) == (0, "")
    assert f"{LAN}/join?code=" in out


@pytest.mark.slow
def test_refusals(root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(cards.UnknownCardCode) as refused:
        run(capsys, "cards", str(root), "--out", str(tmp_path / "x.pdf"), "--learner", "ABCD2345")
    assert isinstance(refused.value, UnknownLearner)
    assert str(refused.value).startswith("Lớp học này không có học viên nào mang mã «ABCD2345»")
    with pytest.raises(cards.UnknownCardCode):
        run(capsys, "revoke", str(root), "O0I1O0I1")
    with pytest.raises(settings.NotAWorkshop):
        run(capsys, "cards", str(tmp_path), "--out", str(tmp_path / "x.pdf"))
    with pytest.raises(settings.NotAWorkshop):
        run(capsys, "revoke", str(tmp_path), "ABCD2345")
    with pytest.raises(cards.InvalidBaseUrl):
        run(capsys, "cards", str(root), "--out", str(tmp_path / "x.pdf"), "--base-url", "lop")
    assert run(capsys, "cards", str(root), "--out", str(tmp_path / "x.png"))[0] == 2
    assert list(tmp_path.iterdir()) == []  # no PDF, and no sandbox.db in a non-workshop


@pytest.mark.slow
def test_the_cli_reports_a_refusal_with_exit_2(root: Path, capsys: pytest.CaptureFixture[str]
                                                ) -> None:
    assert cli.main(["revoke", str(root), "ABCD2345"]) == 2
    assert capsys.readouterr().err.startswith("Lỗi / Error: Lớp học này không có học viên")


class Scripted(random.Random):
    """Draws the given codes, one character at a time, in order."""

    def __init__(self, *codes: str) -> None:
        super().__init__(0)
        self.chars = iter("".join(codes))

    def choice(self, seq: object) -> str:  # type: ignore[override]
        return next(self.chars)


def test_reissue_never_gives_a_code_in_use(tmp_path: Path) -> None:
    from bakhong.simulators.sandbox import Sandbox

    box = Sandbox.open(tmp_path / "sandbox.db", seed="reissue")
    hoa, nam = box.add_learners([("hv001", "Lê Thị Hoa", "Xã Thọ Long"),
                                 ("hv002", "Trần Văn Nam", "Phường Hạc Thành")])
    fresh = "ZZZZ2222" if "ZZZZ2222" not in (hoa.code, nam.code) else "YYYY3333"
    again = learners.reissue_code(box.store, box.clock, Scripted(nam.code, hoa.code, fresh),
                                  "hv001")
    assert (again.learner_id, again.code, again.persona_id) == ("hv001", fresh, hoa.persona_id)
    assert learners.by_code(box.store, nam.code).learner_id == "hv002"
    with pytest.raises(UnknownLearner):
        learners.reissue_code(box.store, box.clock, random.Random(1), "hv404")
    box.close()


@pytest.mark.slow
def test_revoke_then_reprint(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = build(tmp_path / "workshop", "revoke")
    old = everyone(root)["hv005"]
    code, out, err = run(capsys, "revoke", str(root), old.code.lower())
    assert (code, err) == (0, "")
    new = everyone(root)["hv005"]
    assert new.code != old.code
    assert len(new.code) == CODE_LENGTH and set(new.code) <= set(CODE_ALPHABET)
    assert cards.group_code(new.code) in out and cards.group_code(old.code) in out
    assert f"--learner {new.code} --out the-{new.code}.pdf" in out
    box = workshop.open_sandbox(root)
    try:
        with pytest.raises(UnknownLearner) as refused:  # what the join page then shows
            learners.by_code(box.store, old.code)
        assert str(refused.value).startswith(UnknownLearner.message)
        assert learners.by_code(box.store, new.code).learner_id == "hv005"
    finally:
        box.close()

    pdf = tmp_path / "the.pdf"
    code, _, _ = run(capsys, "cards", str(root), "--out", str(pdf), "--learner", new.code,
                     "--base-url", LAN)
    assert code == 0
    text = page_text(pdf, 1)
    assert cards.group_code(new.code) in text and cards.group_code(old.code) not in text
    assert qr_codes(pdf, tmp_path) == [f"{LAN}/join?code={new.code}"]
    with pytest.raises(cards.UnknownCardCode):
        run(capsys, "cards", str(root), "--out", str(pdf), "--learner", old.code)


# --- the printed PDF, read back ------------------------------------------------------------

@pytest.mark.slow
def test_ten_learners_print_on_two_pages_and_read_back(
        root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pdf = tmp_path / "cards.pdf"
    assert run(capsys, "cards", str(root), "--out", str(pdf), "--base-url", LAN + "/")[0] == 0
    assert page_count(pdf) == 2
    people = everyone(root)
    links = qr_codes(pdf, tmp_path)
    assert sorted(links) == sorted(f"{LAN}/join?code={le.code}" for le in people.values())

    first, second = page_text(pdf, 1), page_text(pdf, 2)
    assert (first.count(cards.TITLE), second.count(cards.TITLE)) == (8, 2)
    assert (first.count(cards.MARK), second.count(cards.MARK)) == (8, 2)
    text = first + second
    who = personas(root)
    for learner_id in ORDER:
        learner = people[learner_id]
        assert learner.full_name in text, learner.full_name
        assert cards.group_code(learner.code) in text
        assert f"Nhân vật mô phỏng: {who[learner_id].full_name}" in text
    for name in ("Nguyễn Thị Phương Thảo", "Đặng Văn Dũng", "Vũ Thị Ánh", "Phạm Thị Lụa"):
        assert name in text
    assert text.count(f"Quét mã QR hoặc mở {LAN} và nhập mã") == 10
    # the first page starts with the first commune in Vietnamese order
    order = [people[i].full_name for i in ORDER[:8]]
    assert [first.index(name) for name in order] == sorted(first.index(n) for n in order)

    fonts = output("pdffonts", str(pdf)).splitlines()[2:]
    dejavu = [line.split() for line in fonts if "DejaVuSans" in line]
    assert {cols[0].split("+")[-1] for cols in dejavu} == {
        "DejaVuSansBook", "DejaVuSansBold", "DejaVuSansMonoBold"}, fonts
    assert all(cols[-5] == "yes" for cols in dejavu), fonts  # the "emb" column


@pytest.mark.slow
def test_one_learners_card(root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
                           ) -> None:
    chosen = everyone(root)["hv010"]
    pdf = tmp_path / "one.pdf"
    grouped = cards.group_code(chosen.code).lower()
    code, out, _ = run(capsys, "cards", str(root), "--out", str(pdf), "--learner", grouped,
                       "--base-url", LAN)
    assert code == 0 and "1 card(s) on 1 page(s)" in out
    assert page_count(pdf) == 1
    text = page_text(pdf, 1)
    assert text.count(cards.TITLE) == 1
    assert chosen.full_name in text and cards.group_code(chosen.code) in text
    assert all(le.full_name not in text for le in everyone(root).values() if le != chosen)
    assert qr_codes(pdf, tmp_path) == [f"{LAN}/join?code={chosen.code}"]
