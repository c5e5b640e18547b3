"""The typed errors of the sandbox.

Every refusal a learner can meet is a subclass of :class:`SandboxError` with a
stable ``code`` and a plain Vietnamese ``message`` (the gettext source string;
widgets translate it). Callers tell failures apart by type, never by text.
"""

from __future__ import annotations

from typing import ClassVar


def N_(message: str) -> str:
    """Mark a string for translation without translating it (gettext's ``N_``)."""
    return message


class SandboxError(Exception):
    """Base of every error a learner or trainer can meet in the sandbox."""

    code: ClassVar[str] = "sandbox.error"
    message: ClassVar[str] = N_("Đã có lỗi trong ứng dụng mô phỏng. Vui lòng thử lại.")

    def __init__(self, detail: str = "", **params: object) -> None:
        self.detail = detail
        self.params = params
        super().__init__(detail or self.message)

    def __str__(self) -> str:
        text = self.message.format(**self.params) if self.params else self.message
        return f"{text} ({self.detail})" if self.detail else text


class StoreError(SandboxError):
    code = "store.error"
    message = N_("Không lưu được dữ liệu thực hành. Vui lòng thử lại.")


class StoreBusy(StoreError):
    code = "store.busy"
    message = N_("Hệ thống đang bận. Vui lòng đợi vài giây rồi thử lại.")


class SchemaTooNew(StoreError):
    code = "store.schema_too_new"
    message = N_("Dữ liệu khóa học được tạo bởi phiên bản bakhong mới hơn. Hãy cập nhật bakhong.")


class UnknownLearner(SandboxError):
    code = "learner.unknown"
    message = N_("Không tìm thấy học viên với mã này. Hãy kiểm tra lại mã trên thẻ học viên.")


class ConsentRequired(SandboxError):
    code = "consent.required"
    message = N_("Bạn cần đọc và đồng ý với thông báo về dữ liệu trước khi thực hành.")


class NotInSandbox(SandboxError):
    """Anything typed that is not a sandbox persona's data: refused, never stored."""

    code = "sandbox.not_persona"
    message = N_(
        "Số này không có trong dữ liệu thực hành. Chỉ dùng thông tin trên thẻ nhân vật "
        "mô phỏng. Tuyệt đối không nhập số định danh, số điện thoại hay tài khoản thật."
    )
