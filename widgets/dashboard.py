"""The trainer's dashboard: the whole class at a glance, and one learner's controls.

Laptop-sized (1280×800 and up; below 1100 px the learner panel goes under the table),
Vietnamese first with an English switch. Like every view here it is a function over the
sandbox that returns handles (:func:`dashboard`); tests set ``.value`` or call ``.click()``
on ``handles.controls[...]`` with no browser. The trainer's actions call the same functions
as the commands: faults with :mod:`bakhong.simulators.faults` (``bakhong faults``), the
official with :func:`bakhong.simulators.dossiers.official_action` and the portal's hooks
(``bakhong official``), a regrade with :func:`bakhong.simulators.submissions.enqueue`, a
reset with :func:`bakhong.grading.trainer.reset_attempt`; what the table shows comes from
:mod:`bakhong.grading.progress`. This view reads the grading layer (a trainer's tool), the
learners' apps never do.

Refreshing: «Làm mới» reads everything again; «Tự làm mới mỗi 15 giây» plays a hidden
ipywidgets ``Play`` whose timer runs in the browser and ticks the kernel every
``refresh_seconds``. No background thread touches a widget: in Voila a thread's comm
messages race with the kernel's own, and a tick is just one more widget message, handled
in order. The box starts unticked: a ``Play`` starts its timer only when ``playing``
changes in the browser, which a value set while Voila executes the notebook is not. A click
is refused on the server side when it names a dossier of another learner (widget values are
untrusted).
"""

from __future__ import annotations

import html
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import ipywidgets as w

from bakhong.grading import progress, results, settings, trainer
from bakhong.grading.progress import LearnerProgress, LessonScore
from bakhong.simulators import dossiers, faults, procedures, submissions
from bakhong.simulators.errors import N_, SandboxError
from bakhong.simulators.evidence import HINT_OFFERED
from bakhong.simulators.sandbox import Sandbox

from .i18n import LANGUAGES, Translator, error_text, translator
from .phone import (
    MessageArea,
    action_button,
    badge,
    close_tree,
    language_bar,
    run_safely,
    stylesheet,
)

__all__ = ["REFRESH_SECONDS", "DashboardHandles", "dashboard", "dashboard_app"]

REFRESH_SECONDS = 15
MAX_REASON = 500  # characters of an official's reason kept (the learner reads it)
ALL = ""  # the commune filter's «every commune»

LESSON_NAMES = {"first_steps": N_("Làm quen"), "vneid": N_("VNeID"),
                "payment": N_("Thanh toán QR"), "portal": N_("Hồ sơ trực tuyến"),
                "portal_result": N_("Kết quả hồ sơ"),
                "signing": N_("Ký số"), "safety": N_("An toàn"),
                "receiving": N_("Nhận tiền"), "vneid_daily": N_("VNeID hằng ngày"),
                "scams": N_("Cảnh giác lừa đảo"), "bills": N_("Hóa đơn"),
                "secrets": N_("Giữ bí mật"),
                "vneid_check": N_("Tự làm VNeID"), "payment_check": N_("Tự làm QR"),
                "portal_check": N_("Tự làm hồ sơ"),
                "signing_check": N_("Tự làm ký số"),
                "receiving_check": N_("Tự làm nhận tiền"),
                "vneid_daily_check": N_("Tự làm VNeID hằng ngày"),
                "scams_check": N_("Tự làm lừa đảo"),
                "bills_check": N_("Tự làm hóa đơn"),
                "secrets_check": N_("Tự làm giữ bí mật")}
#: The rule «Đã tập huấn» counts by (``core_lessons`` and ``pass_mark`` of ``bakhong.toml``).
TRAINED_RULE = N_("Đã học = đạt {lessons}: mỗi bài ít nhất {mark}% số điểm (core_lessons, "
                  "pass_mark trong bakhong.toml).")


def trained_rule(core_lessons: Sequence[str], pass_mark: float, tr: Translator) -> str:
    """The rule a resident counts as trained by, in ``tr``'s language.

    >>> from bakhong.widgets.i18n import translator
    >>> trained_rule(("vneid_check", "safety"), 0.8, translator("vi"))[:43]
    'Đã học = đạt Tự làm VNeID, An toàn: mỗi bài'
    """
    names = ", ".join(tr(LESSON_NAMES.get(lesson, lesson)) for lesson in core_lessons)
    return tr(TRAINED_RULE).format(lessons=names, mark=f"{pass_mark * 100:g}")


