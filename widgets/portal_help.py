"""The step help of the public-service portal practice app: what each page asks, and a hint.

``STEP_HELP`` maps the name of every page of the portal (the first element of a
:class:`~bakhong.widgets.portal_screens.Page`'s key: ``login``, ``home``, ``procedure``,
``form``, ``dossiers``, ``dossier``, ``payment``, ``store``) to a
:class:`~bakhong.widgets.appview.StepHelp`; the help bar under the portal's screen shows
the instruction, reads it aloud (the hint too while it is open) and opens the hint by
itself after two refused tries. The steps of the form and its review («Kiểm tra và nộp hồ
sơ») share the name ``form``, so its help covers both. Being read by a speech engine, the
strings hold no digits, symbols or abbreviations it would spell out; button names are
quoted as the screens label them.
"""

from __future__ import annotations

from .appview import StepHelp
from .i18n import N_

__all__ = ["STEP_HELP"]

STEP_HELP: dict[str, StepHelp] = {
    "login": StepHelp(
        N_("Nhập số định danh cá nhân và mật khẩu tài khoản định danh điện tử của bạn, rồi bấm "
           "«Đăng nhập»."),
        N_("Số định danh có trong mục «Thẻ nhân vật mô phỏng» ở đầu màn hình. Mật khẩu là mật "
           "khẩu VNeID bạn đã đặt ở Bài một, gõ đúng chữ hoa và chữ thường."),
    ),
    "home": StepHelp(
        N_("Gõ tên thủ tục vào ô «Tìm thủ tục» và bấm «Tìm». Sau đó bấm «Xem thủ tục» dưới thủ "
           "tục bạn cần."),
        N_("Ví dụ, gõ «khai sinh» để tìm thủ tục cho em bé mới sinh. Hồ sơ đã nộp nằm ở «Hồ sơ "
           "của tôi», còn giấy tờ và kết quả nằm ở «Kho dữ liệu cá nhân»."),
    ),
    "procedure": StepHelp(
        N_("Đọc thời hạn, phí và giấy tờ cần đính kèm của thủ tục. Đúng thủ tục bạn cần thì bấm "
           "«Nộp hồ sơ trực tuyến»."),
        N_("Mục «Giấy tờ cần đính kèm» cho biết giấy gì phải có; giấy đó thường đã nằm sẵn trong "
           "«Kho dữ liệu cá nhân». Không phải thủ tục bạn cần thì bấm «Quay lại» để tìm lại."),
    ),
    "form": StepHelp(
        N_("Ô có sẵn mà đúng thì để nguyên, ô trống thì nhập theo thẻ nhân vật, rồi bấm «Tiếp "
           "tục». Ở trang cuối, đính kèm giấy tờ, xem lại rồi bấm «Nộp hồ sơ»."),
        N_("Tên và ngày sinh của em bé có trong «Thẻ nhân vật mô phỏng»: chép đúng như trên "
           "thẻ, ô sai có dòng chữ đỏ bên dưới. Chỉ bấm «Sửa» khi ô có sẵn bị sai; ở trang cuối, "
           "chọn giấy tờ rồi bấm «Đính kèm giấy tờ đã chọn»."),
    ),
    "dossiers": StepHelp(
        N_("Đây là các hồ sơ của bạn. Bấm «Xem hồ sơ» để xem trạng thái, hoặc «Khai tiếp» với "
           "hồ sơ đang khai dở."),
        N_("Mỗi hồ sơ có mã hồ sơ và trạng thái, ví dụ «Yêu cầu bổ sung giấy tờ» nghĩa là bạn "
           "cần gửi thêm giấy. Chưa có hồ sơ nào thì bấm «Về trang chủ» và tìm thủ tục để nộp."),
    ),
    "dossier": StepHelp(
        N_("Xem trạng thái hồ sơ và làm theo ô đang yêu cầu bạn, nếu có. Cán bộ xử lý lần lượt "
           "từng bước, hãy bấm «Làm mới» để xem trạng thái mới."),
        N_("Có phí thì bấm «Thanh toán trực tuyến». Bị yêu cầu bổ sung thì chọn «Giấy chứng "
           "sinh (bản điện tử của cơ sở y tế)», không chọn ảnh chụp mờ, rồi bấm «Gửi bổ sung»; "
           "có kết quả thì bấm «Tải về» rồi «Lưu tệp về điện thoại»."),
    ),
    "payment": StepHelp(
        N_("Bấm «Mở ứng dụng ngân hàng để thanh toán» và trả lệ phí trong ứng dụng ngân hàng. "
           "Trả xong, bấm «Kiểm tra kết quả thanh toán»."),
        N_("Lần đầu mở ứng dụng ngân hàng, hãy cài mã PIN trước, rồi bấm «Quét mã này»: số tiền "
           "và nội dung đã có sẵn. Thanh toán xong, bấm «Quay lại Cổng Dịch vụ công» ở trên cùng "
           "để nhận biên lai."),
    ),
    "store": StepHelp(
        N_("Đây là kho giấy tờ của bạn, mới nhất ở trên. Bấm «Xem» để đọc, bấm «Tải về» rồi "
           "«Lưu tệp về điện thoại» để lưu vào máy."),
        N_("Kết quả hồ sơ và biên lai do cơ quan gửi vào đây, giấy tờ bạn tải lên cũng ở đây. "
           "Bấm «Tải về» xong, phải bấm thêm «Lưu tệp về điện thoại» thì tệp mới được lưu."),
    ),
}
