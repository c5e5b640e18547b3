"""The screens of lesson 7's VNeID app (everyday VNeID), one function per step.

The real app's words where the sources give them («Ví giấy tờ», «Tích hợp thông tin»,
«Thủ tục hành chính»: ``docs/facts.md``); what happens outside the phone (the clinic's
counter, a daughter's newborn) is in a dashed box, as the other lessons' scenes are.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Callable
from typing import TYPE_CHECKING

import ipywidgets as w

from bakhong.simulators import idnumber, qrimage, vneid_daily
from bakhong.simulators.vneid_daily import (
    BHYT,
    CCCD,
    GPLX,
    PROCEDURES,
    SCREENSHOT,
    SHOW_QR,
    TELL_PASSCODE,
    Paper,
    Status,
    Step,
)

from .i18n import N_
from .phone import choice_list, facts, html_block, paragraph, screen_title, vn_date

if TYPE_CHECKING:
    from .vneid_daily_app import VneidDailyView

__all__ = ["PAPER_NAMES", "build_screen"]

Screen = Callable[["VneidDailyView", Status], list[w.Widget]]

#: The papers as the wallet names them.
PAPER_NAMES = {CCCD: N_("Căn cước điện tử"), BHYT: N_("Thẻ BHYT"),
               GPLX: N_("Giấy phép lái xe")}
#: The wallet's buttons and the procedures' (classes literal: see docs/css-classes.md).
OPEN_CLASSES = {CCCD: "bk-vneid-daily-open-cccd", BHYT: "bk-vneid-daily-open-bhyt",
                GPLX: "bk-vneid-daily-open-gplx"}
PROCEDURE_CLASSES = {
    "permanent": "bk-vneid-daily-procedure-permanent",
    "temporary": "bk-vneid-daily-procedure-temporary",
    "stay": "bk-vneid-daily-procedure-stay",
    vneid_daily.NEWBORN_PROCEDURE: "bk-vneid-daily-procedure-newborn",
    "judicial": "bk-vneid-daily-procedure-judicial",
    "death": "bk-vneid-daily-procedure-death",
}


#: What each counter that asks for the health card says (:data:`.vneid_daily.COUNTERS`: the
#: lesson's clinic, or the check's hospital or health station): the heading, the button that
#: goes there, the arrival, the staff's question, the right answer and what follows, and the
#: two buttons that name the staff.
COUNTER_TEXTS: dict[str, dict[str, str]] = {
    vneid_daily.CLINIC: {
        "title": N_("Ở phòng khám (mô phỏng)"), "go": N_("Đến phòng khám"),
        "arrived": N_("Bạn đang ở quầy tiếp đón của phòng khám."),
        "ask": N_("Lễ tân: «Bác cho xem thẻ bảo hiểm y tế ạ.» Bác không mang thẻ giấy."),
        "right": N_("Đúng. Lễ tân quét mã QR trên điện thoại của bạn; không cần thẻ giấy."),
        "done": N_("Lễ tân đã quét mã và nhận thẻ bảo hiểm y tế của bạn. Mời bạn ngồi chờ "
                   "khám."),
        "show": N_("Cho lễ tân quét mã QR trên điện thoại"),
        "passcode": N_("Đọc passcode cho lễ tân")},
    vneid_daily.HOSPITAL: {
        "title": N_("Ở bệnh viện huyện (mô phỏng)"), "go": N_("Đến bệnh viện huyện"),
        "arrived": N_("Bạn đang ở quầy tiếp đón của bệnh viện huyện."),
        "ask": N_("Nhân viên quầy tiếp đón: «Bác cho xem thẻ bảo hiểm y tế ạ.» Bác không mang "
                  "thẻ giấy."),
        "right": N_("Nhân viên quét mã QR trên điện thoại của bạn."),
        "done": N_("Quầy tiếp đón đã nhận thẻ bảo hiểm y tế của bạn. Mời bạn lấy số thứ tự và "
                   "chờ khám."),
        "show": N_("Cho nhân viên quét mã QR trên điện thoại"),
        "passcode": N_("Đọc passcode cho nhân viên")},
    vneid_daily.HEALTH_STATION: {
        "title": N_("Ở trạm y tế xã (mô phỏng)"), "go": N_("Đến trạm y tế xã"),
        "arrived": N_("Bạn đang ở trạm y tế xã."),
        "ask": N_("Y sĩ ở trạm: «Bác cho xem thẻ bảo hiểm y tế ạ.» Bác không mang thẻ giấy."),
        "right": N_("Y sĩ quét mã QR trên điện thoại của bạn."),
        "done": N_("Trạm y tế đã nhận thẻ bảo hiểm y tế của bạn. Mời bạn ngồi chờ khám."),
        "show": N_("Cho y sĩ quét mã QR trên điện thoại"),
        "passcode": N_("Đọc passcode cho y sĩ")},
}
#: The situation on «Thủ tục hành chính», by the procedure to find (the lesson's newborn
#: bundle, or a check's).
SITUATIONS = {
    vneid_daily.NEWBORN_PROCEDURE: N_("Con gái bác vừa sinh cháu. Hãy tìm thủ tục làm giấy "
                                      "khai sinh, đăng ký thường trú và thẻ BHYT cho cháu cùng "
                                      "một lần."),
    "temporary": N_("Bác sắp lên thành phố ở nhà con trai vài tháng để trông cháu."),
    "judicial": N_("Bác cần giấy xác nhận không có án tích để làm hồ sơ xin việc."),
    "stay": N_("Cháu họ ở quê về ngủ lại nhà bác hai đêm."),
}


def _go(view: VneidDailyView, step: Step) -> Callable[[], None]:
    def act() -> None:
        view.sim.go(step)
    return act


def _back(view: VneidDailyView, step: Step) -> w.Button:
    _ = view.tr
    return view.button("bk-vneid-daily-back", _("Quay lại"), _go(view, step))


def _scene(text: str) -> w.HTML:
    """What happens in front of the learner, outside the phone."""
    return html_block(f'<div class="bk-merchant bk-sign">{html.escape(text)}</div>')


def _clinic(view: VneidDailyView, status: Status) -> list[w.Widget]:
    """The clinic's counter, under every screen once the learner is there."""
    _ = view.tr
    if not status.clinic_started:
        return []
    words = COUNTER_TEXTS[status.counter]
    if vneid_daily.TASK_CLINIC in status.done:  # said under the card shown, then gone
        if status.step is not Step.PAPER:
            return []
        return [_scene(_(words["done"]))]

    def show() -> str:
        view.sim.clinic_answer(SHOW_QR)
        return _(words["right"])

    def picture() -> None:
        view.sim.clinic_answer(SCREENSHOT)

    def passcode() -> None:
        view.sim.clinic_answer(TELL_PASSCODE)

    return [html_block("<h3>" + html.escape(_(words["title"])) + "</h3>"),
            _scene(_(words["ask"])),
            view.button("bk-vneid-daily-clinic-show-qr", _(words["show"]), show),
            view.button("bk-vneid-daily-clinic-screenshot",
                        _("Đưa ảnh chụp màn hình thẻ"), picture),
            view.button("bk-vneid-daily-clinic-passcode", _(words["passcode"]), passcode)]