STEP_NAMES = {
    "intro": N_("Màn hình đầu"), "register": N_("Đăng ký mức 1"),
    "activate": N_("Gửi yêu cầu kích hoạt"), "otp": N_("Nhập mã OTP"),
    "password": N_("Đặt mật khẩu"), "passcode": N_("Đặt passcode"),
    "security": N_("Câu hỏi bảo mật"), "login": N_("Đăng nhập"), "device": N_("Thiết bị mới"),
    "home": N_("Trang chủ"), "reset_passcode": N_("Quên passcode"),
    "setup": N_("Cài đặt ứng dụng"), "confirm": N_("Xác nhận thanh toán"),
    "auth": N_("Xác thực giao dịch"), "biometric": N_("Xác thực sinh trắc học"),
    "pending": N_("Giao dịch đang xử lý"), "receipt": N_("Biên lai"), "locked": N_("Bị khóa"),
    "identity": N_("Thông tin định danh"), "ekyc": N_("Xác thực eKYC"),
    "contract": N_("Hợp đồng dịch vụ"), "pin": N_("Đặt mã PIN"), "active": N_("Đang dùng"),
    # lesson 0
    "tap": N_("Bấm nút"), "type": N_("Gõ chữ có dấu"), "sms": N_("Đọc mã trong SMS"),
    "privacy": N_("Dữ liệu cá nhân"), "store_pick": N_("Chọn loại điện thoại"),
    "store_app": N_("Kho ứng dụng"), "installed": N_("Đã cài ứng dụng"),
    "google_sign_in": N_("Đăng nhập Google"), "google_last_password": N_("Mật khẩu cũ (Google)"),
    "google_send_code": N_("Gửi mã (Google)"), "google_code": N_("Nhập mã (Google)"),
    "google_new_password": N_("Mật khẩu mới (Google)"), "apple_sign_in": N_("Đăng nhập Apple"),
    "apple_iforgot": N_("Quên mật khẩu (Apple)"), "apple_phone": N_("Số điện thoại (Apple)"),
    "apple_code": N_("Nhập mã (Apple)"), "apple_new_password": N_("Mật khẩu mới (Apple)"),
    # staying safe
    "call_ringing": N_("Cuộc gọi đến"), "call_talk": N_("Đang nghe máy"),
    "sms_inbox": N_("Hộp tin nhắn"), "sms_report": N_("Báo tin nhắn lừa đảo"),
    "apk": N_("Tải tệp cài đặt lạ"), "shop": N_("Quầy hàng"),
    "qr_confirm": N_("Xác nhận thanh toán QR"), "browser": N_("Trình duyệt"),
    "fake_login": N_("Trang đăng nhập giả"), "refund_chat": N_("Trò chuyện «hoàn tiền»"),
    "outcome": N_("Kết quả bài tập"),
}
FORM_STEP = N_("Tờ khai, bước {n}")
FAULT_GROUPS = {"vneid": N_("Ứng dụng VNeID"), "bank": N_("Ngân hàng"),
                "portal": N_("Cổng Dịch vụ công"), "sign": N_("Ký số")}
OFFICIAL_LABELS = {"receive": N_("Tiếp nhận"), "supplement": N_("Yêu cầu bổ sung"),
                   "approve": N_("Duyệt, trả kết quả"), "refuse": N_("Từ chối tiếp nhận"),
                   "stop": N_("Dừng xử lý hồ sơ")}

CSS = """
.bk-dash { font: 15px/1.45 system-ui, sans-serif; color: #111; width: 100%; max-width: 1680px;
  padding: 4px 8px; box-sizing: border-box; }
.bk-dash * { box-sizing: border-box; }
.bk-dash .widget-html, .bk-dash .widget-html-content { height: auto; line-height: 1.45; }
.bk-dash .widget-button { min-height: 40px; height: auto; font-size: 15px; }
.bk-dash .widget-checkbox { height: auto; min-height: 32px; }
.bk-dash .widget-checkbox label, .bk-dash .widget-checkbox span { white-space: normal;
  overflow: visible; text-overflow: clip; line-height: 1.3; }
.bk-dash .widget-dropdown, .bk-dash .widget-text { height: auto; }
.bk-dash-detail .widget-inline-hbox { max-width: calc(100% - 4px); }
.bk-dash select, .bk-dash input[type=text] { font-size: 15px; min-height: 36px; }
.bk-dash h1 { font-size: 24px; margin: 4px 0; }
.bk-dash h2 { font-size: 19px; margin: 10px 0 4px; }
.bk-dash h3 { font-size: 16px; margin: 8px 0 2px; }
.bk-dash-header { align-items: center; gap: 12px; flex-wrap: wrap; }
.bk-dash-header .bk-langbar { width: auto; margin-left: auto; }
.bk-dash-toolbar { align-items: center; gap: 8px; flex-wrap: wrap; }
.bk-dash-toolbar .widget-button { width: auto; min-width: 120px; }
.bk-dash-main { display: flex; flex-wrap: wrap; gap: 12px; align-items: flex-start; }
.bk-dash-class { flex: 3 1 700px; min-width: 0; }
.bk-dash-detail { flex: 1 1 420px; min-width: 360px; max-width: 640px;
  border: 2px solid #0b3d91;
  border-radius: 8px; padding: 6px 12px; }
.bk-dash-table-scroll { max-height: 62vh; overflow: auto; border: 1px solid #999; }
.bk-dash-table-wrap { overflow: visible; }
.bk-dash table { border-collapse: collapse; width: 100%; }
.bk-dash th, .bk-dash td { border-bottom: 1px solid #ccc; padding: 4px 6px; text-align: left;
  vertical-align: top; }
.bk-dash-table thead th { position: sticky; top: 0; background: #eef2f8; z-index: 1; }
.bk-dash-table caption, .bk-dash-communes caption { text-align: left; font-weight: 700;
  padding: 4px 0; }
.bk-dash-row-stuck { background: #fff3e0; }
.bk-dash-row-selected td { background: #e3eaf6; }
.bk-dash-flag { color: #b71c1c; font-weight: 700; font-size: 18px; }
.bk-dash-time { font-variant-numeric: tabular-nums; white-space: nowrap; }
.bk-dash-table td:nth-child(3) { min-width: 9em; }
.bk-dash-pass { color: #1b5e20; font-weight: 700; }
.bk-dash-fail { color: #b71c1c; font-weight: 700; }
.bk-dash-pending { color: #444; font-style: italic; }
.bk-dash-sr { position: absolute; width: 1px; height: 1px; overflow: hidden;
  clip: rect(0 0 0 0); white-space: nowrap; }
.bk-dash-bar { width: 110px; height: 14px; vertical-align: middle; margin-right: 6px; }
.bk-dash-facts { margin: 4px 0; }
.bk-dash-facts p { margin: 2px 0; }
.bk-dash-stuck-note { border-left: 6px solid #e65100; background: #fff3e0; padding: 4px 8px; }
.bk-dash-actions { flex-wrap: wrap; gap: 6px; }
.bk-dash-actions .widget-button { width: auto; min-width: 110px; }
.bk-dash-confirm { border: 3px solid #b71c1c; background: #fdecea; border-radius: 8px;
  padding: 6px 10px; margin: 6px 0; }
.bk-dash .widget-button.bk-dash-reset-confirm { background: #b71c1c; color: #fff; }
"""


