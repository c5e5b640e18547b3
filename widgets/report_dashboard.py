"""The officials' report as a Voila dashboard: the report's views, in Vietnamese or English.

:func:`dashboard` builds the views over one :class:`~bakhong.grading.report_model.Report`
(the same one the files are written from): per view, the chart as a PNG image and the table
as HTML (:mod:`bakhong.grading.report_output`), a dropdown of communes that narrows the
per-commune and per-indicator views, the language switch and, given a ``reload``, a button
that reads the workshops again. It returns :class:`DashboardHandles`; with nothing displayed,
a test sets ``controls["commune"].value`` or ``controls["language"].value`` and reads
``tables`` and ``charts``. :func:`show` is the one call the served notebook makes
(``bakhong report … --serve``); any failure becomes a Vietnamese message, never a traceback.

The report's wording lives in :mod:`bakhong.grading.report_model`; it is marked below with
``N_`` for the catalogue, and translated here.

>>> from datetime import datetime
>>> from bakhong.simulators.clock import VN_TZ
>>> from bakhong.grading.report_views import build_views
>>> from bakhong.grading.settings import DEFAULT_TARGETS
>>> report = build_views([], as_of=datetime(2026, 12, 1, tzinfo=VN_TZ), targets=DEFAULT_TARGETS)
>>> handles = dashboard(report)
>>> handles.tabs.titles[0], handles.controls["commune"].options[0][0]
('Theo xã, phường', 'Tất cả xã, phường')
"""

from __future__ import annotations

import base64
import html
import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import ipywidgets as w

from bakhong.grading.report_model import PUBLIC_TITLE, REPORT_TITLE, Report, View
from bakhong.grading.report_output import Chart, chart_png, html_table

from .i18n import N_, Translator, error_text, translator

__all__ = ["DashboardHandles", "dashboard", "show"]

log = logging.getLogger(__name__)

LANGUAGES = (("Tiếng Việt", "vi"), ("English", "en"))
#: The views a commune narrows; the others are over the whole course.
PER_COMMUNE = ("xa", "chi-so")
ALL = ""  # the dropdown's value for every commune (None would show no selection)
COURSE_WIDE = N_("Bảng theo bài học và bước hay gặp lỗi tính cho cả khóa học.")
REFRESH = N_("Cập nhật số liệu")
COMMUNE = N_("Xã/Phường:")
FAILED = N_("Không lập được báo cáo: {reason}")

_STYLE = """<style>
.bkr-report{max-width:1200px;font-size:15px}
.bkr-report table{border-collapse:collapse;margin:.5em 0}
.bkr-report th,.bkr-report td{border:1px solid #bbb;padding:.25em .5em;vertical-align:top}
.bkr-report th{background:#eef3ee;text-align:left}
.bkr-report td.num{text-align:right;white-space:nowrap}
.bkr-note{color:#444;max-width:60em}
.bkr-scroll{overflow-x:auto;max-width:100%}
.bkr-report .widget-html,.bkr-report .widget-html-content{max-width:100%}
.bkr-report .widget-hbox{flex-wrap:wrap;gap:4px}
.bkr-report .jupyter-widget-tab>.lm-TabBar,
.bkr-report .jupyter-widget-tab>.lm-TabBar>.lm-TabBar-content{height:auto;min-height:0;
 overflow:visible}
.bkr-report .jupyter-widget-tab>.lm-TabBar>.lm-TabBar-content{flex-wrap:wrap}
.bkr-report .jupyter-widget-tab>.lm-TabBar .lm-TabBar-tab{flex:0 1 auto;min-width:0;
 max-width:none;min-height:44px;align-items:center}
.bkr-report .jupyter-widget-tab>.lm-TabBar .lm-TabBar-tabLabel{white-space:normal;
 overflow:visible;text-overflow:clip}
.bkr-report .lm-TabBar-tab,.bkr-report .lm-TabBar-tabLabel{color:#222 !important;opacity:1}
.bkr-report h1{font-size:1.6em;line-height:1.25}
.bkr-report img{max-width:100%;height:auto}
@media (max-width:480px){.bkr-report{font-size:14px}
 .bkr-report th,.bkr-report td{padding:.2em .3em}}
</style>"""