def login(view: VneidDailyView, status: Status) -> list[w.Widget]:
    _ = view.tr
    code = view.field("bk-vneid-daily-passcode", _("Passcode"), _("6 chữ số"), secret=True,
                      keypad="numeric")

    def act() -> None:
        view.sim.login(code.value)
    account = html.escape(_("Tài khoản định danh điện tử mức 2 của"))
    owner = html_block(  # the persona's name: the learner's own data, not words to translate
        f'<p class="bk-persona">{account} '
        f'<span class="bk-value">{html.escape(view.persona.full_name)}</span></p>')
    where = (_("Passcode có trên thẻ nhân vật mô phỏng. Passcode bạn đặt ở Bài 1 cũng dùng "
               "được.") if status.own_account else _("Passcode có trên thẻ nhân vật mô phỏng."))
    return [screen_title(_("Đăng nhập bằng passcode")), owner, paragraph(where), code,
            view.button("bk-vneid-daily-login", _("Đăng nhập"), act, primary=True)]


def home(view: VneidDailyView, status: Status) -> list[w.Widget]:
    _ = view.tr

    words = COUNTER_TEXTS[status.counter]

    def clinic() -> str:
        view.sim.start_clinic()
        return _(words["arrived"])
    level = html.escape(_("Mức {level}").format(level=2))
    account = html.escape(_("Tài khoản định danh điện tử"))
    items: list[w.Widget] = [
        screen_title(_("Trang chủ")),
        html_block(f'<p>{account}: <span class="bk-level">{level}</span></p>'),
        view.button("bk-vneid-daily-go-wallet", _("Ví giấy tờ"), _go(view, Step.WALLET),
                    primary=True),
        view.button("bk-vneid-daily-go-procedures", _("Thủ tục hành chính"),
                    _go(view, Step.PROCEDURES)),
    ]
    if not status.clinic_started:
        items += [html_block("<h3>" + html.escape(_("Ngoài đời (mô phỏng)")) + "</h3>"),
                  view.button("bk-vneid-daily-go-clinic", _(words["go"]), clinic)]
    return items


