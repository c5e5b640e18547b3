"""The workshop's sandbox PKI: a root CA, an issuing CA, personal certificates and a CRL.

Built with ``cryptography``, one per workshop, so that learners sign real PAdES signatures
(:mod:`bakhong.simulators.pades`) that no real verifier can mistake for a real CA's:

* **Marked as sandbox everywhere.** Both CAs are named ``bakhong SANDBOX … – KHÔNG DÙNG
  THẬT`` ("do not use for real"), ``O=bakhong (mô phỏng)``, ``C=VN``, the workshop in
  ``OU``; every certificate carries the certificate policy :data:`SANDBOX_POLICY` with a
  user notice saying so. No operating system or browser trusts the root.
* **The policy arc.** :data:`SANDBOX_ARC` is ``2.25.<UUID>``: an OID made from a UUID under
  ITU-T X.667 / ISO/IEC 9834-8, which anyone may mint **without registration**. It is not
  registered anywhere and never will be; it is used instead of an IANA private enterprise
  number (``1.3.6.1.4.1.N``) because every such number belongs to some organisation.
  Below it: ``.1.1`` the certificate policy "bakhong sandbox, version 1".
* **Personal certificates** carry what Vietnamese personal certificates carry: ``CN`` the
  full name, ``UID=CCCD:<12-digit id>`` (only sandbox numbers, province code ``000``;
  others raise :class:`~bakhong.simulators.errors.NotInSandbox`), ``L`` the province,
  ``C=VN``; key usage digitalSignature + nonRepudiation (critical); extended key usage
  emailProtection and documentSigning (RFC 9336). emailProtection is there because poppler
  (``pdfsig``, Okular, Evince) asks NSS to verify the signer for the e-mail signing usage,
  which fails on a certificate whose extended key usage lacks it. The CRL distribution
  point is :data:`CRL_URL`, under the reserved ``.invalid`` domain: nothing is ever fetched.
* **Keys.** RSA 2048 by default: what Vietnamese public CAs issue on USB tokens and for
  remote signing, and read by every PDF reader, pyHanko and poppler/NSS alike. EC P-256
  (``kind="ec"``) is offered too (faster to make, also handled by both).
* **Determinism.** ``cryptography`` cannot seed key generation, so keys differ on every
  run; that is accepted (nothing random is ever compared). Everything else comes from the
  caller: serial numbers from the injected ``random.Random``, every time from ``now`` (or
  an explicit validity); this module never reads the clock.
* **Revocation.** :meth:`SandboxPKI.revoke` records ``(serial, at)``; :meth:`SandboxPKI.crl`
  is the issuing CA's CRL at ``now`` listing the revocations in force by then. The root
  publishes no CRL: the issuing CA is replaced by building a new PKI.
* **Persistence.** Pure functions turn certificates, keys and CRLs into PEM/DER bytes and
  back (the store layer keeps them as blobs); :meth:`SandboxPKI.to_bytes` is a deterministic
  JSON document of PEMs. **Private keys are stored unencrypted**: they sign fictional
  papers in a classroom, and a password would only be one more thing to lose.

>>> import random
>>> from datetime import datetime
>>> from bakhong.simulators.clock import VN_TZ
>>> now = datetime(2026, 11, 28, 8, 0, tzinfo=VN_TZ)
>>> pki = SandboxPKI.create("lop-tho-long", now=now, rng=random.Random(1), kind="ec")
>>> hoa = pki.issue(full_name="Lê Thị Hoa", id_number="000185012345",
...                 province="Thanh Hóa", now=now, rng=random.Random(2), kind="ec")
>>> common_name(hoa.certificate), id_number_of(hoa.certificate)
('Lê Thị Hoa', '000185012345')
>>> hoa.certificate.not_valid_after_utc.isoformat()
'2027-11-28T01:00:00+00:00'
>>> SandboxPKI.from_bytes(pki.to_bytes()).to_bytes() == pki.to_bytes()
True
>>> pki.issue(full_name="X", id_number="038185012345", province="Thanh Hóa", now=now,
...           rng=random.Random(3))
Traceback (most recent call last):
...
bakhong.simulators.errors.NotInSandbox: Số này không có trong dữ liệu thực hành. ...
"""

