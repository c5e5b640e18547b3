"""poppler's ``pdfsig`` as an independent verifier: an NSS database, a run, a parsed report.

What ``pdfsig`` 22.12 (Debian 12) prints, read by running it on this suite's corpus::

    Digital Signature Info of: signed.pdf
    Signature #1:
      - Signature Field Name: Signature1
      - Signer Certificate Common Name: Lê Thị Hoa
      - Signer full Distinguished Name: UID=CCCD:000185012345,CN=Lê Thị Hoa,L=Thanh Hóa,C=VN
      - Signing Time: Nov 29 2026 23:08:40
      - Signing Hash Algorithm: SHA-256
      - Signature Type: ETSI.CAdES.detached
      - Signed Ranges: [0 - 54054], [66508 - 67023]
      - Total document signed            (or: Not total document signed)
      - Signature Validation: Signature is Valid.
      - Certificate Validation: Certificate is Trusted.

The exit code is 0 whatever the verdict: only the text tells. After "Digest Mismatch." and
"Signature is Invalid." there is no "Certificate Validation" line. Learned along the way:

* poppler asks NSS to verify the signer for the e-mail signing usage, so the root must be
  trusted for e-mail: ``-t ",C,"``. With ``-t "C,,"`` (SSL only) every sandbox signature
  reads "Certificate issuer isn't Trusted."
* pdfsig reads no revocation data from the PDF (neither the CMS nor the DSS) and fetches
  nothing without an OCSP address in the certificate: it reports a revoked certificate as
  "Certificate is Trusted." unless the CRL was imported into the NSS database
  (``crlutil -I``, which needs the issuing CA's certificate in the database first). Then it
  says "Certificate has been Revoked."
* pdfsig judges the certificate at the current time, not at the signing time: a
  certificate that expired or was revoked after signing is "Certificate has Expired" /
  "Certificate has been Revoked." there, while bakhong judges it at the signing time unless
  asked for another moment (``verify_pdf(at=...)``).
* The signing time is printed in the local time zone: run with ``TZ=UTC``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest

SIGNATURE_STATES = {
    "Signature is Valid.": "valid",
    "Signature is Invalid.": "invalid",
    "Digest Mismatch.": "digest_mismatch",
    "Document isn't signed or corrupted data.": "decoding_error",
    "Signature has not yet been verified.": "not_verified",
}
"""pdfsig's "Signature Validation" texts (poppler ``getReadableSigState``) → a short name."""

CERTIFICATE_STATES = {
    "Certificate is Trusted.": "trusted",
    "Certificate issuer isn't Trusted.": "untrusted_issuer",
    "Certificate issuer is unknown.": "unknown_issuer",
    "Certificate has been Revoked.": "revoked",
    "Certificate has Expired": "expired",
    "Certificate has not yet been verified.": "not_verified",
}
"""pdfsig's "Certificate Validation" texts (``getReadableCertState``) → a short name."""

UNTRUSTED = {"untrusted_issuer", "unknown_issuer"}


@dataclass
class PdfsigSignature:
    """One "Signature #N" block of pdfsig's report."""

    number: int
    lines: list[str] = field(default_factory=list)
    fields: dict[str, str] = field(default_factory=dict)
    total_document_signed: bool | None = None
    unsigned_field: bool = False

    @property
    def signature(self) -> str:
        """The short name of "Signature Validation" ("unknown" for a text not known here)."""
        text = self.fields.get("Signature Validation")
        return "missing" if text is None else SIGNATURE_STATES.get(text, "unknown")

    @property
    def certificate(self) -> str | None:
        """The short name of "Certificate Validation", ``None`` when pdfsig printed none."""
        text = self.fields.get("Certificate Validation")
        return None if text is None else CERTIFICATE_STATES.get(text, "unknown")

    @property
    def signing_time(self) -> datetime | None:
        """"Signing Time" read as UTC (pdfsig runs with ``TZ=UTC`` here)."""
        text = self.fields.get("Signing Time")
        if text is None:
            return None
        return datetime.strptime(text, "%b %d %Y %H:%M:%S").replace(tzinfo=UTC)


@dataclass
class PdfsigReport:
    text: str
    signatures: list[PdfsigSignature]


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed (make test installs poppler-utils, "
                    "libnss3-tools)")
    return path


def _run(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, capture_output=True, text=True, check=True, timeout=60,
                          env={**os.environ, "TZ": "UTC", "LC_ALL": "C.UTF-8"})


def nss_database(folder: Path, *, roots: Sequence[Path], intermediates: Sequence[Path] = (),
                 crls: Sequence[Path] = ()) -> str:
    """A new NSS database in ``folder`` trusting ``roots`` for e-mail signing; the
    ``intermediates`` known but not trusted, the ``crls`` (DER) imported. Returns the
    ``-nssdir`` argument (``sql:FOLDER``)."""
    folder.mkdir(parents=True, exist_ok=True)
    where = f"sql:{folder}"
    certutil, crlutil = tool("certutil"), tool("crlutil")
    _run(certutil, "-N", "-d", where, "--empty-password")
    for index, root in enumerate(roots):
        _run(certutil, "-A", "-d", where, "-n", f"root{index}", "-t", ",C,", "-i", str(root))
    for index, cert in enumerate(intermediates):
        _run(certutil, "-A", "-d", where, "-n", f"ca{index}", "-t", ",,", "-i", str(cert))
    for crl in crls:
        _run(crlutil, "-I", "-d", where, "-i", str(crl))
    return where


_BLOCK = re.compile(r"^Signature #(\d+):\s*$")
_ITEM = re.compile(r"^\s*-\s*(.*?)\s*$")


def parse(text: str) -> PdfsigReport:
    """pdfsig's text, cut into signature blocks; each ``- Key: value`` line becomes a field.

    Lines not understood are kept (``lines``) and ignored, so that a new line in a later
    poppler does not break the parser; the tests assert on the fields they need.
    """
    signatures: list[PdfsigSignature] = []
    for line in text.splitlines():
        block = _BLOCK.match(line)
        if block:
            signatures.append(PdfsigSignature(int(block.group(1))))
            continue
        item = _ITEM.match(line)
        if not signatures or not item:
            continue
        current, body = signatures[-1], item.group(1)
        current.lines.append(body)
        if body == "Total document signed":
            current.total_document_signed = True
        elif body == "Not total document signed":
            current.total_document_signed = False
        elif body.startswith("The signature form field is not signed"):
            current.unsigned_field = True
        elif ": " in body:
            key, value = body.split(": ", 1)
            current.fields[key.strip()] = value.strip()
    return PdfsigReport(text, signatures)


def pdfsig(pdf: Path, nssdir: str) -> PdfsigReport:
    """``pdfsig -nssdir NSSDIR -no-ocsp PDF``, parsed (never fetches: no OCSP, no AIA)."""
    result = _run(tool("pdfsig"), "-nssdir", nssdir, "-no-ocsp", str(pdf))
    return parse(result.stdout)
