"""The step help of lesson 7's VNeID app (everyday VNeID): what each screen asks, and a hint.

Keys are the steps of :class:`bakhong.simulators.vneid_daily.Step`; the texts are read
aloud by the help bar, so they hold no digits or symbols a speech engine would spell out.
"""

from __future__ import annotations

from .appview import StepHelp
from .i18n import N_

__all__ = ["STEP_HELP"]

STEP_HELP: dict[str, StepHelp] = {
    "login": StepHelp(
        N_("Nhập passcode sáu chữ số rồi bấm «Đăng nhập». Passcode có trên thẻ nhân vật mô "
           "phỏng."),
        N_("Mở «Thẻ nhân vật mô phỏng» ở đầu màn hình để xem passcode. Nếu đã làm Bài một, "
           "passcode bạn đặt ở đó cũng dùng được."),
    ),
    "home": StepHelp(
        N_("Đây là trang chủ VNeID. Bấm «Ví giấy tờ» để thêm và xem giấy tờ, «Thủ tục hành "
           "chính» để tìm thủ tục."),
        N_("Mở mục «Việc cần làm» để xem còn việc gì. Nút «Đến phòng khám» là việc xảy ra "
           "ngoài đời, không phải nút của ứng dụng."),
    ),
    "wallet": StepHelp(
        N_("Đây là ví giấy tờ. Bấm «Tích hợp thông tin» để thêm thẻ bảo hiểm y tế và giấy phép "
           "lái xe, hoặc bấm vào một giấy tờ để mở."),
        N_("Ở phòng khám, bấm «Thẻ BHYT» hoặc «Căn cước điện tử» để mở thẻ cùng mã QR, rồi "
           "cho lễ tân quét."),
    ),
    "add_paper": StepHelp(
        N_("Chọn loại giấy tờ. Với giấy phép lái xe, gõ số giấy phép trên thẻ nhân vật. Rồi "
           "bấm «Tìm giấy tờ»."),
        N_("Thẻ bảo hiểm y tế được tìm theo số định danh của bạn, không cần gõ số. Chỉ gõ số "
           "của chính bạn, đừng gõ số của người khác."),
    ),
    "confirm_paper": StepHelp(
        N_("Xem họ tên, ngày sinh và số giấy tờ. Nếu đúng là của bạn, bấm «Xác nhận tích hợp»."),
        N_("So với thẻ nhân vật mô phỏng. Nếu không phải của bạn, bấm «Quay lại»."),
    ),
    "paper": StepHelp(
        N_("Đây là giấy tờ của bạn cùng mã QR. Ở phòng khám, bấm «Cho lễ tân quét mã QR trên "
           "điện thoại»."),
        N_("Phòng khám cần thẻ bảo hiểm y tế hoặc căn cước điện tử, không cần giấy phép lái "
           "xe. Bấm «Quay lại» để chọn giấy tờ khác."),
    ),
    "procedures": StepHelp(
        N_("Tìm thủ tục làm giấy khai sinh, đăng ký thường trú và thẻ bảo hiểm y tế cho trẻ "
           "mới sinh cùng một lần, rồi bấm vào thủ tục đó."),
        N_("Tên thủ tục bắt đầu bằng «Liên thông» và có các chữ «khai sinh» và «dưới sáu "
           "tuổi»."),
    ),
    "procedure": StepHelp(
        N_("Đây là thủ tục liên thông cho trẻ mới sinh, giống như trên Cổng Dịch vụ công ở "
           "Bài ba. Bấm «Về trang chủ» khi xem xong."),
        N_("Ở bài này chỉ cần tìm đúng thủ tục. Nộp hồ sơ đầy đủ có ở Bài ba."),
    ),
}