class NoDossierChosen(SandboxError):
    code = "dashboard.no_dossier"
    message = N_("Hãy chọn một hồ sơ của học viên này.")


class NoLearnerChosen(SandboxError):
    code = "dashboard.no_learner"
    message = N_("Hãy chọn một học viên trước.")


def _esc(text: object) -> str:
    return html.escape(str(text))


def clock_span(span: timedelta | None) -> str:
    """A time on a step as ``m:ss``, or ``h:mm:ss`` from an hour on.

    >>> clock_span(timedelta(minutes=12, seconds=5)), clock_span(timedelta(hours=1, seconds=9))
    ('12:05', '1:00:09')
    >>> clock_span(None)
    '—'
    """
    if span is None:
        return "—"
    seconds = int(span.total_seconds())
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _refusal_messages() -> dict[str, str]:
    """Refusal code -> its Vietnamese source message, for the codes already loaded."""
    found: dict[str, str] = {}
    pending: list[type[SandboxError]] = [SandboxError]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        found.setdefault(cls.code, cls.message)
    return found


class DashboardHandles:
    """The dashboard. ``controls`` holds every control by name (``refresh``, ``auto``,
    ``timer``, ``search``, ``commune``, ``stuck-only``, ``learner``, ``fault:<name>``,
    ``dossier``, ``reason``, ``official:<action>``, ``lesson``, ``reset``, ``reset-confirm``,
    ``reset-cancel``, ``regrade``, ``lang-vi``, ``lang-en``); they change when the language
    does. ``progress`` is the last reading, ``shown`` the learners the filters keep."""

    def __init__(self, box: Sandbox, *, lang: str = "vi", pass_mark: float = 0.8,
                 core_lessons: Sequence[str] = settings.DEFAULT_CORE_LESSONS,
                 refresh_seconds: int = REFRESH_SECONDS,
                 variant_titles: Callable[[], Mapping[str, str]] = dict) -> None:
        self.box = box
        #: the workshop's own lessons (name → title), read again at each refresh: a resident
        #: who handed one in is in it (``lesson_variants``)
        self.variant_titles, self.variants = variant_titles, variant_titles()
        self.lang = lang if lang in LANGUAGES else "vi"
        self.tr = translator(self.lang)
        self.pass_mark, self.core_lessons = pass_mark, tuple(core_lessons)
        self.refresh_seconds = refresh_seconds
        self.root = w.VBox([], layout=w.Layout(width="100%"))
        self.root.add_class("bk-dash")
        self.controls: dict[str, w.Widget] = {}
        self.message = MessageArea(self.tr)
        self.progress: list[LearnerProgress] = []
        self.communes: list[progress.CommuneProgress] = []
        self.shown: list[LearnerProgress] = []
        self.selected: str | None = None
        self.refreshed_at: datetime | None = None
        self._pending_reset: tuple[str, str] | None = None
        self._syncing = False
        self._busy = False
        self._build()

    # -- building ---------------------------------------------------------------------

    def _keep(self, name: str, widget: Any) -> Any:
        if isinstance(widget, w.Button):
            widget.layout.width = "auto"  # a laptop row of buttons, not a phone's column
        self.controls[name] = widget
        return widget

    def _build(self) -> None:
        tr = self.tr
        _ = tr
        old = self.root.children
        self.controls = {}
        self.message = MessageArea(tr)
        style = w.HTML(f"<style>{CSS}</style>", layout=w.Layout(display="none"))
        common = stylesheet()  # the message area, the badge and the language switch
        bar, langs = language_bar(self.lang, self.set_language, tr, self.message)
        bar.layout.width = "auto"
        for lang, button in langs.items():
            button.layout.width = "auto"
            self._keep(f"lang-{lang}", button)
        mark = badge(tr)
        mark.layout.width = "auto"
        heading = _("Bảng theo dõi lớp học")
        title = w.HTML(f"<h1>{_esc(heading)}</h1>")
        header = w.HBox([title, mark, bar], layout=w.Layout(width="100%"))
        header.add_class("bk-dash-header")

        refresh = self._keep("refresh", action_button("bk-dash-refresh", _("Làm mới"),
                                                      primary=True))
        refresh.on_click(lambda _b: self._safely(self.refresh))
        auto = self._keep("auto", w.Checkbox(
            value=False, indent=False, description=_("Tự làm mới mỗi {seconds} giây").format(
                seconds=self.refresh_seconds), layout=w.Layout(width="auto")))
        auto.add_class("bk-dash-auto")
        timer = self._keep("timer", w.Play(
            value=0, min=0, max=10**9, step=1, interval=self.refresh_seconds * 1000,
            repeat=True, show_repeat=False, playing=False, layout=w.Layout(display="none")))
        w.link((auto, "value"), (timer, "playing"))
        timer.observe(lambda _c: self._tick(), names="value")
        self.updated = w.HTML("")
        self.updated.add_class("bk-dash-updated")
        search = self._keep("search", w.Text(
            placeholder=_("Tìm theo mã hoặc tên"), description=_("Tìm"),
            continuous_update=False, layout=w.Layout(width="260px")))
        search.add_class("bk-dash-search")
        commune = self._keep("commune", w.Dropdown(
            options=[(_("Tất cả xã/phường"), ALL)], value=ALL, description=_("Xã/Phường"),
            layout=w.Layout(width="300px")))
        commune.add_class("bk-dash-commune")
        stuck_only = self._keep("stuck-only", w.Checkbox(
            value=False, indent=False, description=_("Chỉ học viên gặp khó"),
            layout=w.Layout(width="auto")))
        stuck_only.add_class("bk-dash-stuck-only")
        for control in (search, commune, stuck_only):
            control.observe(lambda _c: self._safely(self._show_class), names="value")
        toolbar = w.HBox([refresh, auto, timer, self.updated, search, commune, stuck_only],
                         layout=w.Layout(width="100%"))
        toolbar.add_class("bk-dash-toolbar")

        self.summary = w.HTML("")
        self.summary.add_class("bk-dash-summary")
        self.commune_bars = w.HTML("")
        self.commune_bars.add_class("bk-dash-communes")
        self.table = w.HTML("")
        self.table.add_class("bk-dash-table-wrap")
        left = w.VBox([self.summary, self.table, self.commune_bars])
        left.add_class("bk-dash-class")
        main = w.HBox([left, self._build_detail()], layout=w.Layout(width="100%"))
        main.add_class("bk-dash-main")
        self.root.children = (common, style, header, toolbar, self.message.root, main)
        for widget in old:
            close_tree(widget)

    def _build_detail(self) -> w.VBox:
        _ = self.tr
        learner = self._keep("learner", w.Dropdown(
            options=[(_("— chọn học viên —"), "")], value="", description=_("Học viên"),
            layout=w.Layout(width="100%")))
        learner.add_class("bk-dash-learner")
        learner.observe(lambda c: self._safely(partial(self.select, c["new"] or None)),
                        names="value")
        self.facts = w.HTML("")
        self.facts.add_class("bk-dash-facts")

        boxes: list[w.Widget] = []
        for group, group_title in FAULT_GROUPS.items():
            boxes.append(w.HTML(f"<h3>{_esc(_(group_title))}</h3>",
                                layout=w.Layout(grid_column="1 / -1")))
            for fault in faults.CATALOGUE.values():
                if fault.name.split(".")[0] != group:
                    continue
                box = self._keep(f"fault:{fault.name}", w.Checkbox(
                    value=False, indent=False, description=_(fault.title),
                    layout=w.Layout(width="100%")))
                box.add_class("bk-dash-fault")
                box.observe(partial(self._on_fault, fault.name), names="value")
                boxes.append(box)
        fault_grid = w.GridBox(boxes, layout=w.Layout(
            width="100%", grid_template_columns="repeat(auto-fill, minmax(220px, 1fr))",
            grid_gap="0 12px"))
        fault_grid.add_class("bk-dash-faults")

        self.dossier_list = w.HTML("")
        self.dossier_list.add_class("bk-dash-dossier-list")
        dossier = self._keep("dossier", w.Dropdown(
            options=[], description=_("Hồ sơ"), layout=w.Layout(width="100%")))
        dossier.add_class("bk-dash-dossier")
        reason = self._keep("reason", w.Text(
            placeholder=_("Lý do (bổ sung, từ chối, dừng xử lý)"), description=_("Lý do"),
            layout=w.Layout(width="100%")))
        reason.add_class("bk-dash-reason")
        buttons = []
        for action in dossiers.ACTIONS:
            button = self._keep(f"official:{action}", action_button(
                "bk-dash-official", _(OFFICIAL_LABELS[action])))
            button.on_click(lambda _b, a=action: self._safely(partial(self._official, a)))
            buttons.append(button)
        actions = w.HBox(buttons, layout=w.Layout(width="100%"))
        actions.add_class("bk-dash-actions")
        self._dossier_controls: tuple[w.Widget, ...] = (dossier, reason, actions)
        self.dossier_box = w.VBox([self.dossier_list, *self._dossier_controls])

        lesson = self._keep("lesson", w.Dropdown(
            options=[(_(LESSON_NAMES[name]), name) for name in progress.LESSON_FLOWS],
            description=_("Bài học"), layout=w.Layout(width="100%")))
        lesson.add_class("bk-dash-lesson")
        reset = self._keep("reset", action_button("bk-dash-reset", _("Đặt lại bài học")))
        reset.on_click(lambda _b: self._safely(self._ask_reset))
        regrade = self._keep("regrade", action_button("bk-dash-regrade", _("Chấm lại")))
        regrade.on_click(lambda _b: self._safely(self._regrade))
        lesson_actions = w.HBox([reset, regrade])
        lesson_actions.add_class("bk-dash-actions")
        self.confirm_text = w.HTML("")
        confirm = self._keep("reset-confirm", action_button(
            "bk-dash-reset-confirm", _("Xác nhận đặt lại")))
        confirm.on_click(lambda _b: self._safely(self._confirm_reset))
        cancel = self._keep("reset-cancel", action_button("bk-dash-reset-cancel", _("Hủy")))
        cancel.on_click(lambda _b: self._safely(self._cancel_reset))
        confirm_row = w.HBox([confirm, cancel])
        confirm_row.add_class("bk-dash-actions")
        self.confirm_box = w.VBox([self.confirm_text, confirm_row],
                                  layout=w.Layout(display="none"))
        self.confirm_box.add_class("bk-dash-confirm")

        def heading(text: str) -> w.HTML:
            return w.HTML(f"<h2>{_esc(text)}</h2>")

        self.learner_box = w.VBox([
            heading(_("Tình huống lỗi")), fault_grid,
            heading(_("Hồ sơ trên Cổng Dịch vụ công")), self.dossier_box,
            heading(_("Bài học của học viên")), lesson, lesson_actions, self.confirm_box,
        ], layout=w.Layout(width="100%", display="none"))
        detail = w.VBox([heading(_("Chi tiết học viên")), learner, self.facts,
                         self.learner_box])
        detail.add_class("bk-dash-detail")
        return detail

    # -- reading ----------------------------------------------------------------------

    def _safely(self, action: Callable[[], str | None]) -> None:
        run_safely(action, self.message, self.tr)

    def _tick(self) -> None:
        if not self._busy:
            self._safely(self.refresh)

    def refresh(self) -> None:
        """Read the whole class again and show it."""
        self._busy = True
        try:
            now = self.box.clock.now()
            graded = results.read(self.box.store, results.key_of(self.box.workshop_id),
                                  self.box.workshop_id, pass_mark=self.pass_mark,
                                  core_lessons=self.core_lessons)
            self.progress = progress.class_progress(self.box.store, now, results=graded)
            self.variants = self.variant_titles()
            self.communes = progress.commune_progress(self.box.store, graded)
            self.refreshed_at = now
            self._sync_communes()
            self._show_class()
            self._show_detail()
            _ = self.tr
            self.updated.value = _esc(_("Cập nhật lúc {time}").format(time=f"{now:%H:%M:%S}"))
        finally:
            self._busy = False

    def _sync_communes(self) -> None:
        _ = self.tr
        commune = self.controls["commune"]
        options = [(_("Tất cả xã/phường"), ALL)] + [(c.commune, c.commune) for c in self.communes]
        if list(commune.options) != options:
            keep = commune.value if commune.value in {v for _l, v in options} else ALL
            with self._quiet():
                commune.options = options
                commune.value = keep

    def _filtered(self) -> list[LearnerProgress]:
        words = " ".join(str(self.controls["search"].value).split()).casefold()
        commune = self.controls["commune"].value
        stuck_only = bool(self.controls["stuck-only"].value)
        kept = [p for p in self.progress
                if (commune == ALL or p.commune == commune)
                and (not stuck_only or p.stuck is not None)
                and (not words or words in f"{p.code} {p.full_name}".casefold())]
        return sorted(kept, key=lambda p: (p.stuck is None, p.commune, p.full_name, p.code))

    def _show_class(self) -> None:
        _ = self.tr
        self.shown = self._filtered()
        stuck = sum(p.stuck is not None for p in self.progress)
        active = sum(p.active for p in self.progress)
        parts = (_("{stuck} học viên gặp khó").format(stuck=stuck),
                 _("{active} đang học").format(active=active),
                 _("{total} học viên").format(total=len(self.progress)))
        self.summary.value = (f'<p role="status"><b>{_esc(parts[0])}</b> · {_esc(parts[1])} · '
                              f"{_esc(parts[2])}</p>")
        self.table.value = self._table_html(self.shown)
        self.commune_bars.value = self._communes_html()
        learner = self.controls["learner"]
        chosen = list(self.shown)
        if self.selected and all(p.learner_id != self.selected for p in chosen):
            chosen += [p for p in self.progress if p.learner_id == self.selected]
        options = [(_("— chọn học viên —"), "")] + [
            (f"{p.code} — {p.full_name}{' ⚠' if p.stuck else ''}", p.learner_id) for p in chosen]
        if list(learner.options) != options:
            with self._quiet():
                learner.options = options
                learner.value = self.selected or ""

    def lesson_name(self, name: str | None) -> str:
        """A lesson as the dashboard names it: the course's short name in its language, a
        workshop variant's title, else its code (``—`` for none)."""
        if name in LESSON_NAMES:
            return self.tr(LESSON_NAMES[name])
        return self.variants.get(name or "", name or "—")

    def _lesson_cell(self, name: str | None) -> str:
        return _esc(self.lesson_name(name))

    def step_name(self, step: str | None) -> str:
        """The step in the dashboard's language (the app's own code when it has no name)."""
        if step is None:
            return "—"
        if step.startswith("form "):
            return self.tr(FORM_STEP).format(n=step.split(" ", 1)[1])
        return self.tr(STEP_NAMES[step]) if step in STEP_NAMES else step

    def stuck_text(self, item: LearnerProgress) -> str:
        """Why ``item`` looks stuck, in the dashboard's language ("" when not stuck)."""
        _ = self.tr
        found = item.stuck
        if found is None:
            return ""
        if found.code.startswith("sign."):
            import bakhong.simulators.signing  # noqa: F401  (its refusals, for their messages)
        message = _refusal_messages().get(found.code)
        error = _(message) if message and "{" not in message else found.code
        if found.kind == progress.HINT:
            if found.code == HINT_OFFERED:
                return _("Ứng dụng đã mở gợi ý ở bước «{step}»").format(
                    step=self.step_name(found.step))
            return _("Ứng dụng đã mở gợi ý ở bước «{step}» sau {count} lần lỗi (gần nhất: "
                     "«{error}»)").format(step=self.step_name(found.step), count=found.count,
                                         error=error)
        if found.kind == progress.REPEATED:
            return _("{count} lần «{error}» trong 10 phút").format(count=found.count,
                                                                  error=error)
        return _("Hơn 10 phút ở bước «{step}», {count} lần lỗi (gần nhất: «{error}»)").format(
            step=self.step_name(found.step), count=found.count, error=error)

    def _score_cell(self, score: LessonScore | None) -> str:
        _ = self.tr
        if score is None:
            return "<td>—</td>"
        if score.status in (submissions.QUEUED, submissions.GRADING):
            grading = _("đang chấm")
            return f'<td class="bk-dash-pending">{_esc(grading)}</td>'
        if score.status == submissions.FAILED:
            failed = _("lỗi chấm")
            return f'<td class="bk-dash-fail">{_esc(failed)}</td>'
        if score.status == progress.UNSEALED:
            edited = _("điểm bị sửa ngoài bakhong")
            return f'<td class="bk-dash-fail">{_esc(edited)}</td>'
        css = "bk-dash-pass" if score.passed else "bk-dash-fail"
        return f'<td class="{css}">{score.score or 0:g}/{score.max_score or 0:g}</td>'

    def _table_html(self, rows: Iterable[LearnerProgress]) -> str:
        _ = self.tr
        heads = [_("Mã"), _("Họ và tên"), _("Xã/Phường"), _("Bài đang học"), _("Bước"),
                 _("Thời gian ở bước")] + [_(LESSON_NAMES[n]) for n in progress.LESSON_FLOWS]
        flag = _("Gặp khó")
        head = (f'<th scope="col"><span aria-hidden="true">⚠</span>'
                f'<span class="bk-dash-sr">{_esc(flag)}</span></th>'
                + "".join(f'<th scope="col">{_esc(h)}</th>' for h in heads))
        body = []
        for p in rows:
            css = ["bk-dash-row"]
            if p.stuck:
                css.append("bk-dash-row-stuck")
            if p.learner_id == self.selected:
                css.append("bk-dash-row-selected")
            why = self.stuck_text(p)
            mark = (f'<td class="bk-dash-flag" title="{_esc(why)}">⚠'
                    f'<span class="bk-dash-sr">{_esc(flag)}: {_esc(why)}</span></td>'
                    if p.stuck else "<td></td>")
            scores = "".join(self._score_cell(p.scores.get(n)) for n in progress.LESSON_FLOWS)
            body.append(
                f'<tr class="{" ".join(css)}" data-code="{_esc(p.code)}">{mark}'
                f"<td><code>{_esc(p.code)}</code></td><td>{_esc(p.full_name)}</td>"
                f"<td>{_esc(p.commune)}</td><td>{self._lesson_cell(p.lesson)}</td>"
                f'<td title="{_esc(p.step or "")}">{_esc(self.step_name(p.step))}</td>'
                f'<td class="bk-dash-time">{clock_span(p.on_step)}</td>{scores}</tr>')
        if not body:
            nobody = _("Không có học viên nào khớp bộ lọc.")
            body.append(f'<tr><td colspan="{len(heads) + 1}">{_esc(nobody)}</td></tr>')
        caption = _("Học viên ({shown}/{total})").format(shown=len(self.shown),
                                                         total=len(self.progress))
        # the table scrolls inside a region the keyboard can reach (axe: a scrollable region
        # must be focusable; wide with the checks' columns, it scrolls sideways too)
        return (f'<div class="bk-dash-table-scroll" tabindex="0" role="region" '
                f'aria-label="{_esc(caption)}">'
                f'<table class="bk-dash-table"><caption>{_esc(caption)}</caption>'
                f'<thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table></div>')

    def _communes_html(self) -> str:
        _ = self.tr
        heads = [_("Xã/Phường"), _("Ghi danh"), _("Đã đồng ý"), _("Đã nộp bài"),
                 _("Đã tập huấn")]
        rows = []
        for c in self.communes:
            cells = []
            for label, value in ((heads[2], c.consented), (heads[3], c.submitted),
                                 (heads[4], c.trained)):
                name = f"{label} – {c.commune}: {value}/{c.enrolled}"
                cells.append(f'<td><progress class="bk-dash-bar" max="{max(c.enrolled, 1)}" '
                             f'value="{value}" aria-label="{_esc(name)}"></progress>'
                             f"{value}/{c.enrolled}</td>")
            rows.append(f"<tr><th scope=\"row\">{_esc(c.commune)}</th><td>{c.enrolled}</td>"
                        f"{''.join(cells)}</tr>")
        head = "".join(f'<th scope="col">{_esc(h)}</th>' for h in heads)
        caption = _("Tiến độ theo xã/phường")
        rule = trained_rule(self.core_lessons, self.pass_mark, self.tr)
        return (f"<table><caption>{_esc(caption)}</caption>"
                f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
                f'<p class="bk-dash-rule">{_esc(rule)}</p>')

    # -- one learner ------------------------------------------------------------------

    @contextmanager
    def _quiet(self) -> Iterator[None]:
        """While the view sets values itself, its observers do nothing."""
        before, self._syncing = self._syncing, True
        try:
            yield
        finally:
            self._syncing = before

    def select(self, learner_id: str | None) -> None:
        """Show one learner's panel (``None``: none)."""
        if self._syncing:
            return
        if learner_id is not None and all(p.learner_id != learner_id for p in self.progress):
            learner_id = None
        changed = learner_id != self.selected
        self.selected = learner_id
        if changed:
            self._cancel_reset()
            mine = self._mine()
            with self._quiet():
                self.controls["learner"].value = learner_id or ""
                if mine is not None and mine.lesson in progress.LESSON_FLOWS:
                    self.controls["lesson"].value = mine.lesson
            self.table.value = self._table_html(self.shown)
        self._show_detail()

    def _mine(self) -> LearnerProgress | None:
        return next((p for p in self.progress if p.learner_id == self.selected), None)

    def _show_detail(self) -> None:
        _ = self.tr
        mine = self._mine()
        if mine is None:
            choose = _("Chọn một học viên để xem chi tiết.")
            self.facts.value = f"<p>{_esc(choose)}</p>"
            self.learner_box.layout.display = "none"
            return
        self.learner_box.layout.display = None
        facts = [(_("Học viên"), f"{mine.full_name} ({mine.code})"),
                 (_("Xã/Phường"), mine.commune),
                 (_("Bài đang học"), self.lesson_name(mine.lesson)),
                 (_("Bước"), self.step_name(mine.step)),
                 (_("Thời gian ở bước"), clock_span(mine.on_step)),
                 (_("Lần cuối thao tác"), f"{mine.last_seen:%H:%M:%S}" if mine.last_seen
                  else "—"),
                 (_("Đã đồng ý thông báo dữ liệu"), _("có") if mine.consented else _("chưa"))]
        rows = "".join(f"<p><b>{_esc(k)}:</b> {_esc(v)}</p>" for k, v in facts)
        note = (f'<p class="bk-dash-stuck-note" role="status">⚠ {_esc(self.stuck_text(mine))}'
                "</p>" if mine.stuck else "")
        self.facts.value = rows + note
        armed = set(faults.armed(self.box.store, mine.learner_id))
        with self._quiet():
            for name in faults.CATALOGUE:
                self.controls[f"fault:{name}"].value = name in armed
        self._show_dossiers(mine.learner_id)

    def _show_dossiers(self, learner_id: str) -> None:
        _ = self.tr
        with self.box.store.engine.connect() as conn:
            found = [dossiers.load(conn, code) for code in dossiers.codes_of(conn, learner_id)]
        if not found:
            none = _("Học viên chưa nộp hồ sơ nào.")
            self.dossier_list.value = f"<p>{_esc(none)}</p>"
        else:
            rows = "".join(
                f"<tr><td><code>{_esc(d.code)}</code></td>"
                f"<td>{_esc(_(procedures.by_code(d.procedure).title))}</td>"
                f"<td>{d.status} {_esc(_(d.status_title))}</td>"
                f"<td>{_esc(_(dossiers.FEE_STATE[d.fee.state]) if d.fee else '—')}</td></tr>"
                for d in found)
            heads = "".join(f'<th scope="col">{_esc(h)}</th>' for h in (
                _("Mã hồ sơ"), _("Thủ tục"), _("Trạng thái"), _("Phí, lệ phí")))
            self.dossier_list.value = f"<table><tr>{heads}</tr>{rows}</table>"
        dossier = self.controls["dossier"]
        options = [(f"{d.code} — {_(d.status_title)}", d.code) for d in found]
        if list(dossier.options) != options:
            keep = dossier.value if dossier.value in {c for _l, c in options} else None
            with self._quiet():
                dossier.options = options
                dossier.value = keep or (options[0][1] if options else None)
        for child in self._dossier_controls:
            child.layout.display = None if found else "none"

    def _learner(self) -> LearnerProgress:
        mine = self._mine()
        if mine is None:
            raise NoLearnerChosen()
        return mine

    # -- the trainer's actions --------------------------------------------------------

    def _on_fault(self, name: str, change: dict[str, Any]) -> None:
        if self._syncing:
            return
        _ = self.tr

        def act() -> str:
            mine = self._learner()
            if change["new"]:
                faults.switch_on(self.box.store, mine.learner_id, name)
                text = _("Đã bật «{fault}» cho {name}.")
            else:
                faults.switch_off(self.box.store, mine.learner_id, name)
                text = _("Đã tắt «{fault}» cho {name}.")
            return text.format(fault=_(faults.CATALOGUE[name].title), name=mine.full_name)

        run_safely(act, self.message, self.tr, after=self._show_detail)

    def _official(self, action: str) -> str:
        _ = self.tr
        mine = self._learner()
        code = self.controls["dossier"].value
        if not code:
            raise NoDossierChosen()
        with self.box.store.engine.connect() as conn:
            owner = dossiers.load(conn, code).learner_id
        if owner != mine.learner_id:
            raise NoDossierChosen(code)
        reason = " ".join(str(self.controls["reason"].value).split())  # a widget value
        hooks = self.box.portal(owner).hooks()
        with self.box.store.transaction() as conn:
            done = dossiers.official_action(conn, self.box.clock, code, action, hooks,
                                            reason[:MAX_REASON])
        self._show_detail()
        return _("Hồ sơ {code}: {status}.").format(code=done.code,
                                                   status=f"{done.status} {_(done.status_title)}")

    def _ask_reset(self) -> None:
        _ = self.tr
        mine = self._learner()
        lesson = str(self.controls["lesson"].value)
        self._pending_reset = (mine.learner_id, lesson)
        self.confirm_text.value = "<p>{}</p>".format(_esc(_(
            "Đặt lại bài «{lesson}» của {name} ({code})? Học viên sẽ làm lại bài từ đầu. "
            "Lịch sử thao tác vẫn được giữ; lần nộp bài sau chỉ được chấm trên những gì "
            "làm sau khi đặt lại.").format(lesson=_(LESSON_NAMES[lesson]), name=mine.full_name,
                                          code=mine.code)))
        self.confirm_box.layout.display = None

    def _cancel_reset(self) -> None:
        self._pending_reset = None
        self.confirm_box.layout.display = "none"

    def _confirm_reset(self) -> str | None:
        _ = self.tr
        pending, self._pending_reset = self._pending_reset, None
        self.confirm_box.layout.display = "none"
        if pending is None:
            return None
        learner_id, lesson = pending
        trainer.reset_attempt(self.box.store, self.box.clock, learner_id, lesson)
        self.refresh()
        name = next((p.full_name for p in self.progress if p.learner_id == learner_id),
                    learner_id)
        return _("Đã đặt lại bài «{lesson}» cho {name}.").format(
            lesson=_(LESSON_NAMES[lesson]), name=name)

    def _regrade(self) -> str:
        _ = self.tr
        mine = self._learner()
        lesson = str(self.controls["lesson"].value)
        if lesson not in progress.LESSON_FLOWS:
            raise trainer.UnknownLesson(lesson)
        submissions.enqueue(self.box.store, self.box.clock, mine.learner_id, lesson)
        self.refresh()
        return _("Đã xếp bài «{lesson}» của {name} vào hàng chờ chấm lại. Máy chấm của "
                 "«bakhong serve» sẽ chấm trong ít phút.").format(
            lesson=_(LESSON_NAMES[lesson]), name=mine.full_name)

    def set_language(self, lang: str) -> None:
        """Rebuild the dashboard in ``lang`` (the selection and filters start afresh)."""
        if lang == self.lang or lang not in LANGUAGES:
            return
        self.lang, self.tr = lang, translator(lang)
        selected, self.selected = self.selected, None
        self._build()
        self.refresh()
        self.select(selected)


