"""``bakhong qr encode | decode | poster``: the command line over the VietQR codec and images.

Posters and rendered codes are also read by independent decoders: Debian's ``zbarimg``
(zbar-tools) for PNGs, and poppler's ``pdftoppm``/``pdffonts``/``pdftotext`` for PDFs.
"""

from __future__ import annotations

import csv
import doctest
import io
import json
import random
import shutil
import string
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import qrcode
import zxingcpp
from PIL import Image
from qrcode.constants import ERROR_CORRECT_M

from bakhong import cli, qr_commands
from bakhong.grading import posters
from bakhong.simulators import bank, qrimage, vietqr
from bakhong.simulators.sandbox import Sandbox

SHARED_TSV = Path("/work/shared/data/vietqr_public_examples.tsv")
CONSOLE_SCRIPT = Path(sys.executable).with_name("bakhong")  # .venv/bin/bakhong
STALL_CODE = "00020101021138540010A00000072701240006999901011088012345670208QRIBFTTA53037045802VN6304A12D"
EX2 = ("00020101021238530010A0000007270123000697041601092576788590208QRIBFTTA"
       "53037045405100005802VN62150811Chuyen tien630453E6")


def _examples() -> list[tuple[str, str, str]]:
    """(expect, source, payload) of the public examples: the shared file, or test_vietqr's copy."""
    if SHARED_TSV.exists():
        with SHARED_TSV.open(encoding="utf-8", newline="") as handle:
            return [(r["expect"], r["source"], r["payload"])
                    for r in csv.DictReader(handle, delimiter="\t")]
    from test_vietqr import ROWS  # the same rows, checked against the file there

    return list(ROWS)


EXAMPLES = _examples()


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """``bakhong ARGV`` in this process: (exit code, stdout, stderr)."""
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def decoded(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, Any]]:
    code, out, err = run(capsys, "qr", "decode", *argv)
    assert err == ""
    answer: dict[str, Any] = json.loads(out)
    return code, answer


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed (make test installs zbar-tools, poppler-utils)")
    return path


def zbarimg(*files: Path) -> list[str]:
    """What Debian's zbarimg reads in the pictures, one line per code found.

    Without ``-Sbinary`` zbar may re-encode text it takes for another character set, and
    with it the codes are not separated by newlines; the payloads here are ASCII.
    """
    result = subprocess.run([tool("zbarimg"), "--raw", "-q", *map(str, files)],
                            capture_output=True, check=False, timeout=120)
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    return result.stdout.decode("utf-8").splitlines()


def modules_of(payload: str) -> int:
    """Modules across the code render_png draws for ``payload`` (quiet zone excluded)."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M)
    code.add_data(payload.encode("utf-8"))
    code.make(fit=True)
    return int(code.modules_count)


def check_printed_code(picture: Image.Image, dpi: int, payload: str) -> None:
    """The code in a page picture: at least 9 cm wide, with a white 4-module quiet zone."""
    found = zxingcpp.read_barcodes(picture.convert("L"))
    assert [b.text for b in found] == [payload]
    pos = found[0].position
    left = min(pos.top_left.x, pos.bottom_left.x)
    right = max(pos.top_right.x, pos.bottom_right.x)
    top = min(pos.top_left.y, pos.top_right.y)
    bottom = max(pos.bottom_left.y, pos.bottom_right.y)
    width_cm = (right - left) / dpi * 2.54
    assert width_cm >= 9.0, width_cm
    module = (right - left) / modules_of(payload)
    gray = picture.convert("L")
    zone = 4 * module
    for box in ((left - zone + 2, top - zone + 2, left - 2, bottom - 2),  # left band
                (right + 2, top - zone + 2, right + zone - 2, bottom - 2),  # right band
                (left - zone + 2, top - zone + 2, right + zone - 2, top - 2),  # top band
                (left - zone + 2, bottom + 2, right + zone - 2, bottom + zone - 2)):
        darkest, _ = gray.crop(box).getextrema()
        assert isinstance(darkest, int) and darkest > 200, ("quiet zone not white", box, darkest)


def red_pixels(picture: Image.Image, box: tuple[int, int, int, int]) -> int:
    """Pixels of the poster's red (200, 16, 16), anti-aliased edges included."""
    r, g, b = (np.asarray(picture.convert("RGB").crop(box), dtype=np.int16)[..., i]
               for i in range(3))
    return int(((r > 150) & (g < 80) & (b < 80)).sum())


