"""The QR code of a certificate of completion (:mod:`.certificates`): its payload, made and
checked.

**The QR code** carries a compact, self-verifying payload, so that a phone photo of the
paper can be checked too::

    BKCERT1.<base64url(JSON)>.<base64url(signature)>

* the JSON (UTF-8, no spaces, keys in this order): ``w`` the workshop id as the 22
  base64url characters of its 16 UUID bytes (14 characters shorter than the usual form),
  ``n`` the certificate number, ``h`` the full name, ``x`` the commune, ``l`` the lesson
  names passed (``["vneid", …]``), ``d`` the issue date (``YYYY-MM-DD``);
* the signature is ECDSA P-256 with SHA-256 by the issuer key over the ASCII text
  ``BKCERT1.<base64url(JSON)>`` (so the version prefix is signed too), written as the 64
  bytes ``r ‖ s`` (as JWS ES256 does) rather than DER;
* base64url without padding, and only its canonical form is accepted: otherwise changing
  the last character of a part could leave the decoded bytes, and so the verdict, alone.

A payload is 270-350 characters (up to a 33-letter Vietnamese name and all four lessons): a QR
code of version 11-14 at error correction M, printed 45 mm wide (zbar reads it at 150 dpi).

>>> from datetime import date
>>> key = pki.new_key("ec")
>>> claims = Claims("1d12b398-e8da-4e64-ab2a-039cef23adcf", "BK-7KQ4-M2XP", "Lê Thị Hoa",
...                 "Xã Thọ Long", ("vneid",), date(2026, 11, 28))
>>> payload = encode_payload(claims, key)
>>> payload.startswith("BKCERT1."), len(payload) < 350
(True, True)
>>> decode_payload(payload)[0] == claims
True
>>> try:
...     decode_payload(payload.replace("BKCERT1.", "BKCERT1.x"))
... except DamagedCode as err:
...     print(err.code)
certificate.damaged_code
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

from bakhong.simulators import pki
from bakhong.simulators.errors import N_, SandboxError

from . import keys
from .certificate_issuer import (
    find_issuer_certificate,
    is_issuer_certificate,
    revoked_numbers,
    workshop_of,
)

__all__ = [
    "PREFIX", "Claims", "CodeCheck", "CodeVerdict", "DamagedCode", "check_payload",
    "decode_payload", "encode_payload"
]

PREFIX = "BKCERT1"
"""Format and version of the QR payload."""

CodeVerdict = Literal["valid", "damaged", "unknown_issuer", "wrong_issuer", "tampered",
                      "revoked"]


class DamagedCode(SandboxError, ValueError):
    """A text that is not a well-formed ``BKCERT1`` payload."""

    code = "certificate.damaged_code"
    message = N_("Mã QR không phải mã giấy chứng nhận của bakhong, hoặc đã bị hỏng.")


# --- the QR payload ------------------------------------------------------------------------

@dataclass(frozen=True)
class Claims:
    """What the QR code asserts, signed by the issuer."""

    workshop_id: str
    number: str
    name: str
    commune: str
    lessons: tuple[str, ...]
    issued_on: date


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str, what: str) -> bytes:
    """Canonical unpadded base64url only (see the module notes), or :class:`DamagedCode`."""
    if not re.fullmatch(r"[A-Za-z0-9_-]+", text):
        raise DamagedCode(f"{what}: not base64url")
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as err:
        raise DamagedCode(f"{what}: {err}") from err
    if _b64(data) != text:
        raise DamagedCode(f"{what}: not in canonical form")
    return data


def _claims_json(claims: Claims) -> bytes:
    document = {
        "w": _b64(uuid.UUID(claims.workshop_id).bytes), "n": claims.number,
        "h": unicodedata.normalize("NFC", claims.name),
        "x": unicodedata.normalize("NFC", claims.commune),
        "l": list(claims.lessons), "d": claims.issued_on.isoformat(),
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def encode_payload(claims: Claims, key: pki.PrivateKey) -> str:
    """The QR text of ``claims``, signed with the issuer's EC P-256 ``key``."""
    if not isinstance(key, ec.EllipticCurvePrivateKey) or not isinstance(key.curve,
                                                                         ec.SECP256R1):
        raise ValueError("the issuer key must be EC P-256")
    signed = f"{PREFIX}.{_b64(_claims_json(claims))}"
    r, s = decode_dss_signature(key.sign(signed.encode("ascii"), ec.ECDSA(hashes.SHA256())))
    return f"{signed}.{_b64(r.to_bytes(32, 'big') + s.to_bytes(32, 'big'))}"


