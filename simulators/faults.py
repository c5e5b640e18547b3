"""Named faults that a trainer switches on per learner, to teach recovery.

Each fault is one real failure residents meet (``domain.md``, fault list). A
switched-on fault fires once, at its trigger point in a flow, and the store
counts that it fired, so a reloaded page does not replay it; switching it on
again re-arms it. Which OTP digits, personas and codes appear is governed by
the seeded random source, so a scenario replays the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from .errors import N_, SandboxError
from .store import Store
from .store import faults as faults_table


@dataclass(frozen=True)
class Fault:
    name: str
    title: str  # Vietnamese, for the trainer
    source: str  # where in domain.md the failure is described


CATALOGUE: dict[str, Fault] = {f.name: f for f in (
    Fault("vneid.maintenance", N_("Hệ thống đang bảo trì khi gửi yêu cầu"), "§1 overload; fault 9"),
    Fault("vneid.connection_failed", N_("Kết nối thất bại ở bước đặt passcode"),
          "§1 overload; fault 9"),
    Fault("vneid.otp_not_delivered", N_("Báo gửi OTP thành công nhưng không có tin nhắn"),
          "§1; fault 2"),
    Fault("vneid.otp_late", N_("Tin nhắn OTP đến muộn, mã đã hết hạn"), "§1; fault 1"),
    Fault("vneid.phone_not_own_name", N_("Số điện thoại không chính chủ"), "§1; fault 3"),
    Fault("vneid.new_device", N_("Đăng nhập trên thiết bị mới"), "§1; faults 7-8"),
    Fault("vneid.chip_read_failed", N_("Lên mức 2 trong ứng dụng: điện thoại không đọc được chip "
                                       "thẻ Căn cước lần đầu"), "§4 (NFC read failures); fault 7"),
    Fault("bank.network_drop", N_("Mất kết nối sau khi xác nhận chuyển tiền (giao dịch treo)"),
          "§4; fault 14"),
    Fault("bank.insufficient_balance", N_("Số dư không đủ khi thanh toán"), "§4"),
    Fault("bank.pin_lockout", N_("Smart OTP bị khóa do nhập sai mã PIN"), "§4"),
    Fault("bank.swapped_qr", N_("Mã QR của quầy hàng bị dán đè (lừa đảo)"), "§4; fault 15"),
    Fault("bank.damaged_qr", N_("Mã QR của quầy hàng bị hỏng (sai CRC)"), "§4; fault 15"),
    Fault("bank.maintenance", N_("Ngân hàng đang bảo trì"), "§4"),
    Fault("portal.network_drop", N_("Mất kết nối khi nộp hồ sơ (nộp lại không tạo hồ sơ thứ hai)"),
          "§3; fault 19 (same shape)"),
    Fault("portal.session_expired", N_("Phiên đăng nhập Cổng Dịch vụ công hết hạn"), "§3"),
    Fault("portal.supplement", N_("Cán bộ yêu cầu bổ sung giấy tờ"), "§3; fault 12"),
    Fault("portal.refused", N_("Hồ sơ bị từ chối tiếp nhận, có nêu lý do"), "§3; fault 12"),
    Fault("portal.payment_left", N_("Rời trang thanh toán trước khi có kết quả"),
          "§3; fault 14"),
    Fault("sign.real_world", N_("Ký số: báo lỗi như ứng dụng thật sau khi mất kết nối "
                                "(«Yêu cầu mua chứng thư đã tồn tại»)"), "§5; fault 19"),
    Fault("sign.network_drop", N_("Ký số: mất kết nối giữa chừng khi đăng ký"),
          "§5; fault 19"),
    Fault("sign.expired", N_("Ký số: giao dịch ký hết hạn trước khi xác nhận"),
          "§5; fault 17"),
    Fault("sign.reinstalled", N_("Ký số: ứng dụng được cài lại trên Android, phải kích hoạt lại"),
          "§5; fault 20"),
)}


class UnknownFault(SandboxError):
    code = "faults.unknown"
    message = N_("Không có tình huống lỗi với tên này.")


def _check(name: str) -> None:
    if name not in CATALOGUE:
        raise UnknownFault(name)


def switch_on(store: Store, learner_id: str, name: str) -> None:
    _check(name)
    with store.transaction() as conn:
        conn.execute(sa.delete(faults_table).where(
            (faults_table.c.learner_id == learner_id) & (faults_table.c.name == name)))
        conn.execute(faults_table.insert().values(learner_id=learner_id, name=name, fired=0))


def switch_off(store: Store, learner_id: str, name: str) -> None:
    _check(name)
    with store.transaction() as conn:
        conn.execute(sa.delete(faults_table).where(
            (faults_table.c.learner_id == learner_id) & (faults_table.c.name == name)))


def armed(store_or_conn: Store | Connection, learner_id: str) -> list[str]:
    """The learner's faults switched on and not fired yet."""
    query = sa.select(faults_table.c.name).where(
        (faults_table.c.learner_id == learner_id) & (faults_table.c.fired == 0))
    if isinstance(store_or_conn, Store):
        rows = store_or_conn.read(query)
    else:
        rows = list(store_or_conn.execute(query))
    return sorted(r[0] for r in rows)


def fire(conn: Connection, learner_id: str, name: str) -> bool:
    """True once if ``name`` is switched on and has not fired yet; marks it fired."""
    _check(name)
    result = conn.execute(faults_table.update().where(
        (faults_table.c.learner_id == learner_id) & (faults_table.c.name == name)
        & (faults_table.c.fired == 0)).values(fired=1))
    return bool(result.rowcount)