# --- encode --------------------------------------------------------------------------------


def test_encode_prints_the_payload_that_build_makes(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "qr", "encode", "--bin", "999901", "--account", "8801234567",
                         "--amount", "35.000", "--message", "mua rau")
    assert code == 0
    assert out == vietqr.build(bin="999901", account="8801234567", amount=35000,
                               purpose="mua rau") + "\n"
    assert err == ""  # a sandbox BIN: no note


def test_encode_a_real_bin_works_with_a_note(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "qr", "encode", "--bin", "970416", "--account", "257678859")
    assert code == 0
    assert out.strip() == EXAMPLES[0][2]  # xuannghia's static ACB example
    assert err.count("\n") == 1
    assert "970416" in err and "ACB" in err and "the sandbox never pays real accounts" in err


@pytest.mark.parametrize(("argv", "error"), [
    (["--bin", "97041", "--account", "1"], vietqr.BadField),
    (["--bin", "999901", "--account", "12-34"], vietqr.BadField),
    (["--bin", "999901", "--account", "1", "--service", "QRPUSH"], vietqr.BadField),
    (["--bin", "999901", "--account", "1", "--amount", "0"], vietqr.AmountOutOfRange),
    (["--bin", "999901", "--account", "1", "--amount", "500000000"], vietqr.AmountOutOfRange),
    (["--bin", "999901", "--account", "1", "--amount", "12,5"], vietqr.BadAmount),
    (["--bin", "999901", "--account", "1", "--amount", "-5"], vietqr.BadAmount),
    (["--bin", "999901", "--account", "1", "--message", "Mua rau cô Hạnh"], vietqr.BadText),
    (["--bin", "999901", "--account", "1", "--name", "X" * 26], vietqr.BadText),
], ids=["bin", "account", "service", "zero", "limit", "decimal", "negative", "diacritics",
        "long-name"])
def test_encode_refusals_exit_2_with_message_and_code(
        capsys: pytest.CaptureFixture[str], argv: list[str],
        error: type[vietqr.InvalidPayload]) -> None:
    code, out, err = run(capsys, "qr", "encode", *argv)
    assert (code, out) == (2, "")
    assert err.startswith(f"Lỗi / Error: {error.message} ({error.code}: ")
    assert err.endswith(")\n") and err.count("\n") == 1


def test_encode_then_decode_round_trip(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "qr", "encode", "--bin", "999902", "--account", "7702345678",
                       "--amount", "1 250 000", "--message", "TIEN HANG T11",
                       "--name", "PHAM THI LUA", "--city", "THANH HOA",
                       "--service", "QRIBFTTC", "--bill", "HD0001")
    assert code == 0
    payload = out.strip()
    status, answer = decoded(capsys, payload)
    assert status == 0
    assert answer == qr_commands.describe(vietqr.parse(payload))
    expected = {
        "payload": payload, "valid": True, "initiation": "dynamic", "is_vietqr": True,
        "bin": "999902", "bank": None, "sandbox_bank": "Ngân hàng Thực hành Hàm Rồng",
        "account": "7702345678", "service": "QRIBFTTC", "amount": 1_250_000,
        "currency": "704", "country": "VN", "mcc": None, "merchant_name": "PHAM THI LUA",
        "city": "THANH HOA", "bill_number": "HD0001", "purpose": "TIEN HANG T11",
        "crc": payload[-4:]}
    assert {k: answer[k] for k in expected} == expected
    tree = answer["fields"]
    assert [f["tag"] for f in tree] == ["00", "01", "38", "53", "54", "58", "59", "60", "62",
                                        "63"]
    napas = tree[2]["sub"]
    assert napas[0] == {"tag": "00", "value": "A000000727", "sub": None}
    assert [(f["tag"], f["value"]) for f in napas[1]["sub"]] == [("00", "999902"),
                                                                  ("01", "7702345678")]
    assert tree[8]["sub"] == [{"tag": "01", "value": "HD0001", "sub": None},
                              {"tag": "08", "value": "TIEN HANG T11", "sub": None}]
    assert tree[3] == {"tag": "53", "value": "704", "sub": None}


# --- decode --------------------------------------------------------------------------------


@pytest.mark.parametrize(("expect", "source", "payload"), EXAMPLES,
                         ids=[row[1][:40] for row in EXAMPLES])