# The report's wording (bakhong.grading.report_model.SOURCE_STRINGS, the lessons' titles
# aside: bakhong.widgets.entry marks them), marked here for the catalogue; a string added there
# must be added here (tests/test_report_output.py::test_every_report_string_is_marked...).
_MARKED = (
    N_("Báo cáo phổ cập kỹ năng số cơ bản"),
    N_("Báo cáo phổ cập kỹ năng số cơ bản (bản công khai)"),
    N_("Chưa có số liệu"),
    N_("Theo xã, phường"),
    N_("Theo bài học"),
    N_("Bước hay gặp lỗi"),
    N_("Các chỉ số"),
    N_("Tỉnh"),
    N_("Xã/Phường"),
    N_("Số học viên"),
    N_("Đã tập huấn đạt"),
    N_("Tỷ lệ đạt trên số học viên"),
    N_("Số người trưởng thành"),
    N_("Tỷ lệ đạt trên số người trưởng thành"),
    N_("Chỉ tiêu"),
    N_("Đạt chỉ tiêu"),
    N_("Còn thiếu (người)"),
    N_("Số người đạt mỗi tuần (xu hướng)"),
    N_("Dự kiến ngày đạt chỉ tiêu"),
    N_("Bài học"),
    N_("Đã nộp bài"),
    N_("Số học viên đạt"),
    N_("Tỷ lệ đạt trên số đã nộp"),
    N_("Điểm trung bình"),
    N_("Thứ tự"),
    N_("Bước"),
    N_("Mã lỗi"),
    N_("Số học viên gặp lỗi"),
    N_("Chỉ số"),
    N_("Số người được tính"),
    N_("Số người «Có»"),
    N_("Tỷ lệ «Có»"),
    N_("Không tính vì thiếu năm sinh"),
    N_("Chưa rõ"),
    N_("Đạt"),
    N_("Chưa đạt"),
    N_("Tất cả xã, phường"),
    N_("Đã tập huấn kỹ năng số cơ bản"),
    N_("Có điện thoại thông minh"),
    N_("Có tài khoản ngân hàng (từ 15 tuổi)"),
    N_("Có tài khoản định danh điện tử"),
    N_("Có chữ ký số"),
    N_("Dùng dịch vụ công trực tuyến"),
    N_("Bấm đúng nút"),
    N_("Gõ tiếng Việt có dấu"),
    N_("Nhập mã trong tin nhắn SMS"),
    N_("Đăng nhập tài khoản kho ứng dụng"),
    N_("Nhập mật khẩu cũ"),
    N_("Xác nhận số điện thoại của tài khoản"),
    N_("Nhập mã khôi phục tài khoản"),
    N_("Đặt mật khẩu mới"),
    N_("Cài ứng dụng"),
    N_("Trả lời câu hỏi về dữ liệu cá nhân"),
    N_("Đăng ký tài khoản mức 1"),
    N_("Yêu cầu gửi mã OTP"),
    N_("Gửi lại mã OTP"),
    N_("Nhập mã OTP"),
    N_("Đặt mật khẩu"),
    N_("Đặt passcode"),
    N_("Kích hoạt tài khoản"),
    N_("Đăng nhập VNeID"),
    N_("Quét chip căn cước"),
    N_("Lên mức 2 trong ứng dụng (đọc chip)"),
    N_("Đến công an xã để lên mức 2"),
    N_("Đặt lại passcode"),
    N_("Đặt mã PIN ngân hàng"),
    N_("Quét mã QR"),
    N_("Chụp ảnh mã QR"),
    N_("Bắt đầu chuyển khoản"),
    N_("Kiểm tra người nhận và số tiền"),
    N_("Xác nhận chuyển tiền bằng mã PIN"),
    N_("Xác thực sinh trắc học"),
    N_("Đặt lại mã PIN"),
    N_("Kiểm tra biên lai"),
    N_("Đăng nhập Cổng Dịch vụ công"),
    N_("Chọn thủ tục"),
    N_("Điền tờ khai"),
    N_("Đính kèm giấy tờ"),
    N_("Tải giấy tờ lên"),
    N_("Nộp hồ sơ"),
    N_("Bổ sung hồ sơ"),
    N_("Thanh toán lệ phí"),
    N_("Xác nhận đã nộp lệ phí"),
    N_("Tải kết quả"),
    N_("Liên kết tài khoản VNeID"),
    N_("Xác minh danh tính"),
    N_("Xác thực khuôn mặt (eKYC)"),
    N_("Ký hợp đồng dịch vụ"),
    N_("Đặt mã PIN chữ ký số"),
    N_("Gửi yêu cầu ký"),
    N_("Xác nhận ký trên ứng dụng"),
    N_("Kích hoạt lại chữ ký số"),
    N_("Kiểm tra chữ ký trên văn bản"),
    N_("Cuộc gọi giả danh công an đòi mã OTP"),
    N_("Tin nhắn giả mạo có đường link"),
    N_("Mã QR bị dán đè ở quầy hàng"),
    N_("Trang Dịch vụ công giả mạo"),
    N_("Lừa «hoàn tiền» đòi mã PIN"),
    N_("Cho người mua quét mã QR nhận tiền"),
    N_("Xem lịch sử giao dịch"),
    N_("Xác nhận tiền bán hàng đã về"),
    N_("Kiểm tra tiền trợ cấp"),
    N_("Ảnh chuyển tiền giả"),
    N_("Bạn bè xin mã Zalo"),
    N_("Cuộc gọi «người nhà bị tai nạn»"),
    N_("«Cơ quan» đòi chuyển vào «tài khoản an toàn»"),
    N_("«Ngân hàng» gọi, gửi link cài ứng dụng"),
    N_("Tích hợp giấy tờ vào ví"),
    N_("Đưa thẻ BHYT trên VNeID ở nơi khám"),
    N_("Tìm đúng thủ tục hành chính"),
    N_("Cuộc gọi «cháu bị tai nạn»"),
    N_("«Công an» đòi chuyển vào «tài khoản an toàn»"),
    N_("«Ngân hàng» gọi cập nhật sinh trắc học"),
    N_("Lỡ bị lừa: khóa tài khoản, báo cáo"),
    N_("Sổ ghi mật khẩu cất ở nhà"),
    N_("SIM, ví điện tử đứng tên chính mình"),
    N_("Ai được giúp, ai không"),
    N_("Người lạ mượn điện thoại"),
    N_("Cất mã mới ở đâu"),
    N_("Đăng nhập VNeID bằng passcode"),
    N_("Tích hợp thẻ BHYT và giấy phép lái xe"),
    N_("Mở giấy tờ trong ví"),
    N_("Đưa thẻ BHYT trên VNeID ở phòng khám"),
    N_("Tìm thủ tục liên thông khai sinh"),
    N_("Tra cứu hóa đơn bằng mã khách hàng"),
    N_("Trả tiền điện bằng mã khách hàng"),
    N_("Đăng ký thanh toán tự động tiền nước"),
    N_("Nạp tiền điện thoại cho số của mình"),
    N_("Báo cáo lập ngày {date} từ {workshops} lớp học, theo sổ điểm nbgrader của từng lớp."),
    N_("Đã học = đạt {lessons}: mỗi bài ít nhất {mark}% số điểm (cài đặt core_lessons và "
       "pass_mark trong bakhong.toml của lớp)."),
    N_("Đã học: không có bài bắt buộc nào, nên không ai được tính là đã học."),
    N_("Người hướng dẫn đã sửa {count} điểm do bakhong chấm, mỗi điểm có ghi lý do "
       "(bakhong grade và bakhong report liệt kê)."),
    N_("Bản đầy đủ cho người hướng dẫn: không có tên, mã học viên, số định danh hay số điện "
       "thoại. Chỉ chia sẻ ra ngoài lớp học bản công khai."),
    N_("Bản công khai: số dưới 5 người ghi «<5»; tỷ lệ, số còn thiếu, xu hướng và ngày dự "
       "kiến chỉ ghi khi các số dùng để tính đều từ 5 trở lên; ô «*» được ẩn thêm (từ 5 trở "
       "lên) để không suy ra được ô «<5» bằng phép trừ từ tổng. Không có tên, mã học viên, "
       "số định danh hay số điện thoại."),
    N_("Dự báo theo xu hướng 4 tuần gần nhất (đến ngày {date}): số người đạt mỗi tuần là độ "
       "dốc của đường thẳng khớp (bình phương tối thiểu) với số người đã đạt cộng dồn ở 5 "
       "mốc cách nhau một tuần; ngày dự kiến = ngày báo cáo + số người còn thiếu ÷ số người "
       "đạt mỗi tuần. Một người đạt khi bài bắt buộc cuối cùng được chấm đạt lần đầu. Để "
       "trống khi không có tiến triển, khi đã đạt chỉ tiêu hoặc khi chưa biết số người "
       "trưởng thành."),
    N_("Tỷ lệ đạt tính trên số học viên đã nộp bài; điểm trung bình là điểm cao nhất của mỗi"
       " học viên, theo phần trăm điểm tối đa."),
    N_("Mỗi bài học: 3 bước có nhiều học viên bị từ chối nhất (theo nhật ký thực hành), với "
       "mã lỗi gặp nhiều nhất ở bước đó."),
    N_("Các chỉ số khác lấy từ các cột khảo sát (không bắt buộc) của danh sách học viên; tỷ "
       "lệ tính trên số người đã trả lời. «Đã tập huấn» tính trên số người trưởng thành của "
       "xã."),
    N_("Tài khoản ngân hàng: chỉ tính người từ 15 tuổi trở lên (năm báo cáo trừ năm sinh); "
       "câu trả lời của người không có năm sinh không được tính."),
    N_("Bài riêng của lớp ({lessons}) ở cuối bảng «Theo bài học»: không tính vào «đã học»; số "
       "học viên của bài là số người ở các lớp có bài đó."),
)


