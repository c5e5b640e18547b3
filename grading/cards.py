"""Learner cards: what each card says, where it goes on an A4 sheet, and the PDF.

A trainer prints the cards before the workshop and hands them out by village: one card
per learner (90 × 62 mm, eight on an A4 sheet, 2 × 4, with light dashed cut lines),
sorted by commune, then by given name as Vietnamese class lists are. Each card holds
the title «THẺ HỌC VIÊN – LỚP KỸ NĂNG SỐ «3 KHÔNG»», the red «MÔ PHỎNG» mark, the
learner's name and commune as the roster gives them, the name of the learner's
fictional persona, the 8-character code in large monospace type grouped 4-4
(«K7M2 QX9P»), a QR code of the learner's link ``{base_url}/join?code=CODE`` (the join
page opens the first lesson, and the lessons link to each other, so one link serves
every lesson) and the line «Quét mã QR hoặc mở {base_url} và nhập mã».

**The persona: its name only.** The persona's ID number and phone are fictional
sandbox numbers (province code ``000``, phones ``0100…``) and the apps show them on
the persona's own screen, so printing them would leak nothing real. They stay off
the card all the same: the lessons teach residents never to write an ID number and
a phone next to a name on a paper that leaves their hands, and a practice card that
did so would teach the opposite habit; a lost card then carries nothing but a code
(revoked with ``bakhong revoke``) and the names; and the apps remain the one place
the persona's details are read from, the way the lessons have the learner look
them up. The room saved goes to a larger code and QR code.

**The QR code.** The symbol is :data:`QR_SYMBOL_MM` (26 mm) wide, whatever the link's
length, printed with its 4-module quiet zone, error correction M
(:func:`bakhong.simulators.qrimage.render_png`): a cheap phone reads it from a printed
card at arm's length. Nothing else is drawn inside the quiet zone.

Building is kept apart from drawing: :func:`card_for` and :func:`workshop_cards` say
what the cards hold (:class:`Card`), :func:`sheets` places them on pages in millimetres,
and :func:`draw_pdf` draws the sheets with fpdf2, DejaVu Sans embedded (the Vietnamese
text stays text). The card's labels are part of the printed card, in Vietnamese for
the residents, so they are not marked for translation; the errors are.

>>> group_code("k7m2qx9p")
'K7M2 QX9P'
>>> join_link("http://192.168.1.10:8866/", "K7M2QX9P")
'http://192.168.1.10:8866/join?code=K7M2QX9P'
>>> unreachable_host("http://127.0.0.1:8866"), unreachable_host("http://192.168.1.10:8866")
('127.0.0.1', None)
>>> sorted(["Đào", "Dũng", "Ánh", "An", "Bình"], key=vietnamese_key)
['An', 'Ánh', 'Bình', 'Dũng', 'Đào']
"""

from __future__ import annotations

import io
import ipaddress
import random
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from bakhong.simulators import fonts, learners, registry
from bakhong.simulators.clock import Clock
from bakhong.simulators.errors import N_, SandboxError, UnknownLearner
from bakhong.simulators.learners import Learner
from bakhong.simulators.sandbox import Store

from . import settings

__all__ = [
    "Card", "InvalidBaseUrl", "NoLearners", "UnknownCardCode", "card_for",
    "default_base_url", "draw_pdf", "group_code", "join_link", "normalise_base_url",
    "revoke", "sheets", "unreachable_host", "vietnamese_key", "workshop_cards",
]

TITLE = "THẺ HỌC VIÊN – LỚP KỸ NĂNG SỐ «3 KHÔNG»"
MARK = "MÔ PHỎNG"


# --- the refusals --------------------------------------------------------------------------

class NoLearners(SandboxError):
    code = "cards.no_learners"
    message = N_("Lớp học «{path}» chưa có học viên nào để in thẻ.")


class UnknownCardCode(UnknownLearner):
    """No learner of the workshop holds this code (mistyped, or revoked since)."""

    code = "cards.unknown_code"
    message = N_("Lớp học này không có học viên nào mang mã «{code}». Hãy kiểm tra lại mã: "
                 "8 ký tự, không có số 0, chữ O, số 1 hay chữ I.")


class InvalidBaseUrl(SandboxError, ValueError):
    code = "cards.invalid_base_url"
    message = N_("Địa chỉ lớp học «{url}» không dùng được: cần dạng http://192.168.1.10:8866.")


# --- what a card says ----------------------------------------------------------------------