def test_public_examples_get_their_verdict(capsys: pytest.CaptureFixture[str], expect: str,
                                           source: str, payload: str) -> None:
    status, answer = decoded(capsys, payload)
    if expect == "valid":
        assert (status, answer["valid"], answer["payload"]) == (0, True, payload), source
        assert answer["crc"] == payload[-4:]
    else:
        assert (status, answer["valid"]) == (1, False), source
        assert answer["error"].startswith("vietqr.") and answer["message"] and answer["detail"]


def test_public_examples_decoded_fields(capsys: pytest.CaptureFixture[str]) -> None:
    _, acb = decoded(capsys, EX2)
    assert (acb["bin"], acb["bank"], acb["sandbox_bank"], acb["amount"], acb["purpose"]) == (
        "970416", "ACB", None, 10000, "Chuyen tien")
    vnpay = next(p for e, s, p in EXAMPLES if "VNPay" in s)
    _, answer = decoded(capsys, vnpay)
    assert (answer["is_vietqr"], answer["bin"], answer["merchant_name"]) == (
        False, None, "CELLPHONES")
    assert answer["fields"][2]["sub"][0] == {"tag": "00", "value": "A000000775", "sub": None}
    unicube = next(p for e, _, p in EXAMPLES if e == "invalid")
    status, refused = decoded(capsys, unicube)
    assert (status, refused["error"]) == (1, "vietqr.length")
    assert refused["message"] == vietqr.BadLength.message
    assert refused["detail"] == "3 characters left at 148, too few for a tag and a length"
    assert refused["payload"] == unicube


@pytest.mark.slow
def test_public_examples_through_the_console_script() -> None:
    if not CONSOLE_SCRIPT.exists():
        pytest.skip(f"no console script at {CONSOLE_SCRIPT}")
    for expect, source, payload in EXAMPLES:
        result = subprocess.run([str(CONSOLE_SCRIPT), "qr", "decode", payload],
                                capture_output=True, text=True, check=False, timeout=60)
        assert result.returncode == (0 if expect == "valid" else 1), (source, result.stderr)
        assert json.loads(result.stdout)["valid"] is (expect == "valid")
    # and "-": the payload on stdin, with the newline a scanner app adds
    piped = subprocess.run([str(CONSOLE_SCRIPT), "qr", "decode", "-"], input=EX2 + "\r\n",
                           capture_output=True, text=True, check=False, timeout=60)
    assert piped.returncode == 0, piped.stderr
    assert json.loads(piped.stdout)["payload"] == EX2


def test_decode_refusal_is_json_and_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    status, answer = decoded(capsys, EX2[:-4] + "53E7")
    assert answer == {"valid": False, "error": "vietqr.crc", "message": vietqr.BadCrc.message,
                      "detail": "CRC is 53E7, the payload gives 53E6", "payload": EX2[:-4] + "53E7"}
    assert status == 1
    status, answer = decoded(capsys, "https://example.com/pay")
    assert (status, answer["error"]) == (1, "vietqr.format_indicator")


def test_decode_reads_stdin(capsys: pytest.CaptureFixture[str],
                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(STALL_CODE + "\n"))
    status, answer = decoded(capsys, "-", "--json")
    assert (status, answer["account"], answer["sandbox_bank"]) == (
        0, "8801234567", "Ngân hàng Mô phỏng Sông Mã")


def test_decode_a_long_argument_is_a_payload_not_a_file(capsys: pytest.CaptureFixture[str]
                                                        ) -> None:
    text = "000201" + "X" * 400  # longer than a file name may be
    status, answer = decoded(capsys, text)
    assert (status, answer["error"], answer["payload"]) == (1, "vietqr.unknown_tag", text)