class DashboardHandles:
    """The dashboard. ``controls``: ``language``, ``commune`` and, with a reload, ``refresh``.

    ``tables`` and ``charts`` hold each view's HTML table and image (``pictures`` the PNG
    bytes), by view name.
    """

    def __init__(self, report: Report, lang: str,
                 reload: Callable[[], Report] | None = None, *, title: bool = True,
                 chart: Chart = chart_png, per_commune: tuple[str, ...] = PER_COMMUNE,
                 ) -> None:
        self.report, self.reload, self.title = report, reload, title
        self.chart, self.per_commune = chart, per_commune
        self.lang = lang
        self.tr: Translator = translator(lang)
        self._quiet = False
        self.header = w.HTML()
        self.message = w.HTML()
        self.tables: dict[str, w.HTML] = {v.name: w.HTML() for v in report.views}
        #: each view's chart: an ``<img>`` with its title as the alternative text; the PNG
        #: bytes are in ``pictures``
        self.charts: dict[str, w.HTML] = {v.name: w.HTML() for v in report.views}
        self.pictures: dict[str, bytes] = {}
        self.notes: dict[str, w.HTML] = {v.name: w.HTML() for v in report.views}
        self.tabs = w.Tab(children=[
            w.VBox([self.charts[v.name], self.tables[v.name], self.notes[v.name]])
            for v in report.views])
        offered = [*LANGUAGES, *([("pseudo", "pseudo")] if lang == "pseudo" else [])]  # tests
        language = w.ToggleButtons(options=offered, value=lang)
        commune = w.Dropdown(options=[("", ALL)], value=ALL)
        self.controls: dict[str, Any] = {"language": language, "commune": commune}
        bar: list[w.Widget] = [language, commune]
        if reload is not None:
            refresh = w.Button(icon="refresh")
            refresh.on_click(lambda _button: self.refresh())
            self.controls["refresh"] = refresh
            bar.append(refresh)
        self.root = w.VBox([w.HTML(_STYLE), self.header, w.HBox(bar), self.message, self.tabs])
        self.root.add_class("bkr-report")
        self.render()
        language.observe(lambda change: self.set_language(change["new"]), names="value")
        commune.observe(lambda _change: None if self._quiet else self.render_views(),
                        names="value")

    # -- what an official does -----------------------------------------------------------

    def set_language(self, lang: str) -> None:
        self.lang, self.tr = lang, translator(lang)
        self.render()

    def refresh(self) -> None:
        """Read the workshops again (the «Cập nhật số liệu» button)."""
        if self.reload is None:
            return
        try:
            self.report = self.reload()
        except Exception as err:
            self.message.value = _message(error_text(err, self.tr))
            return
        self.message.value = ""
        self.render()

    # -- building -------------------------------------------------------------------------

    def render(self) -> None:
        tr = self.tr
        _ = tr
        report = self.report
        title = _(PUBLIC_TITLE) if report.public else _(REPORT_TITLE)
        notes = "".join(f'<p class="bkr-note">{html.escape(n.render(tr))}</p>'
                        for n in report.notes[:3])
        heading = f"<h1>{html.escape(title)}</h1>" if self.title else ""
        self.header.value = heading + notes
        commune = self.controls["commune"]
        places = sorted(set(zip(report.view("xa").values("province"),
                                report.view("xa").values("commune"), strict=True)),
                        key=lambda p: (str(p[0]).casefold(), str(p[1]).casefold()))
        chosen = commune.value if commune.value in places else ALL
        self._quiet = True  # the options reset the value: no rendering until it is back
        try:
            commune.options = [(_("Tất cả xã, phường"), ALL),
                                *((str(c), (p, c)) for p, c in places)]
            commune.value = chosen
        finally:
            self._quiet = False
        commune.description = _(COMMUNE)
        if "refresh" in self.controls:
            self.controls["refresh"].description = _(REFRESH)
        self.tabs.titles = tuple(_(view.title) for view in report.views)
        self.render_views()

    def shown(self, name: str) -> View:
        """The view ``name`` as shown now: narrowed to the chosen commune if it is per commune."""
        view = self.report.view(name)
        chosen = self.controls["commune"].value
        if chosen == ALL or name not in self.per_commune:
            return view
        province, commune = chosen
        return view.where("province", province).where("commune", commune)

    def render_views(self) -> None:
        tr = self.tr
        _ = tr
        for view in self.report.views:
            shown = self.shown(view.name)
            title = html.escape(tr(view.title))
            self.tables[view.name].value = (  # a wide table scrolls in a box a keyboard reaches
                f'<div class="bkr-scroll" tabindex="0" role="region" aria-label="{title}">'
                f"{html_table(shown, tr, self.lang)}</div>")
            picture = self.pictures[view.name] = self.chart(shown, tr, self.lang)
            self.charts[view.name].value = (
                f'<img alt="{title}" style="max-width:100%;height:auto" '
                f'src="data:image/png;base64,{base64.b64encode(picture).decode("ascii")}">')
            notes = [n.render(tr) for n in view.notes]
            if view.name not in self.per_commune and self.controls["commune"].value != ALL:
                notes.append(_(COURSE_WIDE))
            self.notes[view.name].value = "".join(
                f'<p class="bkr-note">{html.escape(text)}</p>' for text in notes)


