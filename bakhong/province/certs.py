"""The province's TLS certificate for a test set-up: self-signed, pinned at registration.

A province in production serves with a certificate from a public authority and the laptops
check it against the system's trust store. A test set-up (or a province's own network) can
use :func:`self_signed`: its PEM goes into every registration file, and the laptop trusts
that certificate alone for that address (:mod:`.client`), checking its SHA-256 too.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

__all__ = ["der_sha256", "self_signed"]


def _name(host: str) -> x509.GeneralName:
    try:
        return x509.IPAddress(ipaddress.ip_address(host))
    except ValueError:
        return x509.DNSName(host)


def self_signed(hosts: list[str], cert_path: Path, key_path: Path, *, days: int = 825,
                now: dt.datetime | None = None) -> str:
    """Write a self-signed certificate for ``hosts`` (names or addresses) and its key;
    returns the certificate's PEM."""
    key = ec.generate_private_key(ec.SECP256R1())
    now = now or dt.datetime.now(dt.UTC)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, hosts[0]),
                         x509.NameAttribute(NameOID.ORGANIZATION_NAME, "bakhong province")])
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=days))
            .add_extension(x509.SubjectAlternativeName([_name(h) for h in hosts]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .sign(key, hashes.SHA256()))
    pem = cert.public_bytes(serialization.Encoding.PEM)
    Path(cert_path).write_bytes(pem)
    key_bytes = key.private_bytes(serialization.Encoding.PEM,
                                  serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption())
    Path(key_path).touch(mode=0o600)
    Path(key_path).write_bytes(key_bytes)
    return pem.decode("ascii")


def der_sha256(pem: str) -> str:
    cert = x509.load_pem_x509_certificate(pem.encode("ascii"))
    return hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest()