def wallet(view: VneidDailyView, status: Status) -> list[w.Widget]:
    _ = view.tr
    items: list[w.Widget] = [screen_title(_("Ví giấy tờ"))]
    for kind in status.wallet:
        def open_paper(kind: str = kind) -> None:
            view.sim.open_paper(kind)
        items.append(view.button(OPEN_CLASSES[kind], _(PAPER_NAMES[kind]),
                                 open_paper))
    missing = [k for k in vneid_daily.INTEGRABLE if k not in status.wallet]
    if missing:
        items += [paragraph(_("Chưa có: {papers}.").format(
                      papers=", ".join(_(PAPER_NAMES[k]) for k in missing))),
                  view.button("bk-vneid-daily-go-add-paper", _("Tích hợp thông tin"),
                              _go(view, Step.ADD_PAPER), primary=True)]
    return [*items, _back(view, Step.HOME)]


def add_paper(view: VneidDailyView, status: Status) -> list[w.Widget]:
    _ = view.tr
    kinds = [(_(PAPER_NAMES[k]), k) for k in vneid_daily.INTEGRABLE if k not in status.wallet]
    kind = choice_list("bk-vneid-daily-paper-kind", _("Loại giấy tờ"), kinds,
                       kinds[0][1] if len(kinds) == 1 else None)
    view.keep("bk-vneid-daily-paper-kind", kind)
    number = view.field("bk-vneid-daily-paper-number", _("Số giấy phép lái xe"),
                        _("12 chữ số"), keypad="numeric")

    def find() -> str:
        view.sim.find_paper(str(kind.value or ""), number.value)
        return _("Đã tìm thấy giấy tờ. Hãy kiểm tra thông tin.")
    note = _("Thẻ BHYT được tìm theo số định danh của bạn; chỉ giấy phép lái xe cần gõ số.")
    return [screen_title(_("Tích hợp thông tin")), kind, number, paragraph(note, "bk-hint"),
            view.button("bk-vneid-daily-find-paper", _("Tìm giấy tờ"), find, primary=True),
            _back(view, Step.WALLET)]


def _paper_facts(view: VneidDailyView, paper: Paper) -> str:
    _ = view.tr
    number = idnumber.format(paper.number) if paper.kind == CCCD else paper.number
    detail = {CCCD: _("Nơi cư trú"), BHYT: _("Nơi khám bệnh ban đầu"),
              GPLX: _("Hạng")}[paper.kind]
    value = _(paper.detail).format(commune=view.persona.commune_name) \
        if paper.kind == BHYT else paper.detail
    until = vn_date(paper.valid_until) if paper.valid_until[:1].isdigit() \
        else _(paper.valid_until)
    return facts(((_("Họ và tên"), paper.holder), (_("Số"), number),
                  (_("Ngày sinh"), vn_date(paper.birth_date)), (detail, value),
                  (_("Có giá trị đến"), until)))