def _message(text: str) -> str:
    return f'<p class="bkr-note" role="alert">⚠️ {html.escape(text)}</p>'


def dashboard(report: Report, *, lang: str = "vi", reload: Callable[[], Report] | None = None,
              title: bool = True, chart: Chart = chart_png,
              per_commune: tuple[str, ...] = PER_COMMUNE) -> DashboardHandles:
    """The dashboard over ``report``; ``reload`` makes a fresh one (the refresh button);
    ``title=False`` leaves the heading to the page (the served notebook has its own);
    ``chart`` draws a view and ``per_commune`` names the views the commune list narrows
    (the province's dashboard passes its own)."""
    return DashboardHandles(report, lang, reload, title=title, chart=chart,
                            per_commune=per_commune)


def show(config: str | Path) -> DashboardHandles | None:
    """Display the dashboard the served notebook asks for (``bakhong report --serve``).

    ``config`` is a JSON file: ``workshops`` (folders), ``population`` (a file or null),
    ``public``. The report is read when the page opens and again on «Cập nhật số liệu».
    """
    from IPython.display import HTML, display

    from bakhong.grading.report import build_report, read_population

    tr = translator("vi")
    try:
        chosen = json.loads(Path(config).read_text(encoding="utf-8"))
        roots = [Path(root) for root in chosen["workshops"]]
        people = read_population(Path(chosen["population"])) if chosen.get("population") \
            else None

        def load() -> Report:
            return build_report(roots, population=people, public=bool(chosen.get("public")))

        handles = dashboard(load(), reload=load, title=False)
    except Exception as err:  # shown as a sentence; the details go to the server's log
        log.error("the report dashboard failed", exc_info=err)
        page = HTML(_message(tr(FAILED).format(reason=error_text(err, tr))))  # type: ignore[no-untyped-call]
        display(page)  # type: ignore[no-untyped-call]
        return None
    display(handles.root)  # type: ignore[no-untyped-call]
    return handles