def _claims(document: object) -> Claims:
    if not isinstance(document, dict) or set(document) != {"w", "n", "h", "x", "l", "d"}:
        raise DamagedCode("the JSON is not an object with the keys w, n, h, x, l, d")
    texts = [document[k] for k in ("w", "n", "h", "x", "d")]
    lessons = document["l"]
    if not all(isinstance(t, str) and t for t in texts) or not isinstance(lessons, list) \
            or not all(isinstance(item, str) for item in lessons):
        raise DamagedCode("a field has the wrong type")
    try:
        workshop_id = str(uuid.UUID(bytes=_unb64(document["w"], "w")))
        issued_on = date.fromisoformat(document["d"])
    except ValueError as err:
        raise DamagedCode(f"bad workshop id or date: {err}") from err
    return Claims(workshop_id, document["n"], document["h"], document["x"], tuple(lessons),
                  issued_on)


def decode_payload(text: str) -> tuple[Claims, bytes, bytes]:
    """The claims of a QR text, the bytes signed and the 64-byte signature.

    Raises :class:`DamagedCode` for anything but a well-formed ``BKCERT1`` payload; says
    nothing about the signature (:func:`check_payload` does).
    """
    parts = text.strip().split(".")
    if len(parts) != 3 or parts[0] != PREFIX:
        raise DamagedCode(f"not a {PREFIX} payload")
    body, signature = _unb64(parts[1], "body"), _unb64(parts[2], "signature")
    if len(signature) != 64:
        raise DamagedCode("the signature is not 64 bytes")
    try:
        document = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as err:
        raise DamagedCode(f"the body is not UTF-8 JSON: {err}") from err
    return _claims(document), f"{parts[0]}.{parts[1]}".encode("ascii"), signature


@dataclass(frozen=True)
class CodeCheck:
    """The QR payload judged against an issuer certificate."""

    verdict: CodeVerdict
    claims: Claims | None
    issuer: x509.Certificate | None
    reason: str

    @property
    def bottom_line(self) -> bool:
        return self.verdict == "valid"


def check_payload(text: str, issuer: x509.Certificate | None = None, *,
                  revocations: Path | None = None) -> CodeCheck:
    """Judge a QR text with ``issuer``, else the workshop's certificate on this computer;
    a revoked number (:func:`revoked_numbers`, also in the folder ``revocations``) is
    ``revoked``."""
    try:
        claims, signed, signature = decode_payload(text)
    except DamagedCode as err:
        return CodeCheck("damaged", None, issuer, err.detail)
    if issuer is None:
        issuer = find_issuer_certificate(claims.workshop_id)
        if issuer is None:
            return CodeCheck("unknown_issuer", claims, None,
                             f"no issuer certificate for workshop {claims.workshop_id} "
                             f"in {keys.home() / 'keys'}")
    if not is_issuer_certificate(issuer):
        return CodeCheck("wrong_issuer", claims, issuer,
                         f"«{pki.common_name(issuer)}» is not a workshop issuer certificate")
    if workshop_of(issuer) != claims.workshop_id:
        return CodeCheck("wrong_issuer", claims, issuer,
                         f"the issuer certificate is workshop {workshop_of(issuer)}'s, "
                         f"the code names workshop {claims.workshop_id}")
    public = issuer.public_key()
    assert isinstance(public, ec.EllipticCurvePublicKey)  # is_issuer_certificate checked it
    der = encode_dss_signature(int.from_bytes(signature[:32], "big"),
                               int.from_bytes(signature[32:], "big"))
    try:
        public.verify(der, signed, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        return CodeCheck("tampered", claims, issuer,
                         "the code's signature does not verify with the issuer's key")
    if claims.number in revoked_numbers(claims.workshop_id, beside=revocations):
        return CodeCheck("revoked", claims, issuer,
                         f"certificate {claims.number} is on the issuer's revocation list")
    return CodeCheck("valid", claims, issuer, "the code's signature verifies")
