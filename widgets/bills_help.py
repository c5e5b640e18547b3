"""The step help of lesson 9's bank app (monthly bills): what each panel asks, and a hint.

As in :mod:`.receiving_help`: keys are the home step and its panels (``"home.<panel>"``),
read aloud by the help bar, so the strings hold no digits or symbols a speech engine would
spell out. The lesson starts on the bank's own «Cài đặt Smart OTP» (the payment lesson's
help); after it the app stays on the home step.
"""

from __future__ import annotations

from .appview import StepHelp
from .bank_help import STEP_HELP as BANK_HELP
from .i18n import N_

__all__ = ["STEP_HELP"]

STEP_HELP: dict[str, StepHelp] = {
    **BANK_HELP,
    "home": StepHelp(
        N_("Đây là trang chủ ngân hàng. Tiền điện: bấm «Thanh toán hóa đơn». Tiền nước: bấm "
           "«Thanh toán tự động». Tiền điện thoại: bấm «Nạp tiền điện thoại»."),
        N_("Mở mục «Việc cần làm» ở đầu màn hình để xem còn việc gì chưa xong. Tin nhắn nhờ "
           "nạp tiền ở mục tin nhắn là của một người lạ."),
    ),
    "home.bill": StepHelp(
        N_("Chọn «Điện lực mô phỏng», gõ mã khách hàng in trên hóa đơn tiền điện của bạn, bấm "
           "«Tra cứu». Xem tên khách hàng là tên bạn, rồi nhập mã PIN và bấm «Thanh toán»."),
        N_("Trên bàn có hai hóa đơn: của bạn và của hàng xóm. Hóa đơn của bạn ghi tên bạn. Mã "
           "khách hàng bắt đầu bằng hai chữ P E."),
    ),
    "home.auto": StepHelp(
        N_("Chọn «Cấp nước mô phỏng», gõ mã khách hàng trên hóa đơn tiền nước của bạn, gõ hạn "
           "mức mỗi tháng, nhập mã PIN và bấm «Đăng ký»."),
        N_("Hạn mức là số tiền nhiều nhất ngân hàng được tự trừ mỗi tháng. Đặt cao hơn tiền "
           "nước thường tháng một chút, ví dụ hai trăm nghìn đồng."),
    ),
    "home.topup": StepHelp(
        N_("Gõ số điện thoại của bạn, chọn số tiền nạp, nhập mã PIN và bấm «Nạp tiền»."),
        N_("Số điện thoại của bạn có trên thẻ nhân vật, ở đầu màn hình này. Đừng nạp tiền cho "
           "số lạ trong tin nhắn nhờ vả."),
    ),
}
