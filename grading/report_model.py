"""The report's model: its tables (:class:`View` of :class:`Column`, cells, :class:`Note`)
and its wording, every Vietnamese string the views and files print.

The tables are built by :mod:`.report_views` and drawn by :mod:`.report_output` and the
officials' dashboard (``bakhong.widgets.report_dashboard``), which translates the wording:
each string here is marked there too with ``N_``, for the catalogue, and
``tests/test_report_output.py`` checks that none is missed. A cell is an ``int`` (a count),
a ``float`` (a rate 0-1 or a number), a ``str``, a ``date``, a ``bool``, ``None`` (unknown) or
:class:`Hidden` (suppressed in the public version).

**Public version** (:func:`suppress`, ``public=True``): every count under 5 shows «<5»; a rate,
gap, trend, date or verdict computed from a hidden count is blank (so a rate shows only when
its numerator and denominator are both 5 or more). The per-commune ``enrolled`` and
``trained`` add up to figures shown elsewhere (``bai-hoc``'s enrolled and passed), so they get
complementary suppression: more cells, smallest first, are hidden («*», 5 or more) until no
hidden cell of the column can be worked out to a single value from the column's total by
subtraction, knowing that «<5» is 0-4 and «*» is 5 or more; if the whole column cannot be made
safe, the matching totals of ``bai-hoc`` are hidden too. No view has a total row.

>>> step_label("vneid", "otp"), step_label("vneid", "go.home")
('Nhập mã OTP', 'go.home')
>>> lesson_label("payment")
'Bài 2: Thanh toán bằng mã QR'
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from types import MappingProxyType
from typing import Any


def text_key(text: str) -> str:
    """Text as reports compare it: NFC, case-folded, runs of spaces collapsed.

    >>> text_key("  Xã  THỌ Long ") == text_key("xã thọ long")
    True
    """
    return " ".join(unicodedata.normalize("NFC", text).strip().casefold().split())

__all__ = [
    "DERIVED", "LABELS", "LESSONS", "SHIELD", "SMALL", "SMALL_CELL", "SOURCE_STRINGS", "STEPS",
    "TITLES", "Column", "CommuneRow", "Hidden", "Note", "Report", "Resident", "View",
    "hide_columns", "indicator_label", "lesson_label", "step_label", "suppress",
]

_EMPTY: Mapping[str, Any] = MappingProxyType({})

REPORT_TITLE = "Báo cáo phổ cập kỹ năng số cơ bản"
PUBLIC_TITLE = "Báo cáo phổ cập kỹ năng số cơ bản (bản công khai)"

TITLES: Mapping[str, str] = MappingProxyType({
    "xa": "Theo xã, phường",
    "bai-hoc": "Theo bài học",
    "buoc-kho": "Bước hay gặp lỗi",
    "chi-so": "Các chỉ số",
})

LABELS: Mapping[str, str] = MappingProxyType({
    "province": "Tỉnh",
    "commune": "Xã/Phường",
    "enrolled": "Số học viên",
    "trained": "Đã tập huấn đạt",
    "rate_enrolled": "Tỷ lệ đạt trên số học viên",
    "population": "Số người trưởng thành",
    "rate_population": "Tỷ lệ đạt trên số người trưởng thành",
    "target": "Chỉ tiêu",
    "meets_target": "Đạt chỉ tiêu",
    "gap": "Còn thiếu (người)",
    "per_week": "Số người đạt mỗi tuần (xu hướng)",
    "projected": "Dự kiến ngày đạt chỉ tiêu",
    "lesson": "Bài học",
    "submitted": "Đã nộp bài",
    "passed": "Số học viên đạt",
    "pass_rate": "Tỷ lệ đạt trên số đã nộp",
    "average_score": "Điểm trung bình",
    "rank": "Thứ tự",
    "step": "Bước",
    "code": "Mã lỗi",
    "learners": "Số học viên gặp lỗi",
    "indicator": "Chỉ số",
    "base": "Số người được tính",
    "yes": "Số người «Có»",
    "share": "Tỷ lệ «Có»",
    "meets": "Đạt chỉ tiêu",
    "no_age": "Không tính vì thiếu năm sinh",
    "unknown": "Chưa rõ",
    "true": "Đạt",
    "false": "Chưa đạt",
    "all_communes": "Tất cả xã, phường",
})

#: The lessons' titles, as the lesson menu shows them (``bakhong.widgets.entry``).
LESSONS: Mapping[str, str] = MappingProxyType({
    "first_steps": "Bài 0: Làm quen với điện thoại",
    "vneid": "Bài 1: Tài khoản định danh điện tử VNeID",
    "payment": "Bài 2: Thanh toán bằng mã QR",
    "portal": "Bài 3: Nộp hồ sơ trực tuyến – khai sinh cho trẻ mới sinh",
    "portal_result": "Bài 3b: Theo dõi hồ sơ – trả lệ phí, bổ sung, nhận kết quả",
    "signing": "Bài 4: Chữ ký số cá nhân – ký từ xa trên điện thoại",
    "safety": "Bài 5: An toàn trên mạng",
    "receiving": "Bài 6: Nhận tiền vào tài khoản",
    "vneid_daily": "Bài 7: Dùng VNeID hằng ngày",
    "scams": "Bài 8: Cảnh giác lừa đảo nhắm vào người cao tuổi",
    "bills": "Bài 9: Trả hóa đơn hằng tháng",
    "secrets": "Bài 10: Giữ bí mật của mình",
    "vneid_check": "Tự làm 1: Kích hoạt VNeID mức 2",
    "payment_check": "Tự làm 2: Trả tiền bằng mã QR",
    "portal_check": "Tự làm 3: Nộp hồ sơ trực tuyến",
    "signing_check": "Tự làm 4: Ký số một văn bản",
    "receiving_check": "Tự làm 6: Nhận tiền vào tài khoản",
    "vneid_daily_check": "Tự làm 7: Dùng VNeID hằng ngày",
    "scams_check": "Tự làm 8: Cảnh giác lừa đảo",
    "bills_check": "Tự làm 9: Trả hóa đơn hằng tháng",
    "secrets_check": "Tự làm 10: Giữ bí mật của mình",
})

INDICATORS: Mapping[str, str] = MappingProxyType({
    "trained": "Đã tập huấn kỹ năng số cơ bản",
    "smartphone": "Có điện thoại thông minh",
    "bank_account": "Có tài khoản ngân hàng (từ 15 tuổi)",
    "eid_account": "Có tài khoản định danh điện tử",
    "digital_signature": "Có chữ ký số",
    "digital_platforms": "Dùng dịch vụ công trực tuyến",
})

#: The lessons' main steps: (lesson, evidence task) -> what a resident did there.
STEPS: Mapping[tuple[str, str], str] = MappingProxyType({
    ("first_steps", "tap_target"): "Bấm đúng nút",
    ("first_steps", "type_try"): "Gõ tiếng Việt có dấu",
    ("first_steps", "sms_code"): "Nhập mã trong tin nhắn SMS",
    ("first_steps", "sign_in"): "Đăng nhập tài khoản kho ứng dụng",
    ("first_steps", "last_password"): "Nhập mật khẩu cũ",
    ("first_steps", "confirm_phone"): "Xác nhận số điện thoại của tài khoản",
    ("first_steps", "recovery_code"): "Nhập mã khôi phục tài khoản",
    ("first_steps", "new_password"): "Đặt mật khẩu mới",
    ("first_steps", "install"): "Cài ứng dụng",
    ("first_steps", "privacy_answer"): "Trả lời câu hỏi về dữ liệu cá nhân",
    ("vneid", "register"): "Đăng ký tài khoản mức 1",
    ("vneid", "request_otp"): "Yêu cầu gửi mã OTP",
    ("vneid", "resend_otp"): "Gửi lại mã OTP",
    ("vneid", "otp"): "Nhập mã OTP",
    ("vneid", "password"): "Đặt mật khẩu",
    ("vneid", "passcode"): "Đặt passcode",
    ("vneid", "activate"): "Kích hoạt tài khoản",
    ("vneid", "login"): "Đăng nhập VNeID",
    ("vneid", "nfc"): "Quét chip căn cước",
    ("vneid", "chip_level2"): "Lên mức 2 trong ứng dụng (đọc chip)",
    ("vneid", "police_visit"): "Đến công an xã để lên mức 2",
    ("vneid", "reset_passcode"): "Đặt lại passcode",
    ("payment", "set_pin"): "Đặt mã PIN ngân hàng",
    ("payment", "scan"): "Quét mã QR",
    ("payment", "scan_photo"): "Chụp ảnh mã QR",
    ("payment", "start_transfer"): "Bắt đầu chuyển khoản",
    ("payment", "review"): "Kiểm tra người nhận và số tiền",
    ("payment", "authorise"): "Xác nhận chuyển tiền bằng mã PIN",
    ("payment", "biometric"): "Xác thực sinh trắc học",
    ("payment", "pin_reset"): "Đặt lại mã PIN",
    ("payment", "check_receipt_try"): "Kiểm tra biên lai",
    ("portal", "login"): "Đăng nhập Cổng Dịch vụ công",
    ("portal", "start"): "Chọn thủ tục",
    ("portal", "form_step"): "Điền tờ khai",
    ("portal", "attach"): "Đính kèm giấy tờ",
    ("portal", "upload"): "Tải giấy tờ lên",
    ("portal", "submit"): "Nộp hồ sơ",
    ("portal", "supplement"): "Bổ sung hồ sơ",
    ("portal", "payment_order"): "Thanh toán lệ phí",
    ("portal", "confirm_payment"): "Xác nhận đã nộp lệ phí",
    ("portal", "download"): "Tải kết quả",
    ("signing", "link_vneid"): "Liên kết tài khoản VNeID",
    ("signing", "identity"): "Xác minh danh tính",
    ("signing", "ekyc"): "Xác thực khuôn mặt (eKYC)",
    ("signing", "contract"): "Ký hợp đồng dịch vụ",
    ("signing", "pin"): "Đặt mã PIN chữ ký số",
    ("signing", "sign_request"): "Gửi yêu cầu ký",
    ("signing", "sign_confirm"): "Xác nhận ký trên ứng dụng",
    ("signing", "reactivate"): "Kích hoạt lại chữ ký số",
    ("signing", "verify"): "Kiểm tra chữ ký trên văn bản",
    ("safety", "refuse_police_otp"): "Cuộc gọi giả danh công an đòi mã OTP",
    ("safety", "report_fake_sms"): "Tin nhắn giả mạo có đường link",
    ("safety", "refuse_swapped_qr"): "Mã QR bị dán đè ở quầy hàng",
    ("safety", "spot_fake_portal"): "Trang Dịch vụ công giả mạo",
    ("safety", "refuse_refund_pin"): "Lừa «hoàn tiền» đòi mã PIN",
    ("receiving", "buyer_scan"): "Cho người mua quét mã QR nhận tiền",
    ("receiving", "open_history"): "Xem lịch sử giao dịch",
    ("receiving", "show_own_qr"): "Xác nhận tiền bán hàng đã về",
    ("receiving", "check_allowance"): "Kiểm tra tiền trợ cấp",
    ("receiving", "spot_fake_transfer"): "Ảnh chuyển tiền giả",
    ("receiving_check", "buyer_scan"): "Cho người mua quét mã QR nhận tiền",
    ("receiving_check", "open_history"): "Xem lịch sử giao dịch",
    ("receiving_check", "show_own_qr"): "Xác nhận tiền bán hàng đã về",
    ("receiving_check", "check_allowance"): "Kiểm tra tiền trợ cấp",
    ("receiving_check", "spot_fake_transfer"): "Ảnh chuyển tiền giả",
    ("scams", "refuse_zalo_otp"): "Bạn bè xin mã Zalo",
    ("scams", "hospital_call"): "Cuộc gọi «cháu bị tai nạn»",
    ("scams", "refuse_safe_account"): "«Công an» đòi chuyển vào «tài khoản an toàn»",
    ("scams", "refuse_biometric_call"): "«Ngân hàng» gọi cập nhật sinh trắc học",
    ("scams", "after_scam"): "Lỡ bị lừa: khóa tài khoản, báo cáo",
    ("secrets", "password_notebook"): "Sổ ghi mật khẩu cất ở nhà",
    ("secrets", "own_name"): "SIM, ví điện tử đứng tên chính mình",
    ("secrets", "who_may_help"): "Ai được giúp, ai không",
    ("secrets", "lend_phone"): "Người lạ mượn điện thoại",
    ("scams_check", "refuse_zalo_otp"): "Bạn bè xin mã Zalo",
    ("scams_check", "hospital_call"): "Cuộc gọi «người nhà bị tai nạn»",
    ("scams_check", "refuse_safe_account"): "«Cơ quan» đòi chuyển vào «tài khoản an toàn»",
    ("scams_check", "refuse_biometric_call"): "«Ngân hàng» gọi, gửi link cài ứng dụng",
    ("scams_check", "after_scam"): "Lỡ bị lừa: khóa tài khoản, báo cáo",
    ("secrets_check", "password_notebook"): "Cất mã mới ở đâu",
    ("secrets_check", "own_name"): "SIM, ví điện tử đứng tên chính mình",
    ("secrets_check", "who_may_help"): "Ai được giúp, ai không",
    ("secrets_check", "lend_phone"): "Người lạ mượn điện thoại",
    ("vneid_daily", "login"): "Đăng nhập VNeID bằng passcode",
    ("vneid_daily", "add_wallet_papers"): "Tích hợp thẻ BHYT và giấy phép lái xe",
    ("vneid_daily", "open_paper"): "Mở giấy tờ trong ví",
    ("vneid_daily", "show_at_clinic"): "Đưa thẻ BHYT trên VNeID ở phòng khám",
    ("vneid_daily", "newborn_in_app"): "Tìm thủ tục liên thông khai sinh",
    ("bills", "lookup_bill"): "Tra cứu hóa đơn bằng mã khách hàng",
    ("bills", "pay_electricity"): "Trả tiền điện bằng mã khách hàng",
    ("bills", "auto_debit"): "Đăng ký thanh toán tự động tiền nước",
    ("bills", "top_up_phone"): "Nạp tiền điện thoại cho số của mình",
    ("bills_check", "lookup_bill"): "Tra cứu hóa đơn bằng mã khách hàng",
    ("bills_check", "pay_electricity"): "Trả tiền điện bằng mã khách hàng",
    ("bills_check", "auto_debit"): "Đăng ký thanh toán tự động tiền nước",
    ("bills_check", "top_up_phone"): "Nạp tiền điện thoại cho số của mình",
    ("vneid_daily_check", "login"): "Đăng nhập VNeID bằng passcode",
    ("vneid_daily_check", "add_wallet_papers"): "Tích hợp giấy tờ vào ví",
    ("vneid_daily_check", "open_paper"): "Mở giấy tờ trong ví",
    ("vneid_daily_check", "show_at_clinic"): "Đưa thẻ BHYT trên VNeID ở nơi khám",
    ("vneid_daily_check", "newborn_in_app"): "Tìm đúng thủ tục hành chính",
})

NO_DATA = "Chưa có số liệu"
SCOPE_NOTE = "Báo cáo lập ngày {date} từ {workshops} lớp học, theo sổ điểm nbgrader của từng lớp."
RULE_NOTE = ("Đã học = đạt {lessons}: mỗi bài ít nhất {mark}% số điểm (cài đặt core_lessons và "
             "pass_mark trong bakhong.toml của lớp).")
NO_RULE_NOTE = "Đã học: không có bài bắt buộc nào, nên không ai được tính là đã học."
OVERRIDE_NOTE = ("Người hướng dẫn đã sửa {count} điểm do bakhong chấm, mỗi điểm có ghi lý do "
                 "(bakhong grade và bakhong report liệt kê).")
TRAINER_NOTE = ("Bản đầy đủ cho người hướng dẫn: không có tên, mã học viên, số định danh hay số "
                "điện thoại. Chỉ chia sẻ ra ngoài lớp học bản công khai.")
PUBLIC_NOTE = ("Bản công khai: số dưới 5 người ghi «<5»; tỷ lệ, số còn thiếu, xu hướng và ngày "
               "dự kiến chỉ ghi khi các số dùng để tính đều từ 5 trở lên; ô «*» được ẩn thêm "
               "(từ 5 trở lên) để không suy ra được ô «<5» bằng phép trừ từ tổng. Không có tên, "
               "mã học viên, số định danh hay số điện thoại.")
METHOD_NOTE = ("Dự báo theo xu hướng 4 tuần gần nhất (đến ngày {date}): số người đạt mỗi tuần là "
               "độ dốc của đường thẳng khớp (bình phương tối thiểu) với số người đã đạt cộng dồn "
               "ở 5 mốc cách nhau một tuần; ngày dự kiến = ngày báo cáo + số người còn thiếu ÷ số "
               "người đạt mỗi tuần. Một người đạt khi bài bắt buộc cuối cùng được chấm đạt lần "
               "đầu. Để trống khi không có tiến triển, khi đã đạt chỉ tiêu hoặc khi chưa biết số "
               "người trưởng thành.")
LESSON_NOTE = ("Tỷ lệ đạt tính trên số học viên đã nộp bài; điểm trung bình là điểm cao nhất của "
               "mỗi học viên, theo phần trăm điểm tối đa.")
STEPS_NOTE = ("Mỗi bài học: 3 bước có nhiều học viên bị từ chối nhất (theo nhật ký thực hành), "
              "với mã lỗi gặp nhiều nhất ở bước đó.")
SURVEY_NOTE = ("Các chỉ số khác lấy từ các cột khảo sát (không bắt buộc) của danh sách học viên; "
               "tỷ lệ tính trên số người đã trả lời. «Đã tập huấn» tính trên số người trưởng "
               "thành của xã.")
BANK_NOTE = ("Tài khoản ngân hàng: chỉ tính người từ 15 tuổi trở lên (năm báo cáo trừ năm sinh); "
             "câu trả lời của người không có năm sinh không được tính.")
VARIANT_NOTE = ("Bài riêng của lớp ({lessons}) ở cuối bảng «Theo bài học»: không tính vào «đã "
                "học»; số học viên của bài là số người ở các lớp có bài đó.")

#: Every source string above: the dashboard marks each one for the catalogue.
SOURCE_STRINGS: tuple[str, ...] = (
    REPORT_TITLE, PUBLIC_TITLE, NO_DATA, *TITLES.values(), *LABELS.values(), *LESSONS.values(),
    *INDICATORS.values(), *STEPS.values(), SCOPE_NOTE, RULE_NOTE, NO_RULE_NOTE, OVERRIDE_NOTE,
    TRAINER_NOTE, PUBLIC_NOTE, METHOD_NOTE, LESSON_NOTE, STEPS_NOTE, SURVEY_NOTE, BANK_NOTE,
    VARIANT_NOTE)


def lesson_label(lesson: str) -> str:
    return LESSONS.get(lesson, lesson)


def indicator_label(indicator: str) -> str:
    return INDICATORS.get(indicator, indicator)


def step_label(lesson: str, task: str) -> str:
    """The step's Vietnamese name, or the task's code when it has none."""
    return STEPS.get((lesson, task), task)


@dataclass(frozen=True)
class CommuneRow:
    province: str
    commune: str
    enrolled: int
    trained: int
    rate_enrolled: float
    population: int | None
    rate_population: float | None
    target: float
    meets_target: bool | None


@dataclass(frozen=True)
class Resident:
    """One resident merged over the workshops: what the views count, and nothing that names."""

    key: int
    province: str
    commune: str
    trained: bool
    trained_at: datetime | None = None
    birth_year: int | None = None
    survey: Mapping[str, bool] = field(default_factory=lambda: _EMPTY)
    #: lesson -> best score / max_score among the resident's graded submissions
    scores: Mapping[str, float] = field(default_factory=lambda: _EMPTY)
    passed: frozenset[str] = frozenset()
    #: (lesson, task, refusal code) met at least once
    refusals: frozenset[tuple[str, str, str]] = frozenset()
    #: the workshops' own variants of a lesson (:mod:`.lesson_variants`) open to the resident
    offered: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Hidden:
    """A suppressed cell of the public version; ``mark`` is what is printed."""

    mark: str

    def __str__(self) -> str:
        return self.mark


SMALL_CELL, SHIELD, DERIVED = Hidden("<5"), Hidden("*"), Hidden("")


@dataclass(frozen=True)
class Column:
    """``kind``: text, label (a source string to translate), count, rate, number, date, bool.

    ``uses`` names the count columns a derived value is computed from; ``protect`` asks for
    complementary suppression; ``empty`` is shown for an unknown value.
    """

    key: str
    kind: str
    uses: tuple[str, ...] = ()
    protect: bool = False
    empty: str = ""

    @property
    def label(self) -> str:
        return LABELS[self.key]


@dataclass(frozen=True)
class Note:
    """A sentence of the report: a Vietnamese source string and its values."""

    text: str
    params: Mapping[str, str] = field(default_factory=lambda: _EMPTY)

    def render(self, tr: Callable[[str], str] = str) -> str:
        return tr(self.text).format(**self.params)


@dataclass(frozen=True)
class View:
    name: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[object, ...], ...]
    notes: tuple[Note, ...] = ()

    @property
    def title(self) -> str:
        return TITLES[self.name]

    def index(self, key: str) -> int:
        return next(i for i, column in enumerate(self.columns) if column.key == key)

    def values(self, key: str) -> list[object]:
        i = self.index(key)
        return [row[i] for row in self.rows]

    def where(self, key: str, value: object) -> View:
        """The rows whose ``key`` is ``value`` (the dashboard's commune filter)."""
        i = self.index(key)
        return replace(self, rows=tuple(row for row in self.rows if row[i] == value))


@dataclass(frozen=True)
class Report:
    as_of: datetime
    public: bool
    workshops: int
    views: tuple[View, ...]
    notes: tuple[Note, ...]

    def view(self, name: str) -> View:
        return next(view for view in self.views if view.name == name)


# ----------------------------------------------------- the public version (suppression)

SMALL = 5  # counts under this are hidden in the public version


def _pinned(primaries: int, shields: int, total: int) -> bool:
    """Whether a hidden cell can be worked out from the total of its column.

    Hidden cells: ``primaries`` «<5» (0-4 each), ``shields`` «*» (5 or more each), adding up
    to ``total``. A cell is pinned when only one value fits.

    >>> _pinned(1, 0, 3), _pinned(1, 1, 5), _pinned(1, 1, 8), _pinned(2, 0, 0)
    (True, True, False, True)
    """
    if primaries + shields < 2:
        return True
    others_max = math.inf if shields else 4 * (primaries - 1)
    if max(0, total - others_max) >= min(4, total - SMALL * shields):
        return True
    if shields:
        others_max = math.inf if shields > 1 else 4 * primaries
        return max(SMALL, total - others_max) >= total - SMALL * (shields - 1)
    return False


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def suppress(view: View) -> tuple[View, set[str]]:
    """The public version of ``view``, and the protected columns it could not make safe."""
    rows = [list(row) for row in view.rows]
    unsafe: set[str] = set()
    for i, column in enumerate(view.columns):
        if column.kind != "count":
            continue
        counts = {k: row[i] for k, row in enumerate(rows) if _is_count(row[i])}
        values: dict[int, int] = {k: v for k, v in counts.items() if isinstance(v, int)}
        small = [k for k, value in values.items() if value < SMALL]
        hidden = {k: values[k] for k in small}
        if column.protect and small:
            shields = sorted((value, k) for k, value in values.items() if k not in hidden)
            chosen: list[int] = []
            while _pinned(len(small), len(chosen), sum(hidden.values())) and shields:
                value, k = shields.pop(0)
                hidden[k] = value
                chosen.append(k)
            if _pinned(len(small), len(chosen), sum(hidden.values())):
                unsafe.add(column.key)
            for k in chosen:
                rows[k][i] = SHIELD
        for k in small:
            rows[k][i] = SMALL_CELL
    for j, column in enumerate(view.columns):
        uses = [view.index(key) for key in column.uses]
        for row in rows:
            if any(isinstance(row[k], Hidden) for k in uses):
                row[j] = DERIVED
    return replace(view, rows=tuple(tuple(row) for row in rows)), unsafe


def hide_columns(view: View, keys: Iterable[str]) -> View:
    """Hide whole columns (totals that would undo a column's suppression), and what uses them."""
    keys = set(keys)
    rows = [list(row) for row in view.rows]
    for j, column in enumerate(view.columns):
        if column.key in keys or keys & set(column.uses):
            for row in rows:
                row[j] = SHIELD if column.key in keys else DERIVED
    return replace(view, rows=tuple(tuple(row) for row in rows))
