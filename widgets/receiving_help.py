"""The step help of lesson 6's bank app (receiving money): what each panel asks, and a hint.

As in :mod:`.bank_help`: keys are the home step and its panels (``"home.<panel>"``), read
aloud by the help bar, so the strings hold no digits or symbols a speech engine would spell
out. The app never leaves the home step in this lesson; the bank's other steps keep the
payment lesson's help.
"""

from __future__ import annotations

from .appview import StepHelp
from .bank_help import STEP_HELP as BANK_HELP
from .i18n import N_

__all__ = ["STEP_HELP"]

STEP_HELP: dict[str, StepHelp] = {
    **BANK_HELP,
    "home": StepHelp(
        N_("Đây là trang chủ ngân hàng. Để nhận tiền, bấm «Mã QR nhận tiền»; để xem tiền đã "
           "về chưa, bấm «Lịch sử giao dịch»."),
        N_("Mở mục «Việc cần làm» ở đầu màn hình để xem còn việc gì chưa xong. Các nút dưới "
           "dòng «Ngoài đời» là những việc xảy ra quanh bạn, không phải nút của ngân hàng."),
    ),
    "home.my_qr": StepHelp(
        N_("Đây là mã QR của tài khoản bạn. Bấm «Cho người mua quét mã». Khi người mua nói đã "
           "chuyển, bấm «Lịch sử giao dịch» để xem tiền đã về chưa."),
        N_("Có thể gõ giá hàng vào ô số tiền rồi bấm «Tạo mã có số tiền», để người mua không "
           "gõ nhầm. Chỉ giao hàng khi thấy khoản tiền vào, đúng số tiền, đúng người chuyển."),
    ),
    "home.history": StepHelp(
        N_("Đây là các khoản tiền vào và ra, mới nhất ở trên. Tiền vào có dấu cộng. Xem xong, "
           "bấm «Quay lại»."),
        N_("Mỗi khoản tiền vào ghi người chuyển, số tiền và nội dung. Ghi nhớ số tiền và tên "
           "người chuyển để trả lời ở màn hình trước."),
    ),
    "home.allowance": StepHelp(
        N_("Bấm «Lịch sử giao dịch», tìm khoản tiền trợ cấp, rồi nhập số tiền, chọn người "
           "chuyển và bấm «Trả lời»."),
        N_("Tiền trợ cấp do bảo hiểm xã hội mô phỏng chuyển. Gõ số tiền liền các chữ số, "
           "không có dấu chấm."),
    ),
    "home.fake": StepHelp(
        N_("Anh Dũng đưa ảnh chụp màn hình. Đừng tin ảnh: bấm «Lịch sử giao dịch» để xem tiền "
           "đã về chưa, rồi trả lời anh Dũng."),
        N_("Ảnh chụp màn hình rất dễ làm giả. Nếu trong lịch sử không có khoản tiền vào từ anh "
           "Dũng, bấm «Báo anh Dũng: tiền chưa về»."),
    ),
}