def dashboard(box: Sandbox, *, lang: str = "vi", pass_mark: float = 0.8,
              core_lessons: Sequence[str] = settings.DEFAULT_CORE_LESSONS,
              refresh_seconds: int = REFRESH_SECONDS, display: bool = False,
              variant_titles: Callable[[], Mapping[str, str]] = dict) -> DashboardHandles:
    """The dashboard over ``box``; a failure to read is shown in its message area."""
    handles = DashboardHandles(box, lang=lang, pass_mark=pass_mark, core_lessons=core_lessons,
                               refresh_seconds=refresh_seconds, variant_titles=variant_titles)
    handles._safely(handles.refresh)
    if display:
        from IPython.display import display as show

        show(handles.root)  # type: ignore[no-untyped-call]
    return handles


def dashboard_app() -> None:
    """The one call the dashboard notebook makes (written by ``bakhong.dashboard``).

    The workshop comes from ``BAKHONG_WORKSHOP`` (and the store from ``BAKHONG_STORE_URL``),
    set by ``bakhong dashboard``; ``?lang=en`` opens it in English. Never a traceback.
    """
    from IPython.display import display as show

    from .entry import STORE_ENV, WORKSHOP_ENV

    try:
        from bakhong.grading import lesson_variants, settings

        root = Path(os.environ.get(WORKSHOP_ENV) or Path.cwd())
        chosen = settings.load(root)
        query = parse_qs(os.environ.get("QUERY_STRING", ""))
        box = Sandbox.open(os.environ.get(STORE_ENV) or chosen.store_url_for(root))
        dashboard(box, lang=query.get("lang", ["vi"])[0], pass_mark=chosen.pass_mark,
                  core_lessons=chosen.core_lessons, display=True,
                  variant_titles=partial(lesson_variants.titles, root))
    except Exception as err:  # never Voila's English banner
        tr = translator("vi")
        page = w.VBox([badge(tr), w.HTML(f"<p role='alert'>{_esc(error_text(err, tr))}</p>")])
        page.add_class("bk-dash")
        show(page)  # type: ignore[no-untyped-call]
