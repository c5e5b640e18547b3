"""The issuer of a workshop's certificates of completion, and its revocation list
(:mod:`.certificates`).

**Who signs.** The workshop's own *issuer*: an EC P-256 key and a self-signed certificate
``CN=bakhong – Đơn vị tổ chức lớp học <folder>, OU=<workshop id>, O=bakhong, C=VN`` (an end
entity, not a CA: it signs certificates of completion, not other certificates), made on
first use and kept beside the evidence key in ``$BAKHONG_HOME/keys/<workshop id>-issuer.pem``
(unencrypted PKCS #8) and ``…-issuer.crt`` (PEM), both mode 0600. It is deliberately *not*
the sandbox practice CA (:mod:`bakhong.simulators.pki`) that the signing lesson teaches
learners to distrust outside the classroom: neither trust domain verifies the other's
signatures. The PDF gets an invisible PAdES signature
(:func:`bakhong.simulators.pades.sign_pdf` with ``chain=[issuer certificate]``); invisible
because pades' visible stamp says «MÔ PHỎNG – KHÔNG CÓ GIÁ TRỊ PHÁP LÝ», which is true of
the practice papers, not of this record. The page prints who signed it instead.

**Revoking.** When a learner is forgotten (:func:`bakhong.grading.workshop.forget`) the
certificate issued to them is deleted from the workshop folder and its number goes on the
issuer's revocation list, ``$BAKHONG_HOME/keys/<workshop id>-revoked.txt``: one
certificate number a line, no name (the number is a hash of the workshop and learner
ids). :func:`write` puts a copy beside the issuer certificate it writes, so an official
given both files learns of it too. A code whose signature verifies but whose number is
listed is ``revoked``.
"""

from __future__ import annotations

import hashlib
import os
import random
import re
import unicodedata
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from bakhong.simulators import learners as learners_mod
from bakhong.simulators import pki
from bakhong.simulators.errors import N_, SandboxError
from bakhong.simulators.sandbox import Store

from . import keys

__all__ = [
    "ISSUER_META", "ISSUER_ORGANISATION", "ISSUER_TITLE", "ISSUER_YEARS", "REVOKED_SUFFIX",
    "IssuerMissing", "certificate_number", "find_issuer_certificate", "is_issuer_certificate",
    "issuer_credential", "issuer_paths", "publish_revocations", "revocation_path",
    "revoke_learner", "revoked_numbers", "workshop_of"
]

ISSUER_TITLE = "bakhong – Đơn vị tổ chức lớp học"
"""The issuer certificate's CN, before the workshop folder's name."""

ISSUER_ORGANISATION = "bakhong"
"""The issuer certificate's O; the sandbox CAs' is «bakhong (mô phỏng)»."""

ISSUER_YEARS = 20
_NUMBER_ALPHABET = learners_mod.READ_ALPHABET  # 32 characters, no look-alikes (0/O, 1/I)


class IssuerMissing(SandboxError):
    """The workshop's issuer key or certificate is not on this computer."""

    code = "certificate.issuer_missing"
    message = N_("Không tìm thấy khóa cấp giấy chứng nhận của lớp học này trên máy. Nếu lớp "
                 "học được chuyển từ máy khác, hãy khôi phục từ bản sao lưu (bakhong restore): "
                 "không tạo khóa mới, vì giấy đã cấp sẽ không còn khớp.")


# --- the issuer ----------------------------------------------------------------------------

def _workshop_id(workshop_id: str) -> str:
    """``workshop_id`` if it is a UUID in canonical form (it becomes a file name)."""
    try:
        canonical = str(uuid.UUID(workshop_id))
    except (ValueError, TypeError, AttributeError):
        canonical = ""
    if canonical != workshop_id:
        raise ValueError(f"not a workshop id: {workshop_id!r}")
    return canonical


def issuer_paths(workshop_id: str) -> tuple[Path, Path]:
    """Where the issuer's key and certificate live: ``$BAKHONG_HOME/keys/<id>-issuer.*``."""
    folder = keys.home() / "keys"
    name = _workshop_id(workshop_id)
    return folder / f"{name}-issuer.pem", folder / f"{name}-issuer.crt"


