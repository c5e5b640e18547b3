"""The ``bakhong cards`` and ``bakhong revoke`` commands: print learner cards, replace a lost one.

Thin over :mod:`bakhong.grading.cards`:

``bakhong cards WORKSHOP --out FILE.pdf [--learner CODE] [--base-url URL]``
    A4 sheets of learner cards, eight a page, in hand-out order (commune, then given name);
    ``--learner`` prints only that learner's card. The cards' links start with ``--base-url``
    (default ``http://{host}:{port}`` from ``WORKSHOP/bakhong.toml``); when its host is one
    no phone can reach (127.0.0.1, localhost, 0.0.0.0) a warning on stderr says to pass the
    laptop's Wi-Fi address. The PDF is written whole or not at all (:mod:`bakhong.atomic`).
    Exits 0; 2 for an output name not ending in ``.pdf`` or a typed refusal (unknown code,
    bad address, not a workshop, a full or read-only disk).

``bakhong revoke WORKSHOP CODE``
    A lost card: the learner holding ``CODE`` gets a fresh code (``random.SystemRandom``),
    the old one is refused from then on. Prints the new code and the command that reprints
    the card. Exits 0, or 2 for an unknown code.

fpdf2, Pillow and the store are imported by the functions that use them: every ``bakhong``
command builds this parser.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

from bakhong.simulators.errors import N_, SandboxError

__all__ = ["InvalidCardCode", "add_parser", "card_code"]

Subcommands = argparse._SubParsersAction  # the type of ArgumentParser.add_subparsers()


#: Longest text looked up as a card code: 8 characters, spaces or dashes between them. A
#: longer one is refused unread: each composed letter doubles the ways it may have been
#: typed (:func:`bakhong.simulators.learners.code_candidates`).
CODE_TEXT_MAX = 16


class InvalidCardCode(SandboxError):
    """A ``--learner`` or ``revoke`` argument that cannot be a card code (checked before any
    lookup: a path, a long text, …)."""

    code = "cards.invalid_code"
    message = N_("{code} không phải mã thẻ học viên: mã có 8 chữ cái và chữ số, ví dụ "
                 "K7M2-QX9P. / {code} is not a learner card code: 8 letters and digits, e.g. "
                 "K7M2-QX9P.")


def card_code(text: str) -> str:
    """``text`` if it may be a card code as typed (letters and digits, with spaces or
    dashes, at most :data:`CODE_TEXT_MAX` characters); :class:`InvalidCardCode` otherwise,
    before any lookup. A mistyped code is left to the lookup, which says so."""
    from bakhong.simulators import learnerid

    if len(text) > CODE_TEXT_MAX or not all(c.isalnum() or c in " -" for c in text):
        raise InvalidCardCode(code=learnerid.shown(text, CODE_TEXT_MAX))
    return text


def _cards(args: argparse.Namespace) -> int:
    from bakhong import atomic
    from bakhong.grading import cards, workshop

    root, out = Path(args.workshop), Path(args.out)
    code = card_code(args.learner) if args.learner else None
    if out.suffix.lower() != ".pdf":
        print(f"Lỗi / Error: tệp thẻ phải là .pdf, không phải {out.name!r} / "
              "the cards file must end in .pdf", file=sys.stderr)
        return 2
    base_url = cards.normalise_base_url(args.base_url) if args.base_url \
        else cards.default_base_url(root)
    host = cards.unreachable_host(base_url)
    if host is not None:
        print(f"Cảnh báo / Warning: điện thoại không vào được địa chỉ {host}. Hãy thêm "
              "--base-url với địa chỉ Wi-Fi của máy này, ví dụ --base-url "
              f"http://192.168.1.10:8866 / phones cannot reach {host}: pass --base-url with "
              "the laptop's Wi-Fi address", file=sys.stderr)
    box = workshop.open_sandbox(root)
    try:
        chosen = cards.workshop_cards(root, box.store, base_url, code)
    finally:
        box.close()
    atomic.write_bytes(out, cards.draw_pdf(chosen))  # whole, or CannotWrite and nothing
    pages = -(-len(chosen) // cards.PER_PAGE)
    print(f"Đã in {len(chosen)} thẻ, {pages} trang / {len(chosen)} card(s) on {pages} "
          f"page(s): {out}")
    print(f"Liên kết / links: {base_url}/join?code=…")
    return 0


def _revoke(args: argparse.Namespace) -> int:
    import random

    from bakhong.grading import cards, workshop

    root = Path(args.workshop)
    code = card_code(args.code)
    box = workshop.open_sandbox(root)
    try:
        before, after = cards.revoke(root, box.store, box.clock, random.SystemRandom(), code)
    finally:
        box.close()
    print(f"Mã mới / new code: {cards.group_code(after.code)}  ({after.full_name} — "
          f"{after.commune})")
    print(f"Mã cũ {cards.group_code(before.code)} không còn dùng được / the old code no "
          "longer works.")
    print("In lại thẻ / reprint the card:")
    print(f"  bakhong cards {shlex.quote(str(root))} --learner {after.code} "
          f"--out the-{after.code}.pdf [--base-url http://…]")
    return 0


def add_parser(commands: Subcommands[argparse.ArgumentParser]) -> None:
    """Add ``cards`` and ``revoke`` to the ``bakhong`` command's subparsers."""
    text = "In thẻ học viên (A4, 8 thẻ một trang) / print learner cards (A4, 8 a page)"
    cards = commands.add_parser("cards", help=text, description=text)
    cards.set_defaults(func=_cards)
    cards.add_argument("workshop", help="thư mục lớp học / workshop folder")
    cards.add_argument("--out", required=True, metavar="FILE.pdf",
                       help="tệp PDF để in / PDF file to print")
    cards.add_argument("--learner", metavar="CODE",
                       help="chỉ in thẻ của học viên mang mã này / only this learner's card")
    cards.add_argument("--base-url", metavar="URL",
                       help="địa chỉ lớp học trên Wi-Fi, ví dụ http://192.168.1.10:8866 "
                            "(mặc định: host và port trong bakhong.toml) / the class address "
                            "phones reach (default: host and port from bakhong.toml)")

    text = ("Cấp mã mới cho học viên mất thẻ, mã cũ hết hiệu lực / give a learner who lost "
            "their card a new code; the old one stops working")
    revoke = commands.add_parser("revoke", help=text, description=text)
    revoke.set_defaults(func=_revoke)
    revoke.add_argument("workshop", help="thư mục lớp học / workshop folder")
    revoke.add_argument("code", metavar="CODE", help="mã trên thẻ bị mất / the lost card's code")