from __future__ import annotations

import json
import random
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Literal

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from . import idnumber
from .errors import NotInSandbox

__all__ = [
    "CRL_URL", "DOCUMENT_SIGNING", "ROOT_NAME", "SANDBOX_ARC", "SANDBOX_POLICY",
    "Credential", "KeyKind", "PrivateKey", "SandboxPKI", "certificate_der",
    "certificate_pem", "common_name", "crl_der", "id_number_of", "issuing_certificate",
    "load_certificate", "load_crl", "load_private_key", "new_key", "personal_certificate",
    "private_key_der", "private_key_pem", "revocation_list", "root_certificate", "serial_number",
]

SANDBOX_ARC = "2.25.38644715887280381337530945268302982607"
"""bakhong's own OID arc, ``2.25.<UUID 1d12b398-e8da-4e64-ab2a-039cef23adcf>`` (X.667)."""

SANDBOX_POLICY = x509.ObjectIdentifier(f"{SANDBOX_ARC}.1.1")
"""Certificate policy of every sandbox certificate: "bakhong sandbox, version 1"."""

DOCUMENT_SIGNING = x509.ObjectIdentifier("1.3.6.1.5.5.7.3.36")
"""id-kp-documentSigning (RFC 9336)."""

CRL_URL = "http://ca.bakhong.invalid/sandbox.crl"
"""The CRL distribution point written into personal certificates; never fetched."""

ROOT_NAME = "bakhong SANDBOX Root CA – KHÔNG DÙNG THẬT"
ISSUER_NAME = "bakhong SANDBOX Issuing CA – KHÔNG DÙNG THẬT"
ORGANISATION = "bakhong (mô phỏng)"
NOTICE = "MÔ PHỎNG – KHÔNG DÙNG THẬT / sandbox certificate, not for real use"
FORMAT = "bakhong.sandbox-pki/1"

KeyKind = Literal["rsa", "ec"]
PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


@dataclass(frozen=True)
class Credential:
    """A certificate and its private key: a CA, or a persona's signing credential."""

    certificate: x509.Certificate
    key: PrivateKey

    @property
    def serial(self) -> int:
        return self.certificate.serial_number


# --- pure functions: keys, names, certificates, CRLs -------------------------------------

def new_key(kind: KeyKind = "rsa") -> PrivateKey:
    """A fresh key pair: RSA 2048 (``"rsa"``) or EC P-256 (``"ec"``). Not seedable."""
    if kind == "rsa":
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    if kind == "ec":
        return ec.generate_private_key(ec.SECP256R1())
    raise ValueError(f"kind must be 'rsa' or 'ec', not {kind!r}")


def serial_number(rng: random.Random) -> int:
    """A positive 63-bit certificate serial number drawn from ``rng``.

    >>> serial_number(random.Random(0)) == serial_number(random.Random(0))
    True
    """
    return rng.randrange(1 << 62, 1 << 63)


def _utc(moment: datetime, name: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} needs a time zone (e.g. +07:00), got {moment}")
    return moment.astimezone(UTC).replace(microsecond=0)


def _ca_name(common: str, workshop: str) -> x509.Name:
    return x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, ORGANISATION),
        x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, (workshop or "bakhong")[:64]),
        x509.NameAttribute(NameOID.COMMON_NAME, common),
    ])


def _policies() -> x509.CertificatePolicies:
    notice = x509.UserNotice(notice_reference=None, explicit_text=NOTICE)
    return x509.CertificatePolicies([x509.PolicyInformation(SANDBOX_POLICY, [notice])])