def _create_private(path: Path, data: bytes) -> bool:
    """Write ``data`` to a new file ``path`` (mode 0600) unless it exists; True if written.

    Written to a temporary file and hard-linked into place, so that two processes making
    the issuer at once never read a half-written file: one link wins, the other loads it.
    """
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    try:
        os.link(temporary, path)
    except FileExistsError:
        return False
    finally:
        temporary.unlink()
    return True


def _issuer_subject(workshop_id: str, workshop_name: str) -> x509.Name:
    common = f"{ISSUER_TITLE} {unicodedata.normalize('NFC', workshop_name).strip()}"
    return x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, ISSUER_ORGANISATION),
        x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, workshop_id),
        x509.NameAttribute(NameOID.COMMON_NAME, common[:64].rstrip()),
    ])


def _issuer_certificate(key: ec.EllipticCurvePrivateKey, *, workshop_id: str,
                        workshop_name: str, now: datetime) -> x509.Certificate:
    """The self-signed issuer certificate: valid from a day before ``now`` (clock skew)."""
    start = now.astimezone(UTC).replace(microsecond=0) - timedelta(days=1)
    name = _issuer_subject(workshop_id, workshop_name)
    public = key.public_key()
    usage = x509.KeyUsage(digital_signature=True, content_commitment=True,
                          key_encipherment=False, data_encipherment=False, key_agreement=False,
                          key_cert_sign=False, crl_sign=False, encipher_only=False,
                          decipher_only=False)
    builder = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
               .public_key(public).serial_number(pki.serial_number(random.SystemRandom()))
               .not_valid_before(start)
               .not_valid_after(start + timedelta(days=365 * ISSUER_YEARS))
               .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
               .add_extension(usage, critical=True)
               .add_extension(x509.ExtendedKeyUsage([pki.DOCUMENT_SIGNING]), critical=False)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(public),
                              critical=False))
    return builder.sign(key, hashes.SHA256())


def _load_issuer(workshop_id: str) -> pki.Credential:
    key_file, cert_file = issuer_paths(workshop_id)
    try:
        key = pki.load_private_key(key_file.read_bytes())
        certificate = pki.load_certificate(cert_file.read_bytes())
    except (OSError, ValueError) as err:
        raise IssuerMissing(f"{key_file}: {err}") from err
    if certificate.public_key() != key.public_key():
        raise IssuerMissing(f"{cert_file} does not belong to {key_file}")
    return pki.Credential(certificate, key)


#: The store's record of the workshop's issuer (``meta``): its certificate's SHA-256.
ISSUER_META = "certificate_issuer_sha256"


def issuer_credential(workshop_id: str, *, workshop_name: str, now: datetime,
                      store: Store) -> pki.Credential:
    """The workshop's issuer key and certificate.

    Made once (``init`` makes it; a workshop from an older kit makes it at its first
    certificate, ``now`` being its start) and recorded in the store. Once recorded it is never
    made again: on a laptop without it (a workshop copied rather than restored) this raises
    :class:`IssuerMissing`, since a new issuer would disown every certificate issued before.
    """
    key_file, cert_file = issuer_paths(workshop_id)
    recorded = store.get_meta(ISSUER_META)
    if recorded is None and not key_file.exists() and not cert_file.exists():
        _create_private(key_file, pki.private_key_pem(pki.new_key("ec")))
        key = pki.load_private_key(key_file.read_bytes())
        if not isinstance(key, ec.EllipticCurvePrivateKey):
            raise IssuerMissing(f"{key_file} is not an EC key")
        made = _issuer_certificate(key, workshop_id=workshop_id,
                                   workshop_name=workshop_name, now=now)
        _create_private(cert_file, pki.certificate_pem(made))
    credential = _load_issuer(workshop_id)
    fingerprint = credential.certificate.fingerprint(hashes.SHA256()).hex()
    if recorded is None:
        store.set_meta(ISSUER_META, fingerprint)
    elif recorded != fingerprint:
        raise IssuerMissing(f"{cert_file} is not the issuer this workshop recorded")
    return credential


def find_issuer_certificate(workshop_id: str) -> x509.Certificate | None:
    """The issuer certificate of ``workshop_id`` kept on this computer, or None."""
    try:
        return pki.load_certificate(issuer_paths(workshop_id)[1].read_bytes())
    except (OSError, ValueError):
        return None