def group_code(code: str) -> str:
    """The code as printed: two groups of four, easier to read out and type."""
    code = learners.compact_code(code)
    return f"{code[:4]} {code[4:]}"


def normalise_base_url(url: str) -> str:
    """``http(s)://host[:port][/path]`` without a trailing slash; :class:`InvalidBaseUrl`.

    >>> normalise_base_url(" http://192.168.1.10:8866/ ")
    'http://192.168.1.10:8866'
    """
    text = url.strip().rstrip("/")
    try:
        parts = urlsplit(text)
        _ = parts.port  # raises ValueError for a port that is not a number
    except ValueError as exc:
        raise InvalidBaseUrl(str(exc), url=url) from exc
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query \
            or parts.fragment or any(ch.isspace() for ch in text):
        raise InvalidBaseUrl(url=url)
    return text


def default_base_url(root: Path) -> str:
    """``http://{host}:{port}`` from the workshop's settings (``bakhong.toml``)."""
    chosen = settings.load(root)
    host = f"[{chosen.host}]" if ":" in chosen.host else chosen.host
    return normalise_base_url(f"http://{host}:{chosen.port}")


def unreachable_host(base_url: str) -> str | None:
    """The host of ``base_url`` when no phone can reach it (loopback, 0.0.0.0), else None."""
    host = urlsplit(base_url).hostname or ""
    if host == "localhost":
        return host
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return None
    return host if address.is_loopback or address.is_unspecified else None


def join_link(base_url: str, code: str) -> str:
    """The learner's link: the join page opens the first lesson with the code."""
    return f"{normalise_base_url(base_url)}/join?code={learners.compact_code(code)}"


@dataclass(frozen=True)
class Card:
    """What one learner's card says (built by :func:`card_for`)."""

    code: str  # compact, 8 characters
    full_name: str
    commune: str
    persona_name: str
    base_url: str

    @property
    def grouped_code(self) -> str:
        return group_code(self.code)

    @property
    def link(self) -> str:
        return join_link(self.base_url, self.code)

    @property
    def persona_line(self) -> str:
        return f"Nhân vật mô phỏng: {self.persona_name}"

    @property
    def instruction(self) -> str:
        return f"Quét mã QR hoặc mở {self.base_url} và nhập mã"


def card_for(learner: Learner, persona_name: str, base_url: str) -> Card:
    return Card(learner.code, learner.full_name, learner.commune, persona_name,
                normalise_base_url(base_url))


_LETTERS = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}  # huyền … nặng


def vietnamese_key(text: str) -> tuple[tuple[tuple[int, int], ...], tuple[int, ...]]:
    """A sort key in Vietnamese alphabetical order: a ă â b c d đ e ê …, then the tones.

    Letters decide first (ignoring case and tones), tones break the ties (none, huyền,
    hỏi, ngã, sắc, nặng), as in Vietnamese dictionaries and class lists.
    """
    letters: list[tuple[int, int]] = []
    tones: list[int] = []
    for ch in unicodedata.normalize("NFC", text).lower():
        parts = unicodedata.normalize("NFD", ch)
        tones.append(sum(_TONES.get(mark, 0) for mark in parts))
        shape = unicodedata.normalize("NFC", "".join(m for m in parts if m not in _TONES))
        index = _LETTERS.find(shape) if len(shape) == 1 else -1
        letters.append((1, index) if index >= 0 else (0, ord(shape[0]) if shape else 0))
    return tuple(letters), tuple(tones)


def _hand_out_order(card: Card) -> tuple[object, ...]:
    """By commune, then by given name (the last word), then by the whole name."""
    given = card.full_name.split()[-1] if card.full_name.split() else ""
    return (vietnamese_key(card.commune), vietnamese_key(given),
            vietnamese_key(card.full_name), card.code)


def workshop_cards(root: Path, store: Store, base_url: str,
                   code: str | None = None) -> list[Card]:
    """Every learner's card in hand-out order, or only the learner holding ``code``."""
    settings.require_workshop(root)
    if code is not None:
        try:
            chosen = [learners.by_code(store, code)]
        except UnknownLearner as exc:
            raise UnknownCardCode(code=code) from exc
    else:
        chosen = learners.all_learners(store)
    if not chosen:
        raise NoLearners(path=str(root))
    cards = [card_for(le, registry.persona_of_learner(store, le.learner_id).full_name,
                      base_url) for le in chosen]
    return sorted(cards, key=_hand_out_order)


