"""The step help of the remote-signing practice app: what each screen asks, and a hint.

``STEP_HELP`` maps every :class:`~bakhong.simulators.signing.Step` value (the first element
of :class:`~bakhong.widgets.signing_app.SigningView`'s screen signature), and each panel of
:data:`~bakhong.widgets.signing_app.PANELS` other than a step's own screen as
``"<step>.<panel>"``, to a :class:`~bakhong.widgets.appview.StepHelp`; the help bar under
the app's screen shows the instruction, reads it aloud (the hint too while it is open) and
opens the hint by itself after two refused tries. Being read by a speech engine, the
strings hold no digits, symbols or abbreviations it would spell out; button names are
quoted as the screens label them. Whether to trust a checked document is the lesson's
judgement: the instruction only asks for it, the hint says what to look at.
"""

from __future__ import annotations

from .appview import StepHelp
from .i18n import N_

__all__ = ["STEP_HELP"]

STEP_HELP: dict[str, StepHelp] = {
    "intro": StepHelp(
        N_("Bấm «Đăng ký chứng thư số cá nhân» để bắt đầu. Nếu có yêu cầu đang chờ, bấm «Tiếp "
           "tục yêu cầu»."),
        N_("Bạn cần tài khoản VNeID mức hai và mật khẩu VNeID đã đặt ở Bài một. Nếu máy báo "
           "«Yêu cầu mua chứng thư đã tồn tại», đừng đăng ký lại: bấm «Quản lý yêu cầu» rồi "
           "«Tiếp tục»."),
    ),
    "intro.requests": StepHelp(
        N_("Đây là yêu cầu đăng ký đang chờ của bạn. Bấm «Tiếp tục» để làm tiếp từ bước đã "
           "dừng."),
        N_("Dòng «Bước tiếp theo» cho biết bạn sẽ làm tiếp bước nào; các bước trước đã được "
           "lưu, không phải khai lại. Không có yêu cầu nào thì bấm «Quay lại» rồi «Đăng ký "
           "chứng thư số cá nhân»."),
    ),
    "identity": StepHelp(
        N_("Nhập số định danh cá nhân và mật khẩu VNeID, rồi bấm «Lấy thông tin từ VNeID». "
           "Thông tin hiện ra mà đúng thì bấm «Xác nhận thông tin»."),
        N_("Số định danh có trong mục «Thẻ nhân vật mô phỏng» ở đầu màn hình, mật khẩu là mật "
           "khẩu VNeID bạn đặt ở Bài một. Nếu máy báo cần mức hai, hãy nâng tài khoản VNeID lên "
           "mức hai trong ứng dụng VNeID trước."),
    ),
    "ekyc": StepHelp(
        N_("Bấm lần lượt ba nút: chụp mặt trước thẻ, chụp mặt sau thẻ và quay video khuôn mặt. "
           "Sau đó bấm «Tiếp tục»."),
        N_("Đây chỉ là mô phỏng, không có ảnh hay video nào được chụp. Nút nào đã bấm sẽ ghi "
           "«đã xong (mô phỏng)»; phải đủ cả ba nút."),
    ),
    "contract": StepHelp(
        N_("Đọc tóm tắt hợp đồng, đánh dấu vào ô «Tôi đồng ý với hợp đồng», rồi bấm «Tiếp "
           "tục»."),
        N_("Điều quan trọng nhất: không bao giờ cho ai biết mã PIN ký số. Phải đánh dấu ô đồng "
           "ý ở cuối hợp đồng thì mới tiếp tục được."),
    ),
    "pin": StepHelp(
        N_("Đặt mã PIN ký số gồm sáu chữ số, nhập hai lần giống nhau, rồi bấm «Hoàn tất đăng "
           "ký»."),
        N_("Mã PIN này dùng mỗi lần ký văn bản: hãy nhớ kỹ, và đừng dùng mã PIN thật của bạn. "
           "Nó là mã riêng, khác mã PIN ngân hàng và passcode VNeID."),
    ),
    "active": StepHelp(
        N_("Chứng thư số của bạn đang hoạt động. Bấm «Ký văn bản» để ký, hoặc «Kiểm tra chữ ký» "
           "để xem một văn bản có đáng tin không."),
        N_("Văn bản đã bấm ký mà còn chờ mã PIN nằm ở nút «Giao dịch chờ xác nhận». Không bao "
           "giờ đọc mã PIN ký số cho ai, kể cả người xưng là cán bộ."),
    ),
    "active.sign": StepHelp(
        N_("Chọn văn bản trong danh sách, chọn vị trí chữ ký, rồi bấm «Ký số»."),
        N_("Tờ khai tạo từ Cổng Dịch vụ công có tên «Tờ khai (để ký số)» trong danh sách. Sau "
           "khi bấm «Ký số», bạn có hai phút để nhập mã PIN và bấm «Xác nhận»."),
    ),
    "active.waiting": StepHelp(
        N_("Xem văn bản sắp ký, nhập mã PIN ký số sáu số trên bàn phím, rồi bấm «Xác nhận». "
           "Không muốn ký thì bấm «Từ chối»."),
        N_("Mã PIN là mã bạn đặt ở bước «Đặt mã PIN ký số» khi đăng ký, không phải mã PIN ngân "
           "hàng. Giao dịch hết hạn thì bấm «Ký lại»; ký xong, bấm «Tải về» rồi «Lưu tệp về "
           "điện thoại» để lưu bản đã ký."),
    ),
    "active.verify": StepHelp(
        N_("Chọn văn bản trong danh sách, bấm «Kiểm tra» và đọc kết quả của từng chữ ký. Sau đó "
           "trả lời bạn có tin văn bản này không."),
        N_("Chỉ bấm «Tin văn bản này» khi mọi chữ ký đều có dấu xanh và dòng «Chữ ký hợp lệ». Có "
           "chữ ký màu đỏ, ví dụ văn bản đã bị sửa sau khi ký, hoặc không có chữ ký nào, thì bấm "
           "«Không tin»."),
    ),
    "locked": StepHelp(
        N_("Tài khoản ký số đang bị khóa. Bấm «Gửi mã kích hoạt», nhập mã trong tin nhắn và mã "
           "PIN mới hai lần, rồi bấm «Kích hoạt lại»."),
        N_("Sau khi bấm «Gửi mã kích hoạt», mở mục «Tin nhắn SMS» ở đầu màn hình và chép sáu "
           "chữ số trong tin nhắn mới nhất. Mã PIN mới gồm sáu chữ số, hai ô phải giống nhau."),
    ),
}
