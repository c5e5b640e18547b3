"""What each graded task of each lesson is called, in a resident's words.

A lesson's notebook grades one cell per task, named by its ``grade_id``; a graded
submission keeps the ``grade_id`` of every graded cell short of full points
(:attr:`bakhong.simulators.submissions.Submission.missing`). «Xem điểm» names those
tasks with :func:`task_title`. :data:`TASK_TITLES` holds one title per graded cell of
every lesson (``tests/test_task_titles.py`` checks it against the notebooks), as
Vietnamese source strings translated through the catalogue.

>>> from bakhong.widgets.i18n import translator
>>> task_title("payment", "swapped", translator("vi"))
'Từ chối mã QR bị dán đè'
>>> task_title("payment", "swapped", translator("en"))
'Refuse a QR code stuck over the real one'
>>> task_title("payment", "no_such_cell", translator("vi"))  # never a bare grade_id
'Một việc khác của bài này'
"""

from __future__ import annotations

from typing import Final

from .i18n import N_, Translator

__all__ = ["OTHER_TASK", "TASK_TITLES", "task_title"]

#: lesson -> grade_id of a graded cell -> its title (Vietnamese source string),
#: in the notebook's order.
TASK_TITLES: Final[dict[str, dict[str, str]]] = {
    "first_steps": {
        "tap": N_("Bấm đúng nút theo thứ tự"),
        "type_vietnamese": N_("Gõ chữ tiếng Việt có dấu"),
        "read_sms_code": N_("Đọc mã trong tin nhắn rồi gõ vào"),
        "recover_account": N_("Lấy lại mật khẩu đã quên của cửa hàng ứng dụng"),
        "install_app": N_("Cài ứng dụng VNeID"),
        "privacy": N_("Trả lời câu hỏi về dữ liệu của bạn"),
    },
    "vneid": {
        "registered": N_("Đăng ký tài khoản định danh mức 1"),
        "activated": N_("Kích hoạt tài khoản VNeID"),
        "level2": N_("Đăng nhập lại với tài khoản mức 2"),
    },
    "vneid_check": {
        "registered": N_("Đăng ký tài khoản mức 1 cho người trên thẻ"),
        "activated": N_("Kích hoạt tài khoản VNeID của người trên thẻ"),
        "level2": N_("Lên mức 2 rồi đăng nhập lại cho người trên thẻ"),
    },
    "portal_check": {
        "login": N_("Đăng nhập Cổng bằng tài khoản VNeID"),
        "filed": N_("Nộp hồ sơ đăng ký tạm trú đúng địa chỉ và ngày"),
        "once_only": N_("Không khai lại thông tin đã có sẵn"),
        "papers": N_("Đính kèm đúng hợp đồng thuê nhà"),
        "fee": N_("Nộp lệ phí trực tuyến"),
        "status": N_("Xem mã hồ sơ và trạng thái khi được tiếp nhận"),
    },
    "payment_check": {
        "stall": N_("Trả đúng số tiền cho quầy bằng mã QR"),
        "bill": N_("Trả hóa đơn tiền điện bằng mã QR trên hóa đơn"),
        "swapped": N_("Không trả vào mã QR bị dán đè"),
    },
    "payment": {
        "stall": N_("Trả tiền rau bằng mã QR của quầy"),
        "bill": N_("Trả hóa đơn tiền điện bằng mã QR"),
        "swapped": N_("Từ chối mã QR bị dán đè"),
        "receipt": N_("Kiểm tra biên lai bằng mã giao dịch"),
    },
    "portal": {
        "login": N_("Đăng nhập Cổng Dịch vụ công bằng VNeID"),
        "submitted": N_("Nộp hồ sơ khai sinh cho bé"),
        "once_only": N_("Không gõ lại thông tin đã có sẵn"),
    },
    "portal_result": {
        "fee": N_("Nộp lệ phí bằng mã QR"),
        "supplement": N_("Gửi bổ sung giấy tờ khi cán bộ yêu cầu"),
        "result": N_("Tải kết quả về điện thoại"),
    },
    "signing": {
        "enrol": N_("Đăng ký chứng thư số"),
        "recover": N_("Tiếp tục yêu cầu đang chờ sau khi mất mạng"),
        "sign_form": N_("Ký số tờ khai"),
        "trust_valid": N_("Tin văn bản có chữ ký hợp lệ"),
        "spot_tampered": N_("Không tin văn bản đã bị sửa"),
    },
    "signing_check": {
        "certificate": N_("Có chứng thư số và mã PIN để ký"),
        "sign_doc": N_("Ký số đúng văn bản được yêu cầu"),
        "trust_valid": N_("Kiểm tra chữ ký rồi tin văn bản hợp lệ"),
        "spot_bad": N_("Không tin văn bản có chữ ký không hợp lệ"),
    },
    "safety": {
        "police_otp": N_("Không đọc mã OTP cho người tự xưng công an"),
        "fake_sms": N_("Báo cáo tin nhắn có đường link lạ"),
        "swapped_qr": N_("Không trả tiền vào mã QR bị dán đè"),
        "fake_portal": N_("Nhận ra trang Dịch vụ công giả"),
        "refund_pin": N_("Không đưa mã PIN cho tin nhắn «hoàn tiền điện»"),
    },
    "receiving_check": {
        "own_qr": N_("Nhận tiền bằng mã QR, xem tiền về rồi mới giao hàng"),
        "allowance": N_("Xem tiền trợ cấp: ai chuyển, bao nhiêu"),
        "fake_transfer": N_("Không giao hàng vì ảnh chuyển tiền"),
    },
    "receiving": {
        "own_qr": N_("Nhận tiền bằng mã QR của mình, xem tiền về rồi mới giao hàng"),
        "allowance": N_("Kiểm tra tiền trợ cấp: ai chuyển, bao nhiêu"),
        "fake_transfer": N_("Không giao hàng vì ảnh «Chuyển tiền thành công»"),
    },
    "scams": {
        "zalo_otp": N_("Không gửi mã Zalo cho «bạn» nhắn xin"),
        "hospital_call": N_("Cuộc gọi «cháu bị tai nạn»: cúp máy, gọi cho cháu"),
        "safe_account": N_("Không chuyển tiền vào «tài khoản an toàn»"),
        "biometric_call": N_("Không cập nhật sinh trắc học theo đường link"),
        "after_scam": N_("Lỡ bị lừa: khóa tài khoản trước, rồi báo cáo"),
    },
    "secrets": {
        "notebook": N_("Cất mật khẩu, mã PIN vào sổ ở nhà"),
        "own_name": N_("SIM và ví điện tử đứng tên chính mình"),
        "who_may_help": N_("Người giúp chỉ chỗ bấm, mình tự gõ mã PIN"),
        "lend_phone": N_("Lấy lại điện thoại người lạ «mượn gọi nhờ»"),
    },
    "secrets_check": {
        "notebook": N_("Cất mã mới vào sổ ở nhà"),
        "own_name": N_("Không nhận SIM, ví điện tử đứng tên người khác"),
        "who_may_help": N_("Cháu chỉ chỗ bấm, mình tự gõ mã; không đưa máy cho người lạ"),
        "lend_phone": N_("Người lạ «mượn gọi nhờ» mở ứng dụng: lấy lại máy ngay"),
    },
    "scams_check": {
        "zalo_otp": N_("Không gửi mã 6 số cho người quen nhắn Zalo xin"),
        "hospital_call": N_("Cuộc gọi «người nhà bị tai nạn»: cúp máy, gọi cho người nhà"),
        "safe_account": N_("«Cơ quan» gọi video: không chuyển tiền, cúp máy"),
        "biometric_call": N_("Không cài ứng dụng theo link của «ngân hàng»"),
        "after_scam": N_("Mất tiền: khóa tài khoản rồi mới báo cáo"),
    },
    "vneid_daily": {
        "wallet": N_("Tích hợp thẻ BHYT và giấy phép lái xe vào «Ví giấy tờ»"),
        "clinic": N_("Ở phòng khám: cho quét mã QR thẻ BHYT trên VNeID"),
        "newborn": N_("Tìm thủ tục liên thông khai sinh trong VNeID"),
    },
    "bills": {
        "electricity": N_("Trả tiền điện bằng mã khách hàng, đúng hóa đơn của mình"),
        "auto_debit": N_("Đăng ký thanh toán tự động tiền nước, hạn mức đủ trả"),
        "top_up": N_("Nạp tiền điện thoại cho số của mình, không cho số lạ"),
    },
    "bills_check": {
        "electricity": N_("Trả tiền điện của nhà mình bằng mã khách hàng"),
        "auto_debit": N_("Thanh toán tự động tiền nước, hạn mức đủ trả"),
        "top_up": N_("Nạp tiền điện thoại cho số của mình"),
    },
    "vneid_daily_check": {
        "wallet": N_("Tích hợp giấy tờ được giao vào «Ví giấy tờ»"),
        "clinic": N_("Ở nơi khám: cho quét mã QR thẻ BHYT trên VNeID"),
        "procedure": N_("Tìm đúng thủ tục trong «Thủ tục hành chính»"),
    },
}

#: Said for a ``grade_id`` the table does not know (a lesson changed without its title).
OTHER_TASK: Final = N_("Một việc khác của bài này")


def task_title(lesson: str, grade_id: str, tr: Translator) -> str:
    """The title of ``lesson``'s graded cell ``grade_id`` in the learner's language."""
    return tr(TASK_TITLES.get(lesson, {}).get(grade_id, OTHER_TASK))