def workshop_of(certificate: x509.Certificate) -> str:
    """The workshop id in an issuer certificate's OU, or ``""``."""
    values = certificate.subject.get_attributes_for_oid(NameOID.ORGANIZATIONAL_UNIT_NAME)
    value = values[0].value if values else ""
    return value if isinstance(value, str) else ""


def is_issuer_certificate(certificate: x509.Certificate, workshop_id: str | None = None) -> bool:
    """Whether ``certificate`` is a workshop issuer's (of ``workshop_id``, when given).

    The sandbox CAs are not: their organisation is «bakhong (mô phỏng)», and their keys are
    RSA; an issuer's key is EC P-256.
    """
    organisation = certificate.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)
    public = certificate.public_key()
    return (bool(organisation) and organisation[0].value == ISSUER_ORGANISATION
            and pki.common_name(certificate).startswith(ISSUER_TITLE)
            and isinstance(public, ec.EllipticCurvePublicKey)
            and isinstance(public.curve, ec.SECP256R1)
            and (workshop_id is None or workshop_of(certificate) == workshop_id))


# --- revocation ----------------------------------------------------------------------------

REVOKED_SUFFIX = "-revoked.txt"
_NUMBER = re.compile(r"BK-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}")


def revocation_path(workshop_id: str) -> Path:
    """The issuer's revocation list: ``$BAKHONG_HOME/keys/<workshop id>-revoked.txt``."""
    return keys.home() / "keys" / f"{_workshop_id(workshop_id)}{REVOKED_SUFFIX}"


def _read_numbers(path: Path) -> set[str]:
    try:
        lines = path.read_text(encoding="ascii").split()
    except (OSError, UnicodeDecodeError):
        return set()
    return {line for line in lines if _NUMBER.fullmatch(line)}


def revoked_numbers(workshop_id: str, *, beside: Path | None = None) -> frozenset[str]:
    """The certificate numbers the workshop's issuer revoked: its list on this computer,
    and the copy in the folder ``beside`` (where the issuer certificate was given)."""
    try:
        numbers = _read_numbers(revocation_path(workshop_id))
    except ValueError:
        return frozenset()
    if beside is not None:
        numbers |= _read_numbers(Path(beside) / f"{workshop_id}{REVOKED_SUFFIX}")
    return frozenset(numbers)


def _write_numbers(path: Path, numbers: set[str]) -> None:
    """The list, replaced atomically, mode 0600."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write("".join(f"{number}\n" for number in sorted(numbers)))
    os.replace(temporary, path)


def revoke_learner(workshop_id: str, learner_id: str) -> tuple[str, ...]:
    """Put the learner's certificate number on the revocation list; the numbers listed.

    Nothing is listed when the workshop never made its issuer (no certificate exists).
    """
    if not issuer_paths(workshop_id)[0].exists():
        return ()
    number = certificate_number(workshop_id, learner_id)
    path = revocation_path(workshop_id)
    _write_numbers(path, _read_numbers(path) | {number})
    return (number,)


def publish_revocations(workshop_id: str, folder: Path) -> Path | None:
    """Copy the revocation list beside the issuer certificate in ``folder``; its path,
    or None when nothing is revoked."""
    numbers = _read_numbers(revocation_path(workshop_id))
    if not numbers:
        return None
    path = Path(folder) / f"{_workshop_id(workshop_id)}{REVOKED_SUFFIX}"
    _write_numbers(path, numbers)
    return path


def certificate_number(workshop_id: str, learner_id: str) -> str:
    """``BK-XXXX-XXXX``: the same for a learner of a workshop whenever it is issued.

    40 bits of SHA-256 over the workshop id and the learner id, in the learner codes'
    alphabet (no 0/O or 1/I); never the learner code itself, which is a login secret.

    >>> certificate_number("1d12b398-e8da-4e64-ab2a-039cef23adcf", "hv001")
    'BK-JHA2-WC67'
    """
    digest = hashlib.sha256(f"{workshop_id}\x1f{learner_id}".encode()).digest()
    value = int.from_bytes(digest[:5], "big")
    letters = "".join(_NUMBER_ALPHABET[(value >> (5 * i)) & 31] for i in range(7, -1, -1))
    return f"BK-{letters[:4]}-{letters[4:]}"