def _sign(builder: x509.CertificateBuilder, key: PrivateKey) -> x509.Certificate:
    return builder.sign(key, hashes.SHA256())


def root_certificate(key: PrivateKey, *, workshop: str, now: datetime, rng: random.Random,
                     years: int = 20) -> x509.Certificate:
    """The self-signed sandbox root, valid ``years`` from ``now``."""
    start = _utc(now, "now")
    name = _ca_name(ROOT_NAME, workshop)
    public = key.public_key()
    builder = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
               .public_key(public).serial_number(serial_number(rng))
               .not_valid_before(start).not_valid_after(start + timedelta(days=365 * years))
               .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
               .add_extension(_ca_usage(), critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
               .add_extension(_policies(), critical=False))
    return _sign(builder, key)


def _ca_usage() -> x509.KeyUsage:
    return x509.KeyUsage(digital_signature=False, content_commitment=False,
                         key_encipherment=False, data_encipherment=False, key_agreement=False,
                         key_cert_sign=True, crl_sign=True, encipher_only=False,
                         decipher_only=False)


def _issued_by(builder: x509.CertificateBuilder, issuer: Credential,
               public: rsa.RSAPublicKey | ec.EllipticCurvePublicKey) -> x509.CertificateBuilder:
    issuer_public = issuer.key.public_key()
    return (builder.issuer_name(issuer.certificate.subject).public_key(public)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_public),
                           critical=False)
            .add_extension(_policies(), critical=False))


def issuing_certificate(public: rsa.RSAPublicKey | ec.EllipticCurvePublicKey, *,
                        root: Credential, workshop: str, now: datetime, rng: random.Random,
                        years: int = 10) -> x509.Certificate:
    """The issuing CA's certificate, signed by ``root``, valid ``years`` from ``now``."""
    start = _utc(now, "now")
    builder = (x509.CertificateBuilder().subject_name(_ca_name(ISSUER_NAME, workshop))
               .serial_number(serial_number(rng)).not_valid_before(start)
               .not_valid_after(min(start + timedelta(days=365 * years),
                                    root.certificate.not_valid_after_utc))
               .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
               .add_extension(_ca_usage(), critical=True))
    return _sign(_issued_by(builder, root, public), root.key)


def _sandbox_id(number: str) -> str:
    compact = idnumber.compact(number)
    if not idnumber.is_sandbox(compact):
        raise NotInSandbox("id_number is not a sandbox number (province code 000)")
    return compact


def personal_certificate(public: rsa.RSAPublicKey | ec.EllipticCurvePublicKey, *,
                         issuer: Credential, full_name: str, id_number: str, province: str,
                         now: datetime, rng: random.Random, email: str | None = None,
                         valid_from: datetime | None = None,
                         valid_until: datetime | None = None) -> x509.Certificate:
    """A persona's personal signing certificate, issued by ``issuer``.

    Valid from ``valid_from`` (default ``now``) to ``valid_until`` (default a year after
    ``now``); both must lie inside the issuer's validity (``ValueError`` otherwise).
    ``email``, when given, goes into the subject alternative name.
    """
    number = _sandbox_id(id_number)
    name = unicodedata.normalize("NFC", full_name).strip()
    if not name or not province.strip():
        raise ValueError("full_name and province must not be empty")
    start = _utc(valid_from or now, "valid_from")
    end = _utc(valid_until or now + timedelta(days=365), "valid_until")
    issuer_cert = issuer.certificate
    if not issuer_cert.not_valid_before_utc <= start < end <= issuer_cert.not_valid_after_utc:
        raise ValueError(f"validity {start} … {end} is empty or outside the issuer's")
    usage = x509.KeyUsage(digital_signature=True, content_commitment=True,
                          key_encipherment=False, data_encipherment=False, key_agreement=False,
                          key_cert_sign=False, crl_sign=False, encipher_only=False,
                          decipher_only=False)
    subject = x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
        x509.NameAttribute(NameOID.LOCALITY_NAME, unicodedata.normalize("NFC", province)),
        x509.NameAttribute(NameOID.COMMON_NAME, name),
        x509.NameAttribute(NameOID.USER_ID, f"CCCD:{number}"),
    ])
    point = x509.DistributionPoint(full_name=[x509.UniformResourceIdentifier(CRL_URL)],
                                   relative_name=None, reasons=None, crl_issuer=None)
    builder = (x509.CertificateBuilder().subject_name(subject)
               .serial_number(serial_number(rng)).not_valid_before(start).not_valid_after(end)
               .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
               .add_extension(usage, critical=True)
               .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION,
                                                     DOCUMENT_SIGNING]), critical=False)
               .add_extension(x509.CRLDistributionPoints([point]), critical=False))
    if email:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.RFC822Name(email)]), critical=False)
    return _sign(_issued_by(builder, issuer, public), issuer.key)