def confirm_paper(view: VneidDailyView, status: Status) -> list[w.Widget]:
    _ = view.tr
    paper = view.sim.papers()[status.paper or BHYT]

    def confirm() -> str:
        view.sim.confirm_paper()
        return _("Đã thêm {paper} vào «Ví giấy tờ».").format(paper=_(PAPER_NAMES[paper.kind]))
    card = html_block(f'<div class="bk-card-eid bk-persona">{_paper_facts(view, paper)}</div>')
    view.keep("bk-vneid-daily-found-paper", card)
    return [screen_title(_("Kiểm tra thông tin")),
            paragraph(_("Thông tin từ cơ sở dữ liệu quốc gia (mô phỏng). Kiểm tra đúng là của "
                        "bạn rồi mới xác nhận.")),
            card,
            view.button("bk-vneid-daily-confirm-paper", _("Xác nhận tích hợp"), confirm,
                        primary=True),
            _back(view, Step.ADD_PAPER)]


def paper(view: VneidDailyView, status: Status) -> list[w.Widget]:
    _ = view.tr
    shown = view.sim.papers()[status.paper or CCCD]
    data = base64.b64encode(qrimage.render_png(view.sim.qr_payload())).decode()
    alt = html.escape(_("Mã QR của {paper}").format(paper=_(PAPER_NAMES[shown.kind])))
    card = html_block(f'<div class="bk-card-eid bk-persona">{_paper_facts(view, shown)}</div>'
                      f'<img class="bk-qr-code" alt="{alt}" width="200" height="200" '
                      f'src="data:image/png;base64,{data}">')
    view.keep("bk-vneid-daily-paper-card", card)
    return [screen_title(_(PAPER_NAMES[shown.kind])), card, _back(view, Step.WALLET)]


def procedures(view: VneidDailyView, status: Status) -> list[w.Widget]:
    _ = view.tr
    items: list[w.Widget] = [
        screen_title(_("Thủ tục hành chính")),
        _scene(_(SITUATIONS[status.target])),
    ]
    for key, name in PROCEDURES.items():
        def choose(key: str = key) -> None:
            view.sim.choose_procedure(key)
        items.append(view.button(PROCEDURE_CLASSES[key], _(name), choose))
    return [*items, _back(view, Step.HOME)]


def procedure(view: VneidDailyView, status: Status) -> list[w.Widget]:
    _ = view.tr
    if status.target != vneid_daily.NEWBORN_PROCEDURE:  # a check's procedure: found, no more
        return [screen_title(_(PROCEDURES[status.target])),
                paragraph(_("Đã mở thủ tục này. Ở đây chỉ cần tìm thủ tục; hồ sơ nộp trên "
                            "Cổng Dịch vụ công như ở Bài 3.")),
                view.button("bk-vneid-daily-go-home", _("Về trang chủ"), _go(view, Step.HOME),
                            primary=True),
                _back(view, Step.PROCEDURES)]
    lines = [
        _("Đúng thủ tục rồi. Một bộ hồ sơ, ba kết quả: giấy khai sinh, đăng ký thường trú và "
          "thẻ BHYT của cháu."),
        _("Đây cũng là dịch vụ liên thông trên Cổng Dịch vụ công quốc gia (Bài 3), đăng nhập "
          "bằng chính tài khoản VNeID này."),
        _("Ở bài này chỉ cần tìm đúng thủ tục; cách nộp hồ sơ đầy đủ có ở Bài 3."),
    ]
    return [screen_title(_(PROCEDURES[vneid_daily.NEWBORN_PROCEDURE])),
            *(paragraph(x) for x in lines),
            view.button("bk-vneid-daily-go-home", _("Về trang chủ"), _go(view, Step.HOME),
                        primary=True),
            _back(view, Step.PROCEDURES)]


SCREENS: dict[Step, Screen] = {
    Step.LOGIN: login, Step.HOME: home, Step.WALLET: wallet, Step.ADD_PAPER: add_paper,
    Step.CONFIRM_PAPER: confirm_paper, Step.PAPER: paper, Step.PROCEDURES: procedures,
    Step.PROCEDURE: procedure,
}


def build_screen(view: VneidDailyView, status: Status) -> list[w.Widget]:
    items = SCREENS[status.step](view, status)
    return items if status.step is Step.LOGIN else [*items, *_clinic(view, status)]
