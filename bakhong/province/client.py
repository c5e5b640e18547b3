"""Posting a package to the province over HTTPS, the address checked.

With a pinned certificate (a self-signed province, :mod:`.certs`) the laptop trusts that
certificate alone, for that address (the host name or IP must be in it), and compares the
certificate the server shows with the pinned one byte for byte (SHA-256); without one, the
system's trust store and the host name decide, as a browser would. Plain HTTP is refused.
The answer is the province's :class:`~.verdicts.Verdict` as JSON; a network failure is
:class:`ProvinceUnreachable`, a certificate that does not match :class:`ProvinceNotTrusted`.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import ssl
from typing import Any
from urllib.parse import urlsplit

from bakhong.simulators.errors import N_, SandboxError

from .certs import der_sha256

__all__ = ["PACKAGES_PATH", "ProvinceNotTrusted", "ProvinceUnreachable", "post_package"]

PACKAGES_PATH = "/api/v1/packages"


class ProvinceUnreachable(SandboxError):
    code = "province.unreachable"
    message = N_("Không kết nối được máy chủ của tỉnh ({why}). Khi không có mạng, ghi gói ra "
                 "tệp: bakhong sync LỚP --out TỆP, rồi gửi tệp cho tỉnh.")


class ProvinceNotTrusted(SandboxError):
    code = "province.not_trusted"
    message = N_("Máy chủ ở địa chỉ này không phải máy chủ của tỉnh đã đăng ký (chứng chỉ "
                 "không khớp: {why}). Không gửi gì.")


def _context(certificate: str | None) -> ssl.SSLContext:
    if certificate is None:
        return ssl.create_default_context()
    context = ssl.create_default_context(cadata=certificate)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


def post_package(url: str, data: bytes, token: str, *, certificate: str | None,
                 timeout: float = 60.0) -> tuple[int, dict[str, Any]]:
    """POST ``data`` to the province at ``url``; (HTTP status, the verdict as JSON)."""
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        raise ProvinceNotTrusted(url, why="địa chỉ phải là https:// / the address must be "
                                          "https://")
    connection = http.client.HTTPSConnection(parts.hostname, parts.port or 443,
                                             timeout=timeout, context=_context(certificate))
    try:
        try:
            connection.connect()
        except ssl.SSLError as err:
            raise ProvinceNotTrusted(url, why=err.reason or str(err)) from err
        if certificate is not None:
            shown = connection.sock.getpeercert(binary_form=True) or b""
            if hashlib.sha256(shown).hexdigest() != der_sha256(certificate):
                raise ProvinceNotTrusted(url, why="không phải chứng chỉ đã ghim / not the "
                                                  "pinned certificate")
        connection.request("POST", parts.path.rstrip("/") + PACKAGES_PATH, body=data,
                           headers={"Authorization": f"Bearer {token}",
                                    "Content-Type": "application/json"})
        response = connection.getresponse()
        body = response.read()
    except (OSError, http.client.HTTPException) as err:
        if isinstance(err, ssl.SSLCertVerificationError):
            raise ProvinceNotTrusted(url, why=err.verify_message or str(err)) from err
        raise ProvinceUnreachable(url, why=type(err).__name__) from err
    finally:
        connection.close()
    try:
        answer = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ProvinceUnreachable(url, why=f"HTTP {response.status}") from None
    return response.status, answer