def test_decode_a_png_written_by_render_png(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    picture = tmp_path / "code.png"
    picture.write_bytes(qrimage.render_png(EX2))
    status, answer = decoded(capsys, str(picture))
    assert (status, answer["payload"], answer["amount"], answer["bank"]) == (
        0, EX2, 10000, "ACB")
    # a picture of a broken code: the text read is in the answer
    broken = tmp_path / "broken.png"
    broken.write_bytes(qrimage.render_png(EX2[:-1] + "7"))
    status, answer = decoded(capsys, str(broken))
    assert (status, answer["error"], answer["payload"]) == (1, "vietqr.crc", EX2[:-1] + "7")


def test_decode_pictures_without_a_code(tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    blank = tmp_path / "blank.jpg"
    Image.new("RGB", (640, 480), "white").save(blank, format="JPEG")
    status, answer = decoded(capsys, str(blank))
    assert (status, answer["error"], answer["message"]) == (1, "qr.not_found",
                                                          qrimage.NoQrFound.message)
    assert "payload" not in answer
    text = tmp_path / "notes.png"
    text.write_text("not a picture", encoding="utf-8")
    status, out, err = run(capsys, "qr", "decode", str(text))
    answer = json.loads(out)
    assert (status, answer["error"]) == (3, "qr.not_an_image")  # unreadable, not a verdict
    assert answer["detail"].startswith("UnidentifiedImageError")
    assert "Không đọc được ảnh" in err and "Cannot read the picture" in err


# --- poster --------------------------------------------------------------------------------


def test_poster_payloads_are_those_of_merchant_codes(box: Sandbox) -> None:
    shown = {c.key: c for c in box.bank("hv001").merchant_codes()}
    for key in posters.MERCHANTS:
        poster = posters.poster_for(key)
        assert poster.payload == shown[key].payload
        assert poster.sign.main == shown[key].note  # «Chủ tài khoản: …» as on screen
        assert poster.title.main == shown[key].title
    fruit = vietqr.parse(posters.poster_for("fruit").payload)
    assert (fruit.bin, fruit.account) == (bank.SCAMMER.bin, bank.SCAMMER.number)
    assert posters.poster_for("fruit").account == bank.FRUIT.number
    assert posters.poster_for("stall").payload == STALL_CODE


def test_poster_in_english_keeps_the_vietnamese_mark() -> None:
    poster = posters.poster_for("fruit", "en")
    assert poster.title.main == "Mrs Lụa's fruit stall"
    assert poster.mark == posters.Line("SIMULATION – NOT A REAL CODE",
                                           "MÔ PHỎNG – KHÔNG PHẢI MÃ THẬT")
    texts = [item.text for item in posters.layout(poster)
             if isinstance(item, posters.Text)]
    assert "MÔ PHỎNG – KHÔNG PHẢI MÃ THẬT" in texts
    assert "Quét mã bằng ứng dụng ngân hàng mô phỏng của lớp học" in texts


def test_poster_layout_stays_on_the_page() -> None:
    width, height = posters.PAGE
    for key in posters.MERCHANTS:
        for lang in ("vi", "en"):
            for item in posters.layout(posters.poster_for(key, lang)):
                if isinstance(item, posters.Text):
                    half = posters._width_mm(item.text, item.size, item.bold) / 2
                    assert posters.MARGIN - 0.01 <= item.x - half, item
                    assert item.x + half <= width - posters.MARGIN + 0.01, item
                    assert 0 < item.y < height - 5, item
                    assert item.size >= 10, item  # still readable from a step away


@pytest.mark.slow
def test_png_poster_reads_back_in_ours_and_zbarimg(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    for key in posters.MERCHANTS:
        out = tmp_path / f"{key}.png"
        code, printed, err = run(capsys, "qr", "poster", "--merchant", key, "--out", str(out))
        assert (code, err) == (0, "")
        payload = posters.poster_for(key).payload
        assert str(out) in printed and payload in printed
        picture = Image.open(out)
        assert picture.size == (2480, 3508)
        assert round(picture.info["dpi"][0]) == 300
        assert qrimage.decode_text(out.read_bytes()) == payload
        assert zbarimg(out) == [payload]
        check_printed_code(picture, 300, payload)
        # the big red mark at the top (the frame and its text), and again at the bottom
        assert red_pixels(picture, (0, 0, 2480, 700)) > 100_000
        assert red_pixels(picture, (0, 3300, 2480, 3508)) > 5_000


@pytest.mark.slow
def test_pdf_poster_embeds_dejavu_and_reads_back(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "lua.pdf"
    code, _, err = run(capsys, "qr", "poster", "--merchant", "fruit", "--out", str(out))
    assert (code, err) == (0, "")
    assert out.read_bytes().startswith(b"%PDF-")
    payload = posters.poster_for("fruit").payload
    subprocess.run([tool("pdftoppm"), "-r", "150", "-png", str(out), str(tmp_path / "page")],
                   check=True, timeout=120)
    page = tmp_path / "page-1.png"
    assert qrimage.decode_text(page.read_bytes()) == payload
    assert zbarimg(page) == [payload]
    check_printed_code(Image.open(page), 150, payload)

    fonts = subprocess.run([tool("pdffonts"), str(out)], capture_output=True, text=True,
                           check=True, timeout=60).stdout.splitlines()[2:]
    dejavu = [line.split() for line in fonts if "DejaVuSans" in line]
    assert len(dejavu) == 2, fonts  # regular and bold
    assert all(cols[-5] == "yes" for cols in dejavu), fonts  # the "emb" column

    text = subprocess.run([tool("pdftotext"), "-layout", str(out), "-"], capture_output=True,
                          text=True, check=True, timeout=60).stdout
    for expected in ("MÔ PHỎNG – KHÔNG PHẢI MÃ THẬT", "SIMULATION – NOT A REAL CODE",
                     "Quầy trái cây cô Lụa", "Chủ tài khoản: PHAM THI LUA",
                     "Ngân hàng Thực hành Hàm Rồng", "7702345678",
                     "Quét mã bằng ứng dụng ngân hàng mô phỏng của lớp học"):
        assert expected in text, expected
    # the drill: the sign never names who the sticker really pays
    assert "DO VAN KHOA" not in text and bank.SCAMMER.number not in text


@pytest.mark.parametrize("name", ["poster.jpg", "poster", "poster.svg"])
def test_poster_refuses_other_formats(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                      name: str) -> None:
    code, out, err = run(capsys, "qr", "poster", "--merchant", "stall", "--out",
                         str(tmp_path / name))
    assert (code, out) == (2, "")
    assert err.startswith("Lỗi / Error: ") and ".png" in err and ".pdf" in err
    assert list(tmp_path.iterdir()) == []


def test_poster_rejects_an_unknown_merchant(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        cli.main(["qr", "poster", "--merchant", "power", "--out", "x.png"])
    assert stop.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


# --- the sandbox's codes in an independent reader ------------------------------------------


def random_payload(rng: random.Random) -> str:
    """A VietQR transfer code as the sandbox or a bank app would make it."""
    bins = [*vietqr.BANKS, *(b.bin for b in bank.SANDBOX_BANKS)]
    text = string.ascii_uppercase + string.digits + " "
    return vietqr.build(
        bin=rng.choice(bins),
        account="".join(rng.choices(string.digits, k=rng.randint(6, 19))),
        service=rng.choice(vietqr.TRANSFER_SERVICES),
        amount=rng.choice([None, rng.randint(1, 499_999_999), rng.randint(1, 999) * 1000]),
        purpose=rng.choice([None, "".join(rng.choices(text, k=rng.randint(1, 25))).strip() or "X"]),
        merchant_name=rng.choice([None, "TAP HOA CO BA", "PHO THIN"]),
        city=rng.choice([None, "THANH HOA", "HA NOI"]),
        bill_number=rng.choice([None, f"HD{rng.randrange(10**8):08d}"]))


@pytest.mark.slow
def test_codes_rendered_by_the_sandbox_decode_in_zbarimg(tmp_path: Path) -> None:
    rng = random.Random("zbarimg")
    payloads = [random_payload(rng) for _ in range(24)]
    assert len(set(payloads)) == 24
    files = []
    for index, payload in enumerate(payloads):
        files.append(tmp_path / f"code-{index:02d}.png")
        files[-1].write_bytes(qrimage.render_png(payload))
    assert zbarimg(*files) == payloads
    # smaller modules too (a phone screen), and the 4-module quiet zone only
    small = tmp_path / "small.png"
    small.write_bytes(qrimage.render_png(payloads[0], box_size=3, border=4))
    assert zbarimg(small) == [payloads[0]]


def test_module_doctests() -> None:
    result = doctest.testmod(qr_commands, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 5 and result.failed == 0


def test_help_is_vietnamese_then_english(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["qr", "--help"], ["qr", "encode", "--help"], ["qr", "decode", "--help"],
                 ["qr", "poster", "--help"]):
        with pytest.raises(SystemExit):
            cli.main(argv)
        out = capsys.readouterr().out
        assert " / " in out, argv
    with pytest.raises(SystemExit):
        cli.main(["qr", "decode", "--help"])
    assert "luôn in JSON" in capsys.readouterr().out