def revocation_list(issuer: Credential, revoked: dict[int, datetime], *, now: datetime,
                    valid_for: timedelta = timedelta(days=7)) -> x509.CertificateRevocationList:
    """The issuer's CRL at ``now``: each ``serial → revocation time`` not after ``now``.

    The CRL number is ``now`` in whole seconds since 1970, so later CRLs have larger numbers.
    """
    start = _utc(now, "now")
    builder = (x509.CertificateRevocationListBuilder()
               .issuer_name(issuer.certificate.subject)
               .last_update(start).next_update(start + valid_for)
               .add_extension(x509.CRLNumber(int(start.timestamp())), critical=False)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                   issuer.key.public_key()), critical=False))
    for serial, at in sorted(revoked.items()):
        when = _utc(at, "revocation time")
        if when <= start:
            builder = builder.add_revoked_certificate(
                x509.RevokedCertificateBuilder().serial_number(serial)
                .revocation_date(when).build())
    return builder.sign(issuer.key, hashes.SHA256())


def certificate_pem(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.PEM)


def certificate_der(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.DER)


def load_certificate(data: bytes) -> x509.Certificate:
    """A certificate from PEM or DER bytes (``ValueError`` if it is neither)."""
    if data.lstrip().startswith(b"-----BEGIN"):
        return x509.load_pem_x509_certificate(data)
    return x509.load_der_x509_certificate(data)


def private_key_pem(key: PrivateKey) -> bytes:
    """PKCS #8 PEM, **unencrypted** (see the module notes)."""
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def private_key_der(key: PrivateKey) -> bytes:
    """PKCS #8 DER, **unencrypted**."""
    return key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def load_private_key(data: bytes) -> PrivateKey:
    key = serialization.load_pem_private_key(data, password=None)
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise ValueError(f"unsupported key type {type(key).__name__}")
    return key


def crl_der(crl: x509.CertificateRevocationList) -> bytes:
    return crl.public_bytes(serialization.Encoding.DER)


def load_crl(data: bytes) -> x509.CertificateRevocationList:
    """A CRL from DER or PEM bytes."""
    if data.lstrip().startswith(b"-----BEGIN"):
        return x509.load_pem_x509_crl(data)
    return x509.load_der_x509_crl(data)


def _attribute(certificate: x509.Certificate, oid: x509.ObjectIdentifier) -> str:
    values = certificate.subject.get_attributes_for_oid(oid)
    value = values[0].value if values else ""
    return value if isinstance(value, str) else value.decode("utf-8", "replace")


def common_name(certificate: x509.Certificate) -> str:
    """The subject's CN (the signer's full name), or ``""``."""
    return _attribute(certificate, NameOID.COMMON_NAME)


def id_number_of(certificate: x509.Certificate) -> str:
    """The 12-digit number of the subject's ``UID=CCCD:…`` (or ``CMND:``), or ``""``."""
    value = _attribute(certificate, NameOID.USER_ID)
    kind, _, number = value.partition(":")
    return number.strip() if kind.strip().upper() in {"CCCD", "CMND"} else ""


