"""The step help of the VNeID practice app: what each screen asks, and a trainer's hint.

``STEP_HELP`` maps every :class:`~bakhong.simulators.vneid.Step` value (the first element
of :class:`~bakhong.widgets.vneid_app.VneidView`'s screen signature) to a
:class:`~bakhong.widgets.appview.StepHelp`; the help bar under the app's screen shows the
instruction, reads it aloud (the hint too while it is open) and opens the hint by itself
after two refused tries. Being read by a speech engine, the strings hold no digits,
symbols or abbreviations it would spell out; button names are quoted as the screens
label them.
"""

from __future__ import annotations

from .appview import StepHelp
from .i18n import N_

__all__ = ["STEP_HELP"]

STEP_HELP: dict[str, StepHelp] = {
    "intro": StepHelp(
        N_("Chưa có tài khoản thì bấm «Đăng ký». Hồ sơ đã được duyệt thì bấm «Kích hoạt tài "
           "khoản định danh điện tử», đã kích hoạt rồi thì bấm «Đăng nhập»."),
        N_("Khi hồ sơ được duyệt, bạn nhận một tin nhắn trong mục «Tin nhắn SMS» ở đầu màn "
           "hình. Muốn lên mức hai, mở mục Lên mức hai ở cuối màn hình: đọc chip thẻ Căn cước "
           "ngay trong ứng dụng, hoặc đến Công an xã, phường."),
    ),
    "register": StepHelp(
        N_("Nhập số định danh cá nhân và số điện thoại chính chủ, bấm «Chụp ảnh khuôn mặt», "
           "rồi bấm «Đăng ký»."),
        N_("Hai số cần nhập có trong mục «Thẻ nhân vật mô phỏng» ở đầu màn hình, không nhập số "
           "thật của bạn. Nếu máy báo số điện thoại không chính chủ, mở mục Lên mức hai ở cuối "
           "màn hình và chọn đến Công an xã, phường."),
    ),
    "activate": StepHelp(
        N_("Nhập số định danh cá nhân và số điện thoại chính chủ, rồi bấm «Gửi yêu cầu»."),
        N_("Hai số này có trong mục «Thẻ nhân vật mô phỏng» ở đầu màn hình. Nếu máy báo hồ sơ "
           "chưa được phê duyệt, bấm «Quay lại» rồi bấm «Đăng ký» trước."),
    ),
    "otp": StepHelp(
        N_("Nhập mã OTP gồm sáu chữ số vừa gửi đến điện thoại, rồi bấm «Xác nhận»."),
        N_("Mở mục «Tin nhắn SMS» ở đầu màn hình và chép sáu chữ số của mã trong tin nhắn mới "
           "nhất, ở trên cùng. Nếu mã đã hết hạn, bấm «Gửi lại mã» và dùng mã trong tin mới."),
    ),
    "password": StepHelp(
        N_("Đặt mật khẩu cho tài khoản, nhập hai lần giống nhau, rồi bấm «Tiếp tục»."),
        N_("Mật khẩu cần từ tám đến hai mươi ký tự, có chữ số, chữ in hoa, chữ thường và một "
           "ký tự đặc biệt, ví dụ dấu a còng. Hãy nhớ mật khẩu này: Cổng Dịch vụ công và ứng "
           "dụng ký số cũng dùng nó."),
    ),
    "passcode": StepHelp(
        N_("Đặt passcode gồm sáu chữ số, nhập hai lần giống nhau, rồi bấm «Tiếp tục»."),
        N_("Passcode chỉ gồm số và khác với mật khẩu: nó dùng để mở thẻ Căn cước điện tử sau "
           "này. Chọn sáu số bạn dễ nhớ, nhưng đừng dùng ngày sinh."),
    ),
    "security": StepHelp(
        N_("Chọn hai câu hỏi khác nhau, gõ câu trả lời cho mỗi câu, rồi bấm «Hoàn tất»."),
        N_("Câu hỏi một và câu hỏi hai phải là hai câu khác nhau, và không được bỏ trống câu "
           "trả lời nào. Chọn câu bạn dễ nhớ, ví dụ món ăn bạn thích nhất."),
    ),
    "login": StepHelp(
        N_("Nhập số định danh cá nhân và mật khẩu đã đặt khi kích hoạt, rồi bấm «Đăng nhập»."),
        N_("Số định danh có trong mục «Thẻ nhân vật mô phỏng». Mật khẩu là mật khẩu bạn đặt ở "
           "bước «Đặt mật khẩu», gõ đúng chữ hoa, chữ thường và ký tự đặc biệt."),
    ),
    "device": StepHelp(
        N_("Tài khoản đang dùng trên một điện thoại khác. Bấm «Xác thực NFC bằng thẻ Căn cước "
           "công dân gắn chíp» để xác nhận bằng thẻ."),
        N_("Ngoài đời, bạn đặt thẻ Căn cước gắn chíp sát mặt sau điện thoại; ở đây chỉ cần bấm "
           "nút. Sau đó mã OTP gửi đến máy này, xem trong mục «Tin nhắn SMS»."),
    ),
    "home": StepHelp(
        N_("Trang chủ cho biết tài khoản của bạn ở mức mấy. Mức một thì lên mức hai: đọc chip "
           "thẻ Căn cước và chụp khuôn mặt ngay trong ứng dụng, hoặc đến Công an xã; mức hai "
           "thì nhập passcode rồi bấm «Mở thẻ Căn cước điện tử»."),
        N_("Passcode là sáu số bạn đặt ở bước «Đặt passcode», không phải mật khẩu. Quên "
           "passcode thì bấm «Quên passcode» để nhận mã OTP và đặt passcode mới."),
    ),
    "reset_passcode": StepHelp(
        N_("Đặt passcode mới gồm sáu chữ số, nhập hai lần giống nhau, rồi bấm «Xác nhận»."),
        N_("Hai ô phải giống hệt nhau và chỉ gồm chữ số. Sau đó dùng passcode mới này để mở "
           "thẻ Căn cước điện tử."),
    ),
}
