"""What the province says about a package: accepted, unchanged, or refused with a reason.

A refusal is an expected outcome, so it is a value (:class:`Verdict` with a
:class:`Reason`); inside the checks it travels as :class:`Refused` and becomes a value at
the boundary (:func:`bakhong.province.ingest.receive`). Every reason reads the same way in a
terminal, an HTTP answer and the officials' audit list: Vietnamese, then English.

>>> print(REASONS["stale"].text(seq=3, last=5))
Gói này cũ hơn gói đã nhận của lớp học (số 3, đã nhận số 5): có thể là gói gửi lại từ \
trạng thái cũ. Không nhận.
  This package is older than the one already received from the workshop (number 3, received \
5): it may be a replay of an older state. Refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

__all__ = ["ACCEPTED", "REASONS", "REFUSED", "UNCHANGED", "Reason", "Refused", "Verdict"]

ACCEPTED, UNCHANGED, REFUSED = "accepted", "unchanged", "refused"


@dataclass(frozen=True)
class Reason:
    code: str
    vi: str
    en: str

    def text(self, **params: Any) -> str:
        return f"{self.vi.format(**params)}\n  {self.en.format(**params)}"


def _reasons(*items: Reason) -> MappingProxyType[str, Reason]:
    return MappingProxyType({item.code: item for item in items})


REASONS = _reasons(
    Reason("truncated",
           "Gói bị cắt ngắn (không trọn vẹn): không nhận phần nào. Hãy gửi lại toàn bộ gói.",
           "The package is cut short: nothing of it was taken. Send the whole package again."),
    Reason("malformed",
           "Tệp này không phải gói kết quả của bakhong, hoặc đã hỏng ({why}).",
           "This is not a bakhong results package, or it is damaged ({why})."),
    Reason("too_large",
           "Gói quá lớn ({size} byte, tối đa {limit}).",
           "The package is too large ({size} bytes, at most {limit})."),
    Reason("version",
           "Gói được tạo bởi phiên bản bakhong khác (định dạng {version}); hãy cập nhật bakhong.",
           "The package was made by another bakhong version (format {version}); update bakhong."),
    Reason("unsigned",
           "Gói không có chữ ký của lớp học: không nhận.",
           "The package is not signed by its workshop: refused."),
    Reason("unregistered",
           "Lớp học {workshop} chưa đăng ký với tỉnh: không nhận. Cán bộ tỉnh đăng ký lớp bằng "
           "«bakhong province register».",
           "Workshop {workshop} is not registered with the province: refused. The province "
           "registers it with «bakhong province register»."),
    Reason("revoked",
           "Đăng ký của lớp học {workshop} đã bị thu hồi ({when}): không nhận.",
           "Workshop {workshop}'s registration was revoked ({when}): refused."),
    Reason("bad_signature",
           "Chữ ký không khớp: gói đã bị sửa sau khi ký, hoặc không phải do lớp học {workshop} "
           "ký. Không nhận.",
           "The signature does not match: the package was changed after it was signed, or was "
           "not signed by workshop {workshop}. Refused."),
    Reason("wrong_token",
           "Mã đăng ký gửi kèm không phải của lớp học {workshop}: không nhận.",
           "The registration token sent is not workshop {workshop}'s: refused."),
    Reason("no_token",
           "Thiếu hoặc sai mã đăng ký của lớp học: không nhận.",
           "The workshop's registration token is missing or wrong: refused."),
    Reason("stale",
           "Gói này cũ hơn gói đã nhận của lớp học (số {seq}, đã nhận số {last}): có thể là gói "
           "gửi lại từ trạng thái cũ. Không nhận.",
           "This package is older than the one already received from the workshop (number "
           "{seq}, received {last}): it may be a replay of an older state. Refused."),
    Reason("conflict",
           "Lớp học đã gửi một gói khác mang cùng số {seq}: không nhận.",
           "The workshop already sent another package with the same number {seq}: refused."),
    Reason("pseudonym_key",
           "Gói dùng khóa bí danh khác với khóa của tỉnh ({found}, tỉnh dùng {expected}): cùng "
           "một người sẽ bị đếm hai lần. Không nhận; hãy cài khóa bí danh của tỉnh cho lớp học.",
           "The package uses another pseudonym key than the province's ({found}, the province "
           "uses {expected}): one resident would be counted twice. Refused; install the "
           "province's pseudonym key for the workshop."),
    Reason("content",
           "Nội dung gói không hợp lệ ở mục «{field}»: {why}. Không nhận phần nào.",
           "The package's content is invalid at «{field}»: {why}. Nothing of it was taken."),
)


class Refused(Exception):
    """A package refused whole, with its reason (turned into a :class:`Verdict`)."""

    def __init__(self, code: str, **params: Any) -> None:
        self.reason = REASONS[code]
        self.params = {key: str(value) for key, value in params.items()}
        super().__init__(self.text())

    def text(self) -> str:
        return self.reason.text(**self.params)


@dataclass(frozen=True)
class Verdict:
    """What happened to one package: ``status`` is accepted, unchanged or refused."""

    status: str
    workshop: str | None = None
    seq: int | None = None
    code: str | None = None  # the reason's code when refused
    params: dict[str, str] = field(default_factory=dict)
    residents: int = 0

    @classmethod
    def refused(cls, err: Refused, workshop: str | None = None,
                seq: int | None = None) -> Verdict:
        return cls(REFUSED, workshop, seq, err.reason.code, dict(err.params))

    @property
    def ok(self) -> bool:
        return self.status != REFUSED

    def text(self) -> str:
        """One line or two for a terminal: Vietnamese, then English."""
        if self.code is not None:
            return REASONS[self.code].text(**self.params)
        if self.status == UNCHANGED:
            return (f"Gói số {self.seq} của lớp {self.workshop} đã nhận trước đó: không có gì "
                    f"thay đổi.\n  Package {self.seq} of workshop {self.workshop} was already "
                    f"received: nothing changed.")
        return (f"Đã nhận gói số {self.seq} của lớp {self.workshop} ({self.residents} học "
                f"viên).\n  Package {self.seq} of workshop {self.workshop} accepted "
                f"({self.residents} residents).")

    def as_json(self) -> dict[str, Any]:
        found: dict[str, Any] = {"status": self.status, "workshop": self.workshop,
                                 "seq": self.seq, "residents": self.residents}
        if self.code is not None:
            reason = REASONS[self.code]
            found.update(code=self.code, params=self.params,
                         message_vi=reason.vi.format(**self.params),
                         message_en=reason.en.format(**self.params))
        return found
