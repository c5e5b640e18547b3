"""The step help of the bank practice app: what each screen asks, and a trainer's hint.

``STEP_HELP`` maps every :class:`~bakhong.simulators.bank.Step` value (the first element
of :class:`~bakhong.widgets.bank_app.BankView`'s screen signature), and each home panel
as ``"home.<panel>"``, to a :class:`~bakhong.widgets.appview.StepHelp`; the help bar under
the app's screen shows the instruction, reads it aloud (the hint too while it is open) and
opens the hint by itself after two refused tries. Being read by a speech engine, the
strings hold no digits, symbols or abbreviations it would spell out; button names are
quoted as the screens label them. The payee-name check is the lesson's judgement: the
instruction only asks to look, the hint says what to compare.
"""

from __future__ import annotations

from .appview import StepHelp
from .i18n import N_

__all__ = ["STEP_HELP"]

STEP_HELP: dict[str, StepHelp] = {
    "setup": StepHelp(
        N_("Đặt mã PIN gồm sáu chữ số, nhập hai lần giống nhau, rồi bấm «Lưu mã PIN»."),
        N_("Mã PIN này dùng mỗi lần chuyển tiền: hãy nhớ kỹ, nhưng đừng dùng mã PIN thật của "
           "bạn. Không cho ai biết mã PIN, kể cả nhân viên ngân hàng."),
    ),
    "home": StepHelp(
        N_("Đây là trang chủ ngân hàng, có số dư của bạn. Để trả tiền bằng mã, bấm «Quét QR»."),
        N_("Mở mục «Việc cần làm» ở đầu màn hình để xem còn việc gì chưa xong. Muốn xem lại "
           "một giao dịch đã trả, bấm «Lịch sử giao dịch» hoặc «Kiểm tra biên lai»."),
    ),
    "home.scan": StepHelp(
        N_("Tìm mã QR bạn muốn trả, rồi bấm «Quét mã này» ngay dưới mã đó."),
        N_("Trên mỗi mã có biển ghi tên quầy hoặc hóa đơn, ví dụ «Quầy rau cô Hạnh» hay «Điện "
           "lực (mô phỏng)». Mục «Việc cần làm» ở đầu màn hình cho biết bạn cần trả cho ai."),
    ),
    "home.transfer": StepHelp(
        N_("Chọn ngân hàng nhận, nhập số tài khoản nhận, rồi bấm «Tiếp tục»."),
        N_("Số tài khoản chỉ gồm chữ số, hãy chép đúng từng số. Ở màn hình sau, ngân hàng hiện "
           "tên chủ tài khoản: so với tên người bạn muốn chuyển trước khi trả."),
    ),
    "home.history": StepHelp(
        N_("Đây là các giao dịch bạn đã làm, mới nhất ở trên. Xem xong, bấm «Quay lại»."),
        N_("Mỗi giao dịch có một «Mã giao dịch» bắt đầu bằng FT. Mã của hóa đơn tiền điện nằm "
           "ở giao dịch có người nhận là CONG TY DIEN LUC MO PHONG."),
    ),
    "home.check": StepHelp(
        N_("Nhập mã giao dịch in trên biên lai, rồi bấm «Kiểm tra»."),
        N_("Mã giao dịch bắt đầu bằng FT, có trên biên lai «Giao dịch thành công» và trong "
           "«Lịch sử giao dịch». Với hóa đơn tiền điện, chép mã của giao dịch trả cho CONG TY "
           "DIEN LUC MO PHONG."),
    ),
    "confirm": StepHelp(
        N_("Xem kỹ tên người nhận, và nhập số tiền nếu ô còn trống. Đúng người bạn muốn trả "
           "thì bấm «Tiếp tục», không đúng thì bấm «Hủy»."),
        N_("So tên dưới dòng «Người nhận» với tên chủ tài khoản ghi trên biển của quầy hoặc "
           "trên trang thanh toán: khác tên thì bấm «Hủy» và báo người bán. Số tiền cần trả "
           "ghi trong mục «Việc cần làm», gõ liền các chữ số, không có dấu chấm."),
    ),
    "auth": StepHelp(
        N_("Bấm các số trên bàn phím để nhập mã PIN sáu số, rồi bấm «Xác nhận»."),
        N_("Đây là mã PIN bạn đặt ở bước «Cài đặt Smart OTP» khi mới mở ứng dụng. Bấm nhầm thì "
           "bấm «Xóa»; nhập sai năm lần thì Smart OTP bị khóa."),
    ),
    "biometric": StepHelp(
        N_("Giao dịch lớn cần xác thực khuôn mặt. Bấm «Mô phỏng: đọc chip thẻ và quét khuôn "
           "mặt»."),
        N_("Ngoài đời, ứng dụng đọc chip thẻ Căn cước rồi quét khuôn mặt bạn; ở đây không chụp "
           "gì cả. Nếu bạn không định chuyển số tiền lớn như vậy, bấm «Hủy»."),
    ),
    "pending": StepHelp(
        N_("Mạng bị gián đoạn nên giao dịch đang xử lý. Đừng chuyển lại, hãy bấm «Kiểm tra lại» "
           "để xem kết quả."),
        N_("Tiền chỉ bị trừ một lần, kể cả khi bạn bấm «Kiểm tra lại» nhiều lần. Chờ một chút "
           "rồi bấm lại cho đến khi hiện «Giao dịch thành công»."),
    ),
    "receipt": StepHelp(
        N_("Giao dịch đã thành công. Ghi lại mã giao dịch, rồi bấm «Về trang chủ»."),
        N_("Mã giao dịch nằm ở dòng «Mã giao dịch», bắt đầu bằng FT. Người bán hoặc cơ quan có "
           "thể hỏi mã này, và bạn dùng nó ở «Kiểm tra biên lai»."),
    ),
    "locked": StepHelp(
        N_("Smart OTP đã bị khóa. Bấm «Quên mã PIN», nhập mã OTP trong tin nhắn và mã PIN mới "
           "hai lần, rồi bấm «Đặt lại mã PIN»."),
        N_("Sau khi bấm «Quên mã PIN», mở mục «Tin nhắn SMS» ở đầu màn hình và chép sáu chữ số "
           "trong tin nhắn mới nhất. Mã PIN mới gồm sáu chữ số, hai ô phải giống nhau."),
    ),
}