# --- the workshop's PKI ------------------------------------------------------------------

@dataclass
class SandboxPKI:
    """A workshop's root CA, issuing CA and revocations (mutable: :meth:`revoke` adds one)."""

    workshop: str
    root: Credential
    issuer: Credential
    revocations: dict[int, datetime] = field(default_factory=dict)

    @classmethod
    def create(cls, workshop: str, *, now: datetime, rng: random.Random,
               kind: KeyKind = "rsa") -> SandboxPKI:
        """A new root (20 years) and issuing CA (10 years), both from ``now``."""
        root_key = new_key(kind)
        root = Credential(root_certificate(root_key, workshop=workshop, now=now, rng=rng),
                          root_key)
        issuer_key = new_key(kind)
        issuer = Credential(issuing_certificate(issuer_key.public_key(), root=root,
                                                workshop=workshop, now=now, rng=rng),
                            issuer_key)
        return cls(workshop, root, issuer)

    @property
    def chain(self) -> tuple[x509.Certificate, x509.Certificate]:
        """What a signature embeds above the signer: (issuing CA, root)."""
        return self.issuer.certificate, self.root.certificate

    def issue(self, *, full_name: str, id_number: str, province: str, now: datetime,
              rng: random.Random, email: str | None = None, valid_from: datetime | None = None,
              valid_until: datetime | None = None, kind: KeyKind = "rsa") -> Credential:
        """A new key pair and personal certificate for a persona (see
        :func:`personal_certificate`)."""
        key = new_key(kind)
        certificate = personal_certificate(
            key.public_key(), issuer=self.issuer, full_name=full_name, id_number=id_number,
            province=province, now=now, rng=rng, email=email, valid_from=valid_from,
            valid_until=valid_until)
        return Credential(certificate, key)

    def revoke(self, serial: int, at: datetime) -> None:
        """Record that the certificate ``serial`` is revoked from ``at`` on."""
        self.revocations[serial] = _utc(at, "at")

    def crl(self, now: datetime) -> bytes:
        """The issuing CA's CRL at ``now``, DER-encoded."""
        return crl_der(revocation_list(self.issuer, self.revocations, now=now))

    def to_bytes(self) -> bytes:
        """A deterministic JSON document of PEMs (keys unencrypted) and revocations."""
        def pair(credential: Credential) -> dict[str, str]:
            return {"certificate": certificate_pem(credential.certificate).decode("ascii"),
                    "private_key": private_key_pem(credential.key).decode("ascii")}

        document = {
            "format": FORMAT, "workshop": self.workshop,
            "root": pair(self.root), "issuer": pair(self.issuer),
            "revocations": [{"serial": str(serial), "at": at.isoformat()}
                            for serial, at in sorted(self.revocations.items())],
        }
        return json.dumps(document, ensure_ascii=False, sort_keys=True, indent=1).encode()

    @classmethod
    def from_bytes(cls, data: bytes) -> SandboxPKI:
        """Read :meth:`to_bytes`' document back (``ValueError`` if it is not one)."""
        try:
            document = json.loads(data)
            if document.get("format") != FORMAT:
                raise ValueError(f"not a {FORMAT} document")

            def pair(part: dict[str, str]) -> Credential:
                return Credential(load_certificate(part["certificate"].encode("ascii")),
                                  load_private_key(part["private_key"].encode("ascii")))

            return cls(str(document["workshop"]), pair(document["root"]),
                       pair(document["issuer"]),
                       {int(item["serial"]): datetime.fromisoformat(item["at"])
                        for item in document["revocations"]})
        except (KeyError, TypeError, AttributeError, UnicodeError) as err:
            raise ValueError(f"not a sandbox PKI document: {err!r}") from err
