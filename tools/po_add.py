"""Append English translations to the catalogue: ``po_add.py FILE.json`` (``{"vi": "en"}``).

Entries already translated are left alone; new ones are appended at the end, wrapped as
the rest of the file (Babel's ``normalize``), so a diff shows only what was added.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.pofile import normalize, read_po

PO = Path(__file__).resolve().parents[1] / "widgets/locale/en/LC_MESSAGES/bakhong.po"
WIDTH = 100


def main(path: str) -> None:
    pairs: dict[str, str] = json.loads(Path(path).read_text(encoding="utf-8"))
    with PO.open("rb") as source:
        catalog = read_po(source, locale="en")
    entries = []
    for vi, en in pairs.items():
        known = catalog.get(vi)
        if known is not None and known.string:
            continue
        entries.append(f"msgid {normalize(vi, width=WIDTH)}\nmsgstr {normalize(en, width=WIDTH)}\n")
    text = PO.read_text(encoding="utf-8").rstrip("\n") + "\n"
    PO.write_text(text + "".join("\n" + e for e in entries), encoding="utf-8")
    print(f"{len(entries)} added to {PO.name}")


if __name__ == "__main__":
    main(sys.argv[1])