def revoke(root: Path, store: Store, clock: Clock, rng: random.Random,
           code: str) -> tuple[Learner, Learner]:
    """A lost card: the learner holding ``code`` gets a fresh one; (before, after).

    The old code is refused from then on (the join page says it is unknown). A page a
    phone opened with it before keeps running until its kernel is culled (idle 15 min).
    """
    settings.require_workshop(root)
    try:
        before = learners.by_code(store, code)
    except UnknownLearner as exc:
        raise UnknownCardCode(code=code) from exc
    return before, learners.reissue_code(store, clock, rng, before.learner_id)


# --- where things go on the sheet (millimetres, A4 portrait) --------------------------------

PAGE_W, PAGE_H = 210.0, 297.0
CARD_W, CARD_H = 90.0, 62.0
COLUMNS, ROWS = 2, 4
PER_PAGE = COLUMNS * ROWS
LEFT = (PAGE_W - COLUMNS * CARD_W) / 2
TOP = (PAGE_H - ROWS * CARD_H) / 2
PAD = 4.0
QR_SYMBOL_MM = 26.0
"""Side of the QR symbol, quiet zone excluded (at least 25 mm for a cheap phone's camera)."""
QR_BORDER = 4  # the quiet zone, in modules

Colour = tuple[int, int, int]
RED, INK, GREY = (190, 20, 20), (20, 20, 20), (95, 95, 95)
CUT, WHITE = (175, 175, 175), (255, 255, 255)
Font = Literal["sans", "bold", "mono"]


@dataclass(frozen=True)
class Text:
    """Text with its baseline at ``y``, starting at ``x`` (or centred on it); size in points."""

    x: float
    y: float
    text: str
    size: float
    font: Font = "sans"
    colour: Colour = INK
    centred: bool = False


@dataclass(frozen=True)
class Rule:
    x1: float
    y1: float
    x2: float
    y2: float
    colour: Colour
    width: float
    dashed: bool = False


@dataclass(frozen=True)
class Box:
    """A filled rectangle."""

    x: float
    y: float
    w: float
    h: float
    colour: Colour


@dataclass(frozen=True)
class Code:
    """The QR code, quiet zone included, in the square ``side`` × ``side`` at (x, y)."""

    x: float
    y: float
    side: float
    payload: str


Item = Text | Rule | Box | Code


def _font_path(font: Font) -> Path:
    if font == "mono":  # beside DejaVu Sans in matplotlib's package data
        path = fonts.dejavu(bold=True).with_name("DejaVuSansMono-Bold.ttf")
        if not path.is_file():
            raise fonts.FontMissing(f"{path} not found; reinstall matplotlib")
        return path
    return fonts.dejavu(bold=font == "bold")


@cache
def _advance(font: Font, text: str) -> float:
    """Width of ``text`` at 1 point, in millimetres, from the font's advance widths."""
    from PIL import ImageFont

    face = ImageFont.truetype(str(_font_path(font)), 1000, layout_engine=ImageFont.Layout.BASIC)
    return face.getlength(text) / 1000 * 25.4 / 72


def _fitted(x: float, y: float, text: str, size: float, width: float, *, font: Font = "sans",
            colour: Colour = INK, centred: bool = False) -> Text:
    """Text at ``size`` points, or smaller so that it fits in ``width`` mm."""
    needed = _advance(font, text) * size
    return Text(x, y, text, min(size, size * width / needed) if needed else size, font, colour,
                centred)


@cache
def _qr_modules(payload: str) -> bytes:
    """The code at one pixel per module, quiet zone included (a PNG)."""
    from bakhong.simulators import qrimage

    return qrimage.render_png(payload, box_size=1, border=QR_BORDER)


def _qr_side(payload: str) -> float:
    """Printed side of the code with its quiet zone, for a symbol of :data:`QR_SYMBOL_MM`."""
    from PIL import Image

    across = Image.open(io.BytesIO(_qr_modules(payload))).width
    return QR_SYMBOL_MM * across / (across - 2 * QR_BORDER)


