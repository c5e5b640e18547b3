"""``bakhong sync``'s work on the laptop: make the workshop's package, send it or write it.

:func:`make_package` reads the workshop (:func:`.collect.collect`), numbers the package
(:func:`.identity.next_seq`) and signs it (:func:`.package.seal`). :func:`send` posts it to
the address of the registration (:mod:`.client`); when the province answers that it already
holds a newer number (a laptop restored from an older backup), the package is made again
above that number, once.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bakhong.grading.workshop import open_sandbox

from . import client, identity
from .collect import collect
from .package import seal

__all__ = ["make_package", "send", "workshop_id"]


def workshop_id(root: Path) -> str:
    box = open_sandbox(root)
    try:
        return box.workshop_id
    finally:
        box.close()


def make_package(root: Path, *, now: datetime | None = None, above: int = 0,
                 ) -> tuple[str, int, bytes]:
    """(workshop id, package number, the package's bytes)."""
    moment = now or datetime.now(UTC)
    workshop = workshop_id(root)
    found = identity.registration(workshop)
    secret = identity.pseudonym_key(workshop)
    seq = identity.next_seq(workshop, moment, above=above)
    payload = collect(root, pseudonym_key=secret, seq=seq, now=moment, label=found.label)
    return workshop, seq, seal(payload, identity.signing_key(workshop), found.pseudonym_key_id)


def send(root: Path, *, now: datetime | None = None) -> tuple[int, dict[str, Any]]:
    """Make the package and post it; (HTTP status, the province's answer)."""
    workshop, _seq, data = make_package(root, now=now)
    found = identity.registration(workshop)
    status, answer = client.post_package(found.url, data, found.token,
                                         certificate=found.certificate)
    if answer.get("code") == "stale":
        last = int(answer.get("params", {}).get("last", 0))
        _workshop, _seq, data = make_package(root, now=now, above=last)
        status, answer = client.post_package(found.url, data, found.token,
                                             certificate=found.certificate)
    return status, answer