def layout_card(card: Card, x: float, y: float) -> list[Item]:
    """One card's items, its top left corner at (x, y)."""
    side = _qr_side(card.link)
    qr_x = x + CARD_W - 2.5 - side
    column = qr_x - (x + PAD) - 1.0  # the text beside the code stays out of its quiet zone
    full = CARD_W - 2 * PAD
    left = x + PAD
    mark_w = _advance("bold", MARK) * 8 + 4
    items: list[Item] = [
        _fitted(x + CARD_W / 2, y + 6.5, TITLE, 8, full, font="bold", centred=True),
        Rule(left, y + 8.5, x + CARD_W - PAD, y + 8.5, RED, 0.35),
        Box(left, y + 11, mark_w, 5, RED),
        Text(left + 2, y + 14.7, MARK, 8, "bold", WHITE),
        _fitted(left, y + 22.5, card.full_name, 12, column, font="bold"),
        _fitted(left, y + 27.5, card.commune, 8.5, column),
        _fitted(left, y + 33, "Mã học viên", 6.5, column, colour=GREY),
        _fitted(left, y + 41.5, card.grouped_code, 21, column, font="mono"),
        Code(qr_x, y + 10.5, side, card.link),
        _fitted(left, y + 49.5, card.persona_line, 7.5, full),
    ]
    instruction = _fitted(left, y + 57, card.instruction, 7, full)
    if instruction.size >= 5.5:
        return [*items, instruction]
    first, rest = card.instruction.split(f" {card.base_url} ", 1)  # a long address: two lines
    return [*items, _fitted(left, y + 55, first, 7, full),
            _fitted(left, y + 59, f"{card.base_url} {rest}", 7, full)]


def _cut_lines(cells: Sequence[tuple[int, int]]) -> list[Rule]:
    """Each edge of the used cells once (shared edges are not drawn twice)."""
    edges: set[tuple[float, float, float, float]] = set()
    for column, row in cells:
        x0, y0 = LEFT + column * CARD_W, TOP + row * CARD_H
        x1, y1 = x0 + CARD_W, y0 + CARD_H
        edges |= {(x0, y0, x1, y0), (x0, y1, x1, y1), (x0, y0, x0, y1), (x1, y0, x1, y1)}
    return [Rule(*edge, CUT, 0.2, dashed=True) for edge in sorted(edges)]


def sheets(cards: Sequence[Card]) -> list[list[Item]]:
    """The pages: eight cards each, left to right then top to bottom, with cut lines."""
    pages = []
    for start in range(0, len(cards), PER_PAGE):
        batch = cards[start:start + PER_PAGE]
        cells = [(index % COLUMNS, index // COLUMNS) for index in range(len(batch))]
        page: list[Item] = list(_cut_lines(cells))
        for card, (column, row) in zip(batch, cells, strict=True):
            page += layout_card(card, LEFT + column * CARD_W, TOP + row * CARD_H)
        pages.append(page)
    return pages


# --- drawing -------------------------------------------------------------------------------

_FAMILIES: dict[Font, tuple[str, str]] = {
    "sans": ("DejaVu", ""), "bold": ("DejaVu", "B"), "mono": ("DejaVuMono", "B")}


def draw_pdf(cards: Sequence[Card]) -> bytes:
    """The cards as A4 sheets: DejaVu Sans embedded (the text stays text), codes as images."""
    from fpdf import FPDF
    from PIL import Image

    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_title(f"{TITLE} – {MARK}")
    pdf.set_creator("bakhong cards")
    pdf.set_lang("vi")
    for font, (family, style) in _FAMILIES.items():
        pdf.add_font(family, style, _font_path(font))
    for page in sheets(cards):
        pdf.add_page()
        for item in page:
            if isinstance(item, Text):
                pdf.set_font(*_FAMILIES[item.font], size=item.size)
                pdf.set_text_color(*item.colour)
                shift = pdf.get_string_width(item.text) / 2 if item.centred else 0.0
                pdf.text(item.x - shift, item.y, item.text)
            elif isinstance(item, Rule):
                pdf.set_draw_color(*item.colour)
                pdf.set_line_width(item.width)
                if item.dashed:
                    pdf.set_dash_pattern(dash=1.5, gap=1.5)
                pdf.line(item.x1, item.y1, item.x2, item.y2)
                pdf.set_dash_pattern()
            elif isinstance(item, Box):
                pdf.set_fill_color(*item.colour)
                pdf.rect(item.x, item.y, item.w, item.h, style="F")
            else:
                modules = Image.open(io.BytesIO(_qr_modules(item.payload)))
                # 10 pixels per module: sharp in viewers that smooth enlarged images
                code = modules.resize((modules.width * 10,) * 2, Image.Resampling.NEAREST)
                pdf.image(code.convert("L"), x=item.x, y=item.y, w=item.side, h=item.side,
                          alt_text=item.payload)
    return bytes(pdf.output())
