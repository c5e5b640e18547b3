"""The unaided checks («Tự làm»): one per skill, the practice app with a fresh scenario.

A check is what says a resident *can* do a skill (issue 20): the same app as the practice
lesson, but another persona, amount or procedure than the practice used, the goal stated
once, no step instructions, no hint, and every refusal recorded and explained only at the
end. It is graded by nbgrader from its own evidence (lesson ``<skill>_check``), so the
practice scores stay as they were for the trainer.

What all checks share is here, once:

* :class:`Check`: the check's lesson, the practice lesson it checks, its app and flow,
  its graded tasks, and the plain words that explain each refusal at the end;
* :class:`CheckFlow`: the check mode of an app's simulator (a mixin over its
  :class:`~.flow.LearnerFlow`): the scenario drawn from the learner and the check
  (:meth:`CheckFlow.draw`; a retake after the trainer's reset draws the next one), the
  goal (:meth:`CheckFlow.goal`), the mistakes (:meth:`CheckFlow.mistakes`), and the app
  closed once the check is handed in (:class:`CheckClosed`) until the trainer resets it
  (:func:`.attempts.reset_attempt` on the check's flow);
* :func:`completed_tasks`: the judge of every check's hidden tests.

Each skill adds its scenario: :class:`VneidCheckSimulator` (another person of the
learner's household activates VNeID up to level 2), :class:`BankCheckSimulator` (another
stall, another amount, a code stuck over the other stall's, another bill),
:class:`PortalCheckSimulator` (another procedure than the practice's newborn bundle: the
learner registers a temporary residence at a drawn address, with the right rental contract
among two, pays the fee and reads the dossier's code and status once received); the signing
check's, :class:`.signing_check.SigningCheckSimulator` (another paper to sign, a good and a
bad signature to tell apart), is in its own module.

>>> from datetime import datetime
>>> from bakhong.simulators.clock import FixedClock, VN_TZ
>>> from bakhong.simulators.sandbox import Sandbox
>>> from bakhong.simulators.learners import record_consent
>>> clock = FixedClock(datetime(2026, 12, 1, 9, tzinfo=VN_TZ))
>>> box = Sandbox.open("sqlite://", clock=clock, seed="check-doctest")
>>> _ = box.add_learners([("hv001", "Lê Thị Hoa", "Xã Thọ Long")])
>>> record_consent(box.store, clock, "hv001")
>>> check = box.vneid_check("hv001")
>>> check.card().persona_id != box.vneid("hv001").persona.persona_id
True
>>> check.card() == box.vneid_check("hv001").card()  # drawn from the learner, every time
True
>>> check.mistakes(), check.finished()
([], False)
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from types import MappingProxyType
from typing import Any, ClassVar, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from . import (
    bank,
    bills,
    civil_papers,
    dossiers,
    portal,
    procedures,
    receiving,
    registry,
    safety,
    scams,
    secrets,
    vietqr,
    vneid,
    vneid_daily,
)
from .clock import VN_TZ, Clock
from .errors import N_, SandboxError
from .evidence import HELP_TASKS, OK, RESET, Event, learner_events, record, since_last_reset
from .flow import LearnerFlow
from .store import Store, load_flow_state, sms_inbox
from .store import events as event_rows

__all__ = ["CHECKS", "BankCheckSimulator", "Check", "CheckClosed", "CheckFlow", "DrillCheckFlow",
           "Goal", "Mistake", "PortalCheckSimulator", "VneidCheckSimulator", "completed_tasks",
           "explanation"]
# the signing check's simulator is in :mod:`.signing_check`, the receiving check's in
# :mod:`.receiving_check`, the everyday VNeID check's in :mod:`.vneid_daily_check`, the scams
# check's in :mod:`.scams_check`, the bills check's in :mod:`.bills_check`, the secrets
# check's in :mod:`.secrets_check` (they import this module)

#: A drill lesson's status (:class:`DrillCheckFlow`).
S = TypeVar("S")

#: What the explanation says of a refusal no check names.
OTHER_MISTAKE = N_("Ứng dụng đã từ chối một thao tác. Hãy đọc kỹ thông báo của ứng dụng.")
#: The outcome the payment check records for a stall paid another amount than asked.
WRONG_AMOUNT = "payment.wrong_amount"


@dataclass(frozen=True)
class Check:
    """One skill's check."""

    lesson: str  # the check's own lesson (its notebook, its grade)
    skill: str  # the practice lesson it checks
    app: str  # the desk's name of its app (``Sandbox.<app>``)
    flow: str  # its saved state (``flow_states.flow``): the trainer's reset clears it
    tasks: tuple[str, ...]  # the graded tasks, in the order a resident earns them
    #: refusal code -> what went wrong, in plain words (Vietnamese source strings)
    explanations: Mapping[str, str] = field(default_factory=dict)
    #: codes that are no mistake of the learner's (a fault the trainer switched on)
    not_mistakes: frozenset[str] = frozenset()


VNEID_CHECK = Check(
    "vneid_check", "vneid", "vneid_check", "vneid_check",
    (vneid.TASK_REGISTER, vneid.TASK_ACTIVATE, vneid.TASK_LEVEL2),
    MappingProxyType({
        "vneid.not_own_persona": N_("Số định danh đã nhập không phải của người trên thẻ hôm "
                                    "nay. Luôn nhập đúng 12 số trên thẻ nhân vật."),
        "sandbox.not_persona": N_("Đã nhập một số không có trên thẻ nhân vật. Chỉ nhập số "
                                  "định danh và số điện thoại ghi trên thẻ."),
        "idnumber.length": N_("Số định danh có đúng 12 chữ số. Hãy đếm lại khi nhập."),
        "idnumber.format": N_("Số định danh chỉ gồm chữ số. Hãy nhập lại từ thẻ."),
        "idnumber.component": N_("Số định danh nhập chưa đúng. Hãy so từng số với thẻ."),
        "phone.invalid": N_("Số điện thoại có 10 chữ số, bắt đầu bằng số 0."),
        "vneid.phone_mismatch": N_("Số điện thoại phải là số chính chủ ghi trên thẻ nhân vật."),
        "vneid.phone_not_own_name": N_("Đã nhập số điện thoại của người thân. VNeID cần số "
                                       "đứng tên chính người đăng ký."),
        "vneid.face_missing": N_("Cần chụp ảnh khuôn mặt trước khi bấm «Đăng ký»."),
        "vneid.not_approved": N_("Phải đăng ký mức 1 trước, rồi mới kích hoạt tài khoản."),
        "vneid.otp_wrong": N_("Mã OTP gõ chưa đúng. Mã là 6 số trong tin nhắn mới nhất."),
        "vneid.otp_expired": N_("Mã OTP chỉ dùng được 3 phút. Hết hạn thì bấm «Gửi lại mã»."),
        "vneid.otp_too_many": N_("Gõ sai mã OTP nhiều lần. Hãy bấm «Gửi lại mã» và gõ mã mới."),
        "vneid.password_weak": N_("Mật khẩu cần 8 đến 20 ký tự: chữ in hoa, chữ thường, chữ "
                                  "số và một ký tự đặc biệt như @."),
        "vneid.mismatch": N_("Hai lần nhập (mật khẩu hoặc passcode) phải giống hệt nhau."),
        "vneid.passcode_invalid": N_("Passcode là đúng 6 chữ số."),
        "vneid.questions_invalid": N_("Cần chọn 2 câu hỏi khác nhau và trả lời cả hai."),
        "vneid.login_wrong": N_("Đăng nhập cần số định danh trên thẻ và mật khẩu vừa đặt."),
        "vneid.passcode_wrong": N_("Passcode mở thẻ là 6 số bạn đã đặt khi kích hoạt."),
        "vneid.passcode_locked": N_("Sai passcode 5 lần thì tài khoản bị khóa. Dùng «Quên "
                                    "passcode» để đặt lại."),
    }),
    frozenset({"vneid.maintenance", "vneid.connection_failed", "vneid.wrong_step"}),
)

PAYMENT_CHECK = Check(
    "payment_check", "payment", "bank_check", "bank_check",
    (bank.TASK_STATIC, bank.TASK_BILL, bank.TASK_SWAPPED),
    MappingProxyType({
        "bank.pin_invalid": N_("Mã PIN Smart OTP là đúng 6 chữ số."),
        "bank.pin_mismatch": N_("Hai lần nhập mã PIN phải giống hệt nhau."),
        "bank.pin_wrong": N_("Mã PIN nhập chưa đúng: đó là 6 số bạn đã đặt lúc đầu."),
        "bank.pin_locked": N_("Sai mã PIN 5 lần thì Smart OTP bị khóa. Dùng «Quên mã PIN» và "
                              "mã trong tin nhắn để đặt lại."),
        "bank.amount_invalid": N_("Số tiền chỉ gồm chữ số, ví dụ 45000."),
        "bank.insufficient_balance": N_("Số dư không đủ cho khoản này."),
        "bank.not_payment_code": N_("Mã đã quét không phải mã thanh toán VietQR."),
        "bank.invalid_code": N_("Mã QR bị hỏng: hãy quét lại mã khác của quầy."),
        "bank.otp_wrong": N_("Mã trong tin nhắn gõ chưa đúng hoặc đã hết hạn."),
        "paid_scammer": N_("Đã trả tiền vào mã QR dán đè: tên người nhận không phải tên chủ "
                           "quầy. Trước khi nhập mã PIN, luôn đọc tên người nhận; sai tên thì "
                           "bấm «Hủy»."),
        WRONG_AMOUNT: N_("Đã trả sai số tiền cho quầy. Với mã QR tĩnh, tự nhập đúng số tiền "
                         "người bán nói, rồi xem lại trước khi xác nhận."),
    }),
    frozenset({"bank.maintenance", "bank.connection_lost", "bank.wrong_step"}),
)

#: The signing check's scenario and judge: :mod:`.signing_check`.
SIGNING_CHECK = Check(
    "signing_check", "signing", "signing_check", "signing_check",
    ("certificate", "sign_doc", "trust_valid", "spot_bad"),
    MappingProxyType({
        "sign.wrong_document": N_("Đã ký một văn bản khác với văn bản cần ký. Trước khi bấm «Ký "
                                  "số», đọc kỹ tên văn bản."),
        "sign.trusted_bad": N_("Đã tin một văn bản có chữ ký không hợp lệ: văn bản bị sửa sau "
                               "khi ký, hoặc chứng thư số của người ký không do CA xác minh. Chỉ "
                               "tin khi ứng dụng báo mọi chữ ký đều hợp lệ."),
        "sign.distrusted_valid": N_("Đã không tin một văn bản có chữ ký hợp lệ. Khi ứng dụng báo "
                                    "chữ ký hợp lệ và đúng người ký, có thể tin văn bản."),
        "sign.pin_invalid": N_("Mã PIN ký số là đúng 6 chữ số."),
        "sign.pin_mismatch": N_("Hai lần nhập mã PIN phải giống hệt nhau."),
        "sign.pin_wrong": N_("Mã PIN ký số nhập chưa đúng: đó là 6 số bạn đã đặt khi đăng ký "
                             "chứng thư số."),
        "sign.pin_locked": N_("Sai mã PIN 5 lần thì tài khoản ký số bị khóa. Dùng «Kích hoạt lại "
                              "tài khoản» và mã trong tin nhắn để đặt mã PIN mới."),
        "sign.otp_wrong": N_("Mã trong tin nhắn gõ chưa đúng hoặc đã hết hạn. Bấm «Gửi lại mã» "
                             "rồi gõ mã mới."),
        "sign.ekyc_incomplete": N_("Cần chụp mặt trước, mặt sau thẻ và khuôn mặt (mô phỏng) "
                                   "trước khi tiếp tục."),
        "sign.contract_not_accepted": N_("Cần đọc và đánh dấu đồng ý hợp đồng dịch vụ trước "
                                         "khi tiếp tục."),
        "sign.no_pending_request": N_("Không có yêu cầu nào đang chờ: hãy bấm «Đăng ký chứng "
                                      "thư số cá nhân»."),
        "sign.not_pdf": N_("Chỉ ký được tệp PDF."),
        "sign.transaction_expired": N_("Giao dịch ký chỉ chờ ít phút. Hết hạn thì bấm «Ký số» "
                                       "lại và xác nhận ngay bằng mã PIN."),
        "sign.transaction_not_waiting": N_("Giao dịch đó đã xong, đã bị từ chối hoặc đã hết "
                                           "hạn: không cần xác nhận lại."),
        "vneid.login_wrong": N_("Đăng ký chứng thư số cần số định danh và mật khẩu VNeID của "
                                "bạn."),
        "vneid.level_too_low": N_("Đăng ký chứng thư số cần tài khoản VNeID mức 2."),
    }),
    frozenset({"sign.connection_lost", "sign.request_exists", "sign.credential_not_on_device",
               "sign.wrong_step"}),
)

#: The procedure the portal's check files (temporary residence), and what it records besides
#: the portal's own evidence: the graded tasks a filing earns, or the slip that missed them.
TEMPORARY = "1.004194"
TASK_FILED = "submit_dossier"  # the check's procedure filed with the card's address and date
TASK_PAPERS = "right_papers"  # with the rental contract of that address attached
TASK_STATUS = "read_status"  # the dossier opened once the officials answered: code, status
WRONG_PROCEDURE = "portal_check.wrong_procedure"
WRONG_DETAILS = "portal_check.wrong_details"
WRONG_PAPER = "portal_check.wrong_paper"
RETYPED = "portal_check.retyped"
_UPLOAD_REFUSED = N_("Tệp tải lên không dùng được (hỏng, quá lớn hoặc không phải ảnh, PDF). "
                     "Giấy tờ cần đính kèm đã có sẵn trong Kho dữ liệu cá nhân.")

PORTAL_CHECK = Check(
    "portal_check", "portal", "portal_check", "portal_check",
    (portal.TASK_LOGIN, TASK_FILED, portal.TASK_ONCE_ONLY, TASK_PAPERS, portal.TASK_FEE,
     TASK_STATUS),
    MappingProxyType({
        "portal.not_logged_in": N_("Cần đăng nhập bằng tài khoản VNeID trước khi làm thủ tục."),
        "vneid.login_wrong": N_("Đăng nhập Cổng cần số định danh của bạn và mật khẩu VNeID "
                                "bạn đã đặt ở Bài 1."),
        "idnumber.length": VNEID_CHECK.explanations["idnumber.length"],
        "idnumber.format": VNEID_CHECK.explanations["idnumber.format"],
        "idnumber.component": VNEID_CHECK.explanations["idnumber.component"],
        "sandbox.not_persona": VNEID_CHECK.explanations["sandbox.not_persona"],
        "vneid.not_activated": N_("Tài khoản VNeID chưa kích hoạt: cần làm xong Bài 1 trước."),
        "vneid.level_too_low": N_("Thủ tục này cần tài khoản VNeID mức 2."),
        "portal.invalid_form": N_("Có ô khai chưa đúng. Đọc dòng báo đỏ dưới ô, sửa rồi bấm "
                                  "«Tiếp tục»."),
        "portal.missing_attachment": N_("Đã bấm «Nộp hồ sơ» khi chưa đính kèm giấy tờ bắt buộc "
                                        "của thủ tục."),
        "portal.form_incomplete": N_("Phải khai hết các bước của tờ khai rồi mới nộp hồ sơ."),
        "portal.payment_not_found": N_("Cổng chưa nhận được lệ phí. Trả bằng mã QR của hồ sơ, "
                                       "đúng số tiền, rồi mới bấm «Kiểm tra kết quả thanh "
                                       "toán»."),
        "portal.payment_pending": N_("Giao dịch chưa xong: chờ ngân hàng báo thành công rồi "
                                     "mới kiểm tra lại."),
        "portal.already_paid": N_("Lệ phí của hồ sơ này đã trả xong: không cần trả lần nữa."),
        "portal.no_fee": N_("Hồ sơ này không có lệ phí: không cần trả."),
        "portal.wrong_document": N_("Biên lai và kết quả do cơ quan cấp không dùng làm giấy tờ "
                                    "đính kèm."),
        "portal.still_illegible": N_("Giấy tờ gửi đi phải rõ nét, đọc được."),
        "portal.not_your_document": N_("Chỉ chọn giấy tờ có trong Kho dữ liệu của bạn."),
        "dossier.not_allowed": N_("Hồ sơ đã kết thúc (ví dụ «Không được tiếp nhận»): hãy đọc "
                                  "lý do rồi nộp hồ sơ mới."),
        "document.unsupported_type": _UPLOAD_REFUSED,
        "document.too_large": _UPLOAD_REFUSED,
        "document.empty": _UPLOAD_REFUSED,
        "document.damaged": _UPLOAD_REFUSED,
        "document.damaged_pdf": _UPLOAD_REFUSED,
        "document.damaged_image": _UPLOAD_REFUSED,
        WRONG_PROCEDURE: N_("Đã nộp hồ sơ của một thủ tục khác. Hãy tìm đúng thủ tục «Đăng ký "
                            "tạm trú»."),
        WRONG_DETAILS: N_("Địa chỉ hoặc ngày tạm trú đã khai không khớp với việc cần làm. Hãy "
                          "gõ đúng số nhà, tổ dân phố, phường và ngày hết hạn."),
        WRONG_PAPER: N_("Đã đính kèm hợp đồng thuê nhà cũ, của một địa chỉ khác. Hãy mở giấy "
                        "tờ ra xem: đúng địa chỉ và còn hạn thì mới đính kèm."),
        RETYPED: N_("Đã mở ô có sẵn rồi gõ lại đúng thông tin cũ. Thông tin lấy từ cơ sở dữ liệu "
                    "dân cư chỉ cần xem lại; chỉ bấm «Sửa» khi thông tin sai."),
    }),
    frozenset({"portal.session_expired", "portal.connection_lost", "portal.left_before_result",
               "portal.wrong_step", "vneid.maintenance", "vneid.connection_failed"}),
)

#: The receiving check's scenario: :mod:`.receiving_check`; its judge is lesson 6's.
RECEIVING_CHECK = Check(
    "receiving_check", "receiving", "receiving_check", "receiving_check",
    (receiving.TASK_OWN_QR, receiving.TASK_ALLOWANCE, receiving.TASK_FAKE),
    MappingProxyType({
        "receiving.not_arrived": N_("Đã định giao hàng khi tiền chưa về tài khoản. Luôn mở "
                                    "«Lịch sử giao dịch» và thấy khoản tiền vào rồi mới giao "
                                    "hàng."),
        "receiving.wrong_amount": N_("Số tiền đã ghi khác số tiền đã về. Đọc số tiền ở khoản "
                                     "tiền vào (có dấu cộng) trong «Lịch sử giao dịch»."),
        "receiving.wrong_sender": N_("Đã chọn sai người chuyển. Tên người chuyển có trong «Lịch "
                                     "sử giao dịch», ở khoản tiền vào."),
        "receiving.no_answer": N_("Cần ghi số tiền và chọn người chuyển rồi mới trả lời."),
        "receiving.not_checked": N_("Đã trả lời khi chưa mở «Lịch sử giao dịch». Tin nhắn và ảnh "
                                    "chụp màn hình có thể bị làm giả: luôn xem trong tài khoản "
                                    "của mình."),
        "receiving.handed_on_screenshot": N_("Đã giao hàng chỉ vì xem ảnh «Chuyển tiền thành "
                                             "công». Ảnh này rất dễ làm giả: chỉ giao hàng khi "
                                             "thấy tiền đã về trong «Lịch sử giao dịch»."),
        "receiving.qr_amount_not_price": N_("Số tiền trên mã QR khác giá hàng. Gõ đúng giá, hoặc "
                                            "để trống để người mua tự nhập."),
        "receiving.already_paid": N_("Người mua đã chuyển tiền rồi: không cần cho quét mã lần "
                                     "nữa, chỉ cần xem «Lịch sử giao dịch»."),
        "receiving.not_scanned": N_("Chưa cho người mua quét mã QR nhận tiền của bạn."),
        "receiving.fake_not_started": N_("Người mua thứ hai chưa đến: mở cảnh của người đó ở "
                                         "trang chủ trước."),
        "receiving.not_in_lesson": N_("Bài này chỉ nhận tiền: không cần trả hay chuyển tiền."),
        "bank.amount_invalid": PAYMENT_CHECK.explanations["bank.amount_invalid"],
        "bank.over_limit": N_("Số tiền trên mã quá lớn. Gõ đúng giá hàng."),
    }),
    frozenset({"bank.maintenance", "bank.connection_lost", "bank.wrong_step"}),
)

#: The everyday VNeID check's scenario: :mod:`.vneid_daily_check`; its judge is lesson 7's.
VNEID_DAILY_CHECK = Check(
    "vneid_daily_check", "vneid_daily", "vneid_daily_check", "vneid_daily_check",
    vneid_daily.TASKS,
    MappingProxyType({
        "vneid_daily.passcode_wrong": N_("Passcode gõ chưa đúng. Passcode gồm 6 chữ số, ghi trên "
                                         "thẻ nhân vật của người hôm nay."),
        "vneid_daily.not_on_card": N_("Số giấy phép lái xe gõ chưa đúng. Hãy so từng số với thẻ "
                                      "nhân vật; không nhập số của người khác."),
        "vneid_daily.unknown_paper": N_("Cần chọn loại giấy tờ trong danh sách trước khi tìm."),
        "vneid_daily.already_in_wallet": N_("Giấy tờ đó đã có trong «Ví giấy tờ»: không cần "
                                            "tích hợp lần nữa."),
        "vneid_daily.not_in_wallet": N_("Giấy tờ đó chưa có trong ví: phải bấm «Tích hợp thông "
                                        "tin» trước."),
        "vneid_daily.clinic_not_started": N_("Chưa đến quầy: bấm nút đến nơi khám ở trang chủ "
                                             "trước."),
        "vneid_daily.not_shown": N_("Đã cho quét mã khi chưa mở thẻ. Mở thẻ BHYT (hoặc căn cước "
                                    "điện tử) trong «Ví giấy tờ» trước, rồi mới cho quét mã QR."),
        "vneid_daily.wrong_paper": N_("Đã đưa giấy phép lái xe. Khám bệnh có bảo hiểm y tế thì "
                                      "đưa thẻ BHYT hoặc căn cước điện tử trong VNeID."),
        "vneid_daily.screenshot": N_("Đã đưa ảnh chụp màn hình thẻ. Nơi khám cần quét mã QR trên "
                                     "ứng dụng VNeID đang mở; ảnh còn dễ bị người khác lấy dùng."),
        "vneid_daily.passcode_shared": N_("Đã đọc passcode cho nhân viên. Không bao giờ nói "
                                          "passcode cho ai: bạn tự mở thẻ rồi cho họ quét mã."),
        "vneid_daily.wrong_procedure": N_("Đã chọn một thủ tục khác với việc cần làm. Đọc kỹ tên "
                                          "từng thủ tục trong «Thủ tục hành chính» trước khi "
                                          "chọn."),
    }),
    frozenset({"vneid_daily.wrong_step"}),
)

#: The scams check's scenario: :mod:`.scams_check`; its judge is lesson 8's. Its mistakes are
#: lesson 8's, explained here without the practice's names (a check draws other people).
SCAMS_CHECK = Check(
    "scams_check", "scams", "scams_check", "scams_check", scams.TASKS,
    MappingProxyType({
        "scams.sent_zalo_code": N_("Đã gửi mã 6 số cho «bạn» nhắn Zalo. Mã đó là mã đăng nhập "
                                   "tài khoản Zalo của chính bạn: không ai «gửi nhầm» mã vào máy "
                                   "bạn. Đừng gửi mã cho ai; gọi điện cho bạn bằng số trong danh "
                                   "bạ."),
        "scams.asked_in_chat": N_("Đã nhắn hỏi lại trong Zalo. Người đang nhắn có thể là kẻ gian "
                                  "đã chiếm tài khoản của bạn mình, họ sẽ trả lời «đúng rồi». "
                                  "Hãy gọi điện bằng số trong danh bạ."),
        "scams.sent_hospital_money": N_("Đã chuyển tiền cho người gọi báo người nhà bị tai nạn. "
                                        "Bệnh viện cấp cứu trước, không đòi tiền qua điện "
                                        "thoại. Cúp máy, gọi cho người nhà bằng số bạn đã biết."),
        "scams.sent_safe_account": N_("Đã chuyển tiền vào «tài khoản an toàn». Không có tài "
                                      "khoản nào như vậy: công an, cơ quan thuế hay tòa án không "
                                      "làm việc qua cuộc gọi video và không bắt chuyển tiền."),
        "scams.kept_secret": N_("Đã nghe lời giữ bí mật. Kẻ gian bắt giữ bí mật để không ai can "
                                "ngăn bạn: hãy cúp máy và kể ngay với con cháu."),
        "scams.opened_biometric_link": N_("Đã bấm đường link và cài ứng dụng người gọi gửi. Ngân "
                                          "hàng không gọi điện gửi link để cập nhật sinh trắc "
                                          "học hay xác thực khuôn mặt: chỉ làm trong ứng dụng "
                                          "chính thức của ngân hàng hoặc tại quầy."),
        "scams.reported_before_locking": N_("Đã báo cáo trước khi khóa tài khoản. Báo cáo là "
                                            "đúng, nhưng việc đầu tiên là khóa tài khoản: trong "
                                            "lúc gọi báo cáo, kẻ gian vẫn rút tiền."),
        "scams.waited": N_("Đã chờ xem sao sau khi mất tiền. Mỗi phút chờ, kẻ gian rút thêm "
                           "tiền: khóa tài khoản ngay, rồi báo cáo."),
        "scams.called_recovery": N_("Đã gọi dịch vụ «lấy lại tiền bị lừa» trên mạng. Không có "
                                    "dịch vụ nào như vậy: người nhận lời giúp lại là kẻ lừa đảo "
                                    "lần hai."),
    }),
    frozenset({"scams.wrong_step", "scams.unknown_drill"}),
)

#: The bills check's scenario: :mod:`.bills_check`; its judge is lesson 9's. Its mistakes are
#: lesson 9's, explained here (the check's app says only «Không được chấp nhận» before).
BILLS_CHECK = Check(
    "bills_check", "bills", "bills_check", "bills_check", bills.TASKS,
    MappingProxyType({
        "bills.not_your_bill": N_("Đã định trả hóa đơn của nhà hàng xóm. Trước khi trả, luôn "
                                  "xem tên khách hàng ngân hàng hiện ra: phải là tên của bạn. "
                                  "Nhập mã khách hàng in trên hóa đơn của nhà mình."),
        "bills.limit_too_low": N_("Hạn mức đã đặt thấp hơn tiền nước thường tháng: hóa đơn sẽ "
                                  "không được tự trả. Xem số tiền trên hóa đơn nước của bạn và "
                                  "đặt hạn mức cao hơn một chút."),
        "bills.top_up_stranger": N_("Đã định nạp tiền cho số điện thoại trong tin nhắn của người "
                                    "lạ. Người quen thật sẽ gọi điện, không nhắn nhờ nạp tiền: "
                                    "chỉ nạp cho số của mình, số trên thẻ nhân vật."),
        "bills.not_your_number": N_("Số được nạp không phải số của bạn. Nạp tiền điện thoại cho "
                                    "số trên thẻ nhân vật của bạn."),
        "bills.not_electricity": N_("Đã định trả tiền nước ở «Thanh toán hóa đơn». Ở đó hãy chọn "
                                    "công ty điện và nhập mã trên hóa đơn tiền điện; tiền nước "
                                    "trả bằng «Thanh toán tự động»."),
        "bills.not_water": N_("Đã chọn công ty điện ở «Thanh toán tự động». Việc tự trả hằng "
                              "tháng là tiền nước: chọn công ty nước."),
        "bills.no_company": N_("Chưa chọn nhà cung cấp. Chọn công ty điện hoặc nước trước."),
        "bills.unknown_customer": N_("Mã khách hàng đã nhập không có ở công ty đã chọn. Chép "
                                     "đúng mã in trên hóa đơn giấy, và chọn đúng công ty."),
        "bills.nothing_looked_up": N_("Đã bấm «Thanh toán» khi chưa tra cứu. Nhập mã khách "
                                      "hàng, bấm «Tra cứu», xem tên rồi mới trả."),
        "bills.already_paid": N_("Hóa đơn này đã trả rồi: không trả hai lần."),
        "bills.wrong_pin": N_("Mã PIN nhập chưa đúng: đó là 6 số bạn đã đặt lúc đầu."),
        "bills.invalid_top_up": N_("Chưa chọn mệnh giá nạp tiền."),
        "bills.not_in_lesson": N_("Bài này chỉ trả hóa đơn và nạp tiền điện thoại: không cần "
                                  "quét mã hay chuyển tiền."),
        "sandbox.not_persona": N_("Đã nhập một số điện thoại không có trên thẻ nhân vật. Chỉ "
                                  "nạp cho số ghi trên thẻ của bạn."),
        "phone.invalid": VNEID_CHECK.explanations["phone.invalid"],
        "bank.pin_invalid": PAYMENT_CHECK.explanations["bank.pin_invalid"],
        "bank.pin_mismatch": PAYMENT_CHECK.explanations["bank.pin_mismatch"],
        "bank.amount_invalid": N_("Hạn mức chỉ gồm chữ số, ví dụ 200000."),
        "bank.over_limit": N_("Hạn mức quá lớn. Đặt cao hơn tiền nước thường tháng một chút "
                              "là đủ."),
        "bank.insufficient_balance": PAYMENT_CHECK.explanations["bank.insufficient_balance"],
    }),
    frozenset({"bank.maintenance", "bank.connection_lost", "bank.wrong_step"}),
)

#: The secrets check's scenario: :mod:`.secrets_check`; its judge is lesson 10's. Its mistakes
#: are lesson 10's, explained here without the practice's names (a check draws other people).
SECRETS_CHECK = Check(
    "secrets_check", "secrets", "secrets_check", "secrets_check", secrets.TASKS,
    MappingProxyType({
        "secrets.sticky_note": N_("Đã ghi mã ra mẩu giấy dán sau lưng điện thoại. Mẩu giấy đi "
                                  "cùng điện thoại: ai cầm máy cũng đọc được mã. Hãy ghi vào "
                                  "sổ, cất ở nhà, chỗ kín đáo."),
        "secrets.photo_in_gallery": N_("Đã chụp ảnh mã để trong thư viện ảnh. Ai mượn máy, ứng "
                                       "dụng lạ hay kẻ gian điều khiển máy từ xa đều xem được "
                                       "ảnh. Hãy ghi vào sổ, cất ở nhà."),
        "secrets.same_password": N_("Đã chọn dùng một mật khẩu cho tất cả. Lộ một chỗ là mất "
                                    "tất cả: mỗi ứng dụng một mật khẩu riêng, ghi vào sổ cất ở "
                                    "nhà."),
        "secrets.sim_in_other_name": N_("Đã nhận SIM đứng tên người khác. SIM phải đăng ký "
                                        "đúng tên, đúng căn cước của người dùng: mã OTP của "
                                        "ngân hàng, VNeID gửi về số đó không còn là của bạn."),
        "secrets.account_in_other_name": N_("Đã để ví điện tử đứng tên người khác. Tiền trong "
                                            "ví đó là của người đứng tên; mượn tên, cho mượn tên "
                                            "mở tài khoản là vi phạm pháp luật, và kẻ gian hay "
                                            "dùng tài khoản như vậy để lừa đảo."),
        "secrets.helper_typed_pin": N_("Đã đọc mã PIN cho cháu bấm hộ. Cháu được chỉ chỗ bấm, "
                                       "nhưng mật khẩu, mã PIN, mã OTP thì chỉ mình bạn gõ, che "
                                       "màn hình lại."),
        "secrets.stranger_helped": N_("Đã đưa điện thoại cho người lạ làm giúp. Không đưa máy "
                                      "đã mở khóa cho người lạ, dù họ tỏ ra tốt bụng: nhờ con "
                                      "cháu, hoặc tổ công nghệ số cộng đồng ở xã."),
        "secrets.let_borrower_go_on": N_("Đã để người mượn máy dùng tiếp. Người mượn máy «gọi "
                                         "nhờ» không có việc gì trong ứng dụng của bạn: lấy lại "
                                         "điện thoại ngay và khóa màn hình."),
        "secrets.told_borrower_pin": N_("Đã đọc mã cho người mượn máy. Không đọc mã PIN, mật "
                                        "khẩu cho ai: lấy lại điện thoại ngay; lần sau, tự bấm "
                                        "số giúp họ và giữ máy trong tay."),
    }),
    frozenset({"secrets.wrong_step", "secrets.unknown_drill"}),
)

#: Every check, by its lesson.
CHECKS: Mapping[str, Check] = MappingProxyType({
    check.lesson: check for check in (VNEID_CHECK, PAYMENT_CHECK, PORTAL_CHECK,
                                       SIGNING_CHECK, RECEIVING_CHECK, VNEID_DAILY_CHECK,
                                       SCAMS_CHECK, BILLS_CHECK, SECRETS_CHECK)})


def explanation(lesson: str, code: str) -> str:
    """What went wrong, in plain words, for refusal ``code`` in check ``lesson``.

    >>> explanation("vneid_check", "vneid.otp_expired")
    'Mã OTP chỉ dùng được 3 phút. Hết hạn thì bấm «Gửi lại mã».'
    >>> explanation("vneid_check", "no.such_code") == OTHER_MISTAKE
    True
    """
    return CHECKS[lesson].explanations.get(code, OTHER_MISTAKE)


class CheckClosed(SandboxError):
    code = "check.closed"
    message = N_("Bạn đã nộp bài tự làm này. Muốn làm lại, hãy hỏi người hướng dẫn.")


@dataclass(frozen=True)
class Goal:
    """The goal, stated once: a source string and its values (amounts, names)."""

    text: str
    values: dict[str, str]


@dataclass(frozen=True)
class Mistake:
    """One kind of refusal in a check, how often, and what went wrong (source string)."""

    code: str
    count: int
    explanation: str


def mistakes_in(check: Check, events: Iterable[Event]) -> list[Mistake]:
    """The learner's mistakes in ``events`` (one attempt at ``check``), up to the hand-in,
    in the order first made.

    >>> found = [Event("vneid_check", "otp", "vneid.otp_wrong", "", {}),
    ...          Event("vneid_check", "otp", "vneid.maintenance", "", {}),
    ...          Event("vneid_check", "otp", "vneid.otp_wrong", "", {}),
    ...          Event("vneid_check", "submit", OK, "", {}),
    ...          Event("vneid_check", "login", "check.closed", "", {})]
    >>> [(m.code, m.count) for m in mistakes_in(VNEID_CHECK, found)]
    [('vneid.otp_wrong', 2)]
    """
    counts: dict[str, int] = {}
    for event in events:
        if event.task == "submit":
            break
        code = event.outcome
        if event.lesson == PAYMENT_CHECK.lesson and event.task == bank.TASK_STATIC \
                and code == OK and event.detail.get("amount") != event.detail.get("asked"):
            code = WRONG_AMOUNT
        if code == OK or event.task in HELP_TASKS or code in check.not_mistakes:
            continue
        counts[code] = counts.get(code, 0) + 1
    return [Mistake(code, n, explanation(check.lesson, code)) for code, n in counts.items()]


def completed_tasks(events: Iterable[Event]) -> set[str]:
    """The graded tasks done in one check's evidence (the hidden tests' judge): those of its
    app's judge, among the check's tasks.

    >>> completed_tasks([Event("payment_check", "pay_bill", OK, "", {"amount": 1, "asked": 1}),
    ...                  Event("payment_check", "check_receipt", OK, "", {})])
    {'pay_bill'}
    """
    found = list(events)
    done: set[str] = set()
    for lesson, check in CHECKS.items():
        mine = [e for e in found if e.lesson == lesson]
        if not mine:
            continue
        if check.skill == "portal":  # the portal's check records each task as it is earned
            done |= {e.task for e in mine if e.outcome == OK and e.task in check.tasks}
        else:
            done |= set(_judge(check)(mine, lesson=lesson)) & set(check.tasks)
    return done


def _judge(check: Check) -> Any:
    """The judge of ``check``'s evidence: its app's ``completed_tasks``."""
    if check.skill == "signing":
        from . import signing_check

        return signing_check.completed_tasks
    if check.skill == "receiving":
        return receiving.completed_tasks
    if check.skill == "vneid_daily":
        return vneid_daily.completed_tasks
    if check.skill == "scams":
        return scams.completed_tasks
    if check.skill == "bills":
        return bills.completed_tasks
    if check.skill == "secrets":
        return secrets.completed_tasks
    return vneid.completed_tasks if check.skill == "vneid" else bank.completed_tasks


def _seed(*parts: object) -> random.Random:
    digest = hashlib.sha256(":".join(map(str, parts)).encode()).digest()
    return random.Random(int.from_bytes(digest[:16], "big"))


class CheckFlow(LearnerFlow):
    """The check mode of an app's simulator; comes first in the bases, before the app's."""

    check: ClassVar[Check]

    def __init__(self, store: Store, clock: Clock, rng: random.Random, learner_id: str) -> None:
        super().__init__(store, clock, rng, learner_id)
        #: the attempt (0 first, one more after each trainer's reset): the scenario's seed
        self.attempt = sum(1 for e in learner_events(store, learner_id, self.check.lesson)
                           if e.task == RESET)

    def _draw(self) -> random.Random:
        """The scenario's random source: from the learner, the check and the attempt only."""
        return _seed("check", self.check.lesson, self.learner_id, self.attempt)

    def _attempt_events(self) -> list[Event]:
        return since_last_reset(learner_events(self.store, self.learner_id, self.check.lesson))

    def finished(self) -> bool:
        """Whether this attempt was handed in («Nộp bài»): the app takes no more actions."""
        return any(e.task == "submit" for e in self._attempt_events())

    def mistakes(self) -> list[Mistake]:
        """This attempt's mistakes, explained (what the page shows after «Nộp bài»)."""
        return mistakes_in(self.check, self._attempt_events())

    def goal(self) -> Goal:
        raise NotImplementedError

    def _handed_in(self, conn: Connection) -> bool:
        """Whether the check's newest hand-in or reset is a hand-in (in ``conn``'s view)."""
        newest = conn.execute(
            sa.select(event_rows.c.task).where(
                (event_rows.c.learner_id == self.learner_id)
                & (event_rows.c.lesson == self.check.lesson)
                & event_rows.c.task.in_(("submit", RESET)))
            .order_by(event_rows.c.seq.desc()).limit(1)).scalar()
        return bool(newest == "submit")

    def _check(self, conn: Connection, state: dict[str, Any], task: str,
               allowed: tuple[Any, ...]) -> None:
        if self._handed_in(conn):
            raise CheckClosed()
        super()._check(conn, state, task, allowed)


class DrillCheckFlow(CheckFlow, safety.DrillFlow[S]):
    """The check mode of a drill lesson's scenes (lessons 8 and 10: :mod:`.scams_check`,
    :mod:`.secrets_check`); comes first in the bases, before the lesson's simulator.

    A choice is refused once the check is handed in. A mistake is recorded as in the
    practice (under its code, the review's to explain) but not raised, and the scene is
    marked answered either way, right or wrong: the check's screens say nothing until
    «Nộp bài». A scene may be answered again; its task counts once answered right.
    """

    def _choose(self, action: str, task: str | None,
                act: Callable[[Connection, dict[str, Any]], None], *allowed: StrEnum,
                **detail: Any) -> S:
        def guarded(conn: Connection, state: dict[str, Any]) -> None:
            if self._handed_in(conn):
                raise CheckClosed()
            if allowed and self.steps(state["step"]) not in allowed:
                raise self.wrong_step(f"{action} at {state['step']}")
            act(conn, state)

        try:
            return super()._choose(action, task, guarded, **detail)
        except safety.Mistake:
            return self.status()

    def _finish(self, state: dict[str, Any], *, right: bool, code: str = OK,
                reported: bool = False) -> None:
        super()._finish(state, right=right, code=code, reported=reported)
        state["done"] = sorted({*state.get("done", []), state["drill"]})


# -- VNeID: another person of the household, up to level 2 -------------------------------------

def check_persona(store: Store, learner_id: str, lesson: str,
                  attempt: int = 0) -> registry.Persona:
    """Another adult of the learner's household, drawn from the learner, the check and the
    attempt (a retake after the trainer's reset may be for another person of the household).

    Households are made of two to four adults (:func:`.registry.create_household`); the
    newborn lesson may add a baby or a parent later, so the choice is among adults, by a
    hash that an added member does not move unless it wins the draw (it is then kept in
    the check's saved state: :meth:`VneidCheckSimulator._fresh`).
    """
    own = registry.persona_of_learner(store, learner_id)
    adults = [p for p in registry.household(store, own.household_id)
              if p.persona_id != own.persona_id and int(p.birth_date[:4]) <= 2008]
    if not adults:
        return own

    def rank(p: registry.Persona) -> str:
        return hashlib.sha256(
            f"{lesson}:{learner_id}:{attempt}:{p.persona_id}".encode()).hexdigest()
    return min(adults, key=rank)


class VneidCheckSimulator(CheckFlow, vneid.VneidSimulator):
    """VNeID up to level 2 for another person of the learner's household."""

    check = VNEID_CHECK
    flow = VNEID_CHECK.flow
    lesson = VNEID_CHECK.lesson

    def __init__(self, store: Store, clock: Clock, rng: random.Random, learner_id: str) -> None:
        super().__init__(store, clock, rng, learner_id)
        with store.engine.connect() as conn:
            saved = load_flow_state(conn, learner_id, self.flow) or {}
        chosen = saved.get("persona_id")
        self.persona = (registry.persona(store, chosen) if chosen
                        else check_persona(store, learner_id, self.lesson, self.attempt))

    def _fresh(self) -> dict[str, Any]:
        return {**super()._fresh(), "persona_id": self.persona.persona_id}

    def _load(self, conn: Connection) -> dict[str, Any]:
        state = super()._load(conn)
        if "sms_after" not in state:  # the check's inbox starts empty
            newest = conn.execute(sa.select(sa.func.max(sms_inbox.c.seq)).where(
                sms_inbox.c.learner_id == self.learner_id)).scalar()
            state["sms_after"] = int(newest or 0)
        return state

    def card(self) -> registry.Persona:
        """The person whose account this check activates (the card on the screen)."""
        return self.persona

    def _sms_after(self) -> int:
        with self.store.engine.connect() as conn:
            return int(self._load(conn)["sms_after"])

    def goal(self) -> Goal:
        return Goal(N_("Kích hoạt tài khoản VNeID mức 2 cho {name}, theo thẻ nhân vật."),
                    {"name": self.persona.full_name})


# -- paying by QR: another stall, another amount, the other stall's code stuck over --------------

#: The stalls a check may send the learner to; the other one's code is the swapped one.
_STALLS = (bank.STALL, bank.FRUIT)
#: What the sign beside each stall's code says (the practice's words).
_OWNER_NOTES = {"stall": N_("Chủ tài khoản: HOANG THI HANH"),
                "fruit": N_("Chủ tài khoản: PHAM THI LUA")}


class BankCheckSimulator(CheckFlow, bank.BankSimulator):
    """The bank app: pay one stall a drawn amount, refuse the other stall's swapped code,
    pay a bill of another amount."""

    check = PAYMENT_CHECK
    flow = PAYMENT_CHECK.flow
    lesson = PAYMENT_CHECK.lesson

    def _fresh(self) -> dict[str, Any]:
        draw = self._draw()
        stall, decoy = draw.sample(_STALLS, 2)
        scenario = {
            "stall": stall.key, "decoy": decoy.key,
            "stall_amount": draw.randrange(25, 150) * 1000,
            "decoy_amount": draw.randrange(15, 90) * 1000,
            "bill_amount": draw.randrange(120, 650) * 1000 + draw.choice((0, 500)),
            "bill_number": f"PE04{draw.randrange(10**8):08d}",
            "bill_month": self.clock.now().month,
        }
        return {"step": bank.Step.SETUP.value, "pin_fails": 0, "scenario": scenario}

    def goal(self) -> Goal:
        scenario = self.status().scenario
        return Goal(N_("Ở chợ, trả {amount} cho {stall} và {decoy_amount} cho {decoy} bằng mã "
                       "QR của từng quầy; rồi trả hóa đơn tiền điện tháng {month} bằng mã QR "
                       "trên hóa đơn. Chỉ trả khi tên người nhận đúng."),
                    {"amount": bank.money(scenario["stall_amount"]),
                     "stall": bank.DIRECTORY[scenario["stall"]].title,
                     "decoy_amount": bank.money(scenario["decoy_amount"]),
                     "decoy": bank.DIRECTORY[scenario["decoy"]].title,
                     "month": str(scenario["bill_month"])})

    def merchant_codes(self) -> list[bank.MerchantCode]:
        """The stall's own code, the other stall's code stuck over by a scammer's, the bill."""
        scenario = self.status().scenario
        stall, decoy = bank.DIRECTORY[scenario["stall"]], bank.DIRECTORY[scenario["decoy"]]
        bill = bank.bill_code(scenario)
        codes = {
            stall.key: bank.MerchantCode(stall.key, stall.title, vietqr.build(
                bin=stall.bin, account=stall.number), _OWNER_NOTES[stall.key]),
            decoy.key: bank.MerchantCode(decoy.key, decoy.title, vietqr.build(
                bin=bank.SCAMMER.bin, account=bank.SCAMMER.number), _OWNER_NOTES[decoy.key]),
        }
        return [codes["stall"], bank.MerchantCode(
            "power", bank.POWER.title, bill,
            N_("Hóa đơn tiền điện: quét mã để thanh toán đúng số tiền")), codes["fruit"]]

    def _evidence(self, conn: Connection, state: dict[str, Any], ref: str, amount: int) -> None:
        payee = state["draft_payee"]
        scenario = state["scenario"]
        kind = state.get("draft_initiation")
        stall = bank.DIRECTORY[scenario["stall"]]
        decoy = bank.DIRECTORY[scenario["decoy"]]
        if payee == bank.payee_account(stall) and kind == "static":
            self._record(conn, bank.TASK_STATIC, OK, reference=ref, amount=amount,
                         asked=scenario["stall_amount"])
        elif payee == bank.payee_account(bank.POWER) and kind == "dynamic":
            self._record(conn, bank.TASK_BILL, OK, reference=ref, amount=amount,
                         asked=scenario["bill_amount"])
        elif payee == bank.payee_account(bank.SCAMMER):
            self._record(conn, bank.TASK_SWAPPED, "paid_scammer", reference=ref,
                         amount=amount, stall=decoy.key)


# -- filing online: a temporary residence, the right contract, the fee, the status -----------

#: Wards of Thanh Hóa after the 2025 merger (domain §7); the house and street group are drawn.
_WARDS = ("Phường Hạc Thành", "Phường Hàm Rồng", "Phường Sầm Sơn", "Phường Bỉm Sơn",
          "Phường Nghi Sơn")
#: The landlords of the contracts (fictional).
_LANDLORDS = ("Nguyễn Văn Bình", "Trần Thị Mai", "Lê Văn Hùng", "Phạm Thị Thu", "Hoàng Văn Sơn",
              "Đỗ Thị Hằng")
CONTRACT = N_("Hợp đồng thuê nhà – {address}")


def _address(number: int, group: int, ward: str) -> str:
    return f"Số {number}, tổ dân phố {group}, {ward[:1].lower()}{ward[1:]}, tỉnh Thanh Hóa"


def _months_later(day: date, months: int, dom: int) -> date:
    month = day.month - 1 + months
    return date(day.year + month // 12, month % 12 + 1, dom)


def draw_temporary(draw: random.Random, today: date) -> dict[str, Any]:
    """A rented room away from home: its address, until when, the landlord, and an old
    contract for another address that has run out (the paper not to attach).

    >>> s = draw_temporary(_seed("doctest"), date(2026, 12, 1))
    >>> s["procedure"], s["until"] > "", s["old_address"] != s["address"]
    ('1.004194', True, True)
    """
    ward, old_ward = draw.sample(_WARDS, 2)
    number, group = draw.randrange(2, 120), draw.randrange(1, 15)
    until = _months_later(today, draw.randrange(4, 13), draw.randrange(1, 29))
    old_until = _months_later(today, -draw.randrange(2, 10), draw.randrange(1, 29))
    landlord, old_landlord = draw.sample(_LANDLORDS, 2)
    return {"procedure": TEMPORARY, "number": number, "group": group, "ward": ward,
            "address": _address(number, group, ward), "until": f"{until:%d/%m/%Y}",
            "landlord": landlord,
            "old_address": _address(draw.randrange(2, 120), draw.randrange(1, 15), old_ward),
            "old_until": f"{old_until:%d/%m/%Y}", "old_landlord": old_landlord}


def _fold(text: str) -> str:
    return " ".join(procedures._fold(text).replace(",", " ").replace(".", " ").split())


def same_address(typed: str, scenario: Mapping[str, Any]) -> bool:
    """Whether ``typed`` names the scenario's house: its number, street group and ward
    (diacritics, commas and the province optional).

    >>> s = {"number": 27, "group": 4, "ward": "Phường Hàm Rồng"}
    >>> same_address("27 to dan pho 4, Ham Rong", s), same_address("Số 72, tổ 4, Hàm Rồng", s)
    (True, False)
    """
    words = _fold(typed).split()
    ward = _fold(str(scenario["ward"])).removeprefix("phuong ")
    return (str(scenario["number"]) in words and str(scenario["group"]) in words
            and ward in " ".join(words))


class PortalCheckSimulator(CheckFlow, portal.PortalSimulator):
    """The portal: register a temporary residence for oneself at a drawn address, with the
    rental contract of that address (an old one for another address is in the store too),
    pay the fee, and read the dossier's code and status once the officials answer.

    Its dossiers are those filed since the attempt began (a retake lists none of the last
    one's); the papers and the learner's store are the learner's, as on the real portal.
    """

    check = PORTAL_CHECK
    flow = PORTAL_CHECK.flow
    lesson = PORTAL_CHECK.lesson
    file_task = "file_dossier"

    def _fresh(self) -> dict[str, Any]:
        today = self.clock.now().astimezone(VN_TZ).date()
        return {"logged_in": False, "drafts": {}, "since": self.clock.now().isoformat(),
                "scenario": draw_temporary(self._draw(), today)}

    def _ensure_scenario(self, conn: Connection, state: dict[str, Any]) -> None:
        """The two rental contracts in the learner's store, once per attempt."""
        if "papers" in state:
            return
        s = state["scenario"]
        me = self.persona
        made = {}
        for key, address, landlord, until in (
                ("right", s["address"], s["landlord"], s["until"]),
                ("old", s["old_address"], s["old_landlord"], s["old_until"])):
            content = civil_papers.simple_paper(
                title="HỢP ĐỒNG THUÊ NHÀ", agency=("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                                                   "Độc lập - Tự do - Hạnh phúc"),
                rows=[("Bên cho thuê", landlord), ("Bên thuê", me.full_name),
                      ("Số định danh cá nhân bên thuê", me.id_number),
                      ("Địa chỉ nhà cho thuê", address), ("Thời hạn thuê đến ngày", until)],
                issued=self.clock.now(), left=("Bên cho thuê", landlord),
                right=("Bên thuê", me.full_name))
            made[key] = self._store_document(
                conn, CONTRACT.format(address=address), f"hop-dong-thue-nha-{key}.pdf",
                "application/pdf", content, "citizen")
        state["papers"] = made

    def _people(self, conn: Connection, state: dict[str, Any]) -> dict[str, registry.Persona]:
        return {"self": self.persona}

    def scenario(self) -> dict[str, Any]:
        """The rented room the goal names (address, until when) and the contracts' ids."""
        return self._read(lambda conn, state: {**state["scenario"], "papers": state["papers"]})

    def _dossier_codes(self, conn: Connection, state: dict[str, Any]) -> list[str]:
        since = state.get("since", "")
        return [code for code in super()._dossier_codes(conn, state)
                if dossiers.load(conn, code).submitted_at >= since]

    def _graded(self, procedure: str) -> bool:
        return procedure == TEMPORARY

    def goal(self) -> Goal:
        s = self.scenario()
        return Goal(N_("Bạn thuê nhà để đi làm ở {address}, đến ngày {until}. Hãy đăng ký tạm "
                       "trú trực tuyến trên Cổng Dịch vụ công: đăng nhập bằng VNeID của bạn, "
                       "đính kèm đúng hợp đồng thuê nhà và nộp lệ phí. Cán bộ xem hồ sơ sau "
                       "khoảng nửa phút: mở lại hồ sơ để đọc mã hồ sơ và trạng thái mới."),
                    {"address": s["address"], "until": s["until"]})

    def _submitted(self, conn: Connection, d: dossiers.Dossier) -> dossiers.Dossier:
        """The filing's graded tasks, or the slips that missed them (each a mistake)."""
        d = super()._submitted(conn, d)
        state = self._load(conn)
        s = state["scenario"]

        def mark(task: str, right: bool, slip: str, **detail: Any) -> None:
            record(conn, self.clock, self.learner_id, self.lesson, task, OK if right else slip,
                   dossier=d.code, **detail)
        if d.procedure != TEMPORARY:
            mark(TASK_FILED, False, WRONG_PROCEDURE, procedure=d.procedure)
            return d
        details = (same_address(str(d.form.get("temporary_address", "")), s)
                   and d.form.get("temporary_until") == s["until"])
        mark(TASK_FILED, details, WRONG_DETAILS)
        retyped = list(d.plan.get("retyped", []))
        mark(portal.TASK_ONCE_ONLY, not retyped, RETYPED, retyped=retyped)
        paper = dossiers.load(conn, d.code).file(procedures.RESIDENCE_PROOF.key)
        right = paper == state["papers"]["right"]
        mark(TASK_PAPERS, right, WRONG_PAPER)
        if not right:  # the official refuses it at reception, with the reason
            dossiers._update(conn, d.code, plan={**d.plan, "refuse": REFUSED_PAPER})
            d = dossiers.load(conn, d.code)
        return d

    def dossier(self, code: str) -> dossiers.Dossier:
        """One dossier as it stands; opened once the officials answered (received, or not),
        its code and status are read: ``read_status``, once per dossier."""
        def read(conn: Connection, state: dict[str, Any]) -> dossiers.Dossier:
            d = self._mine(conn, code)
            seen = state.setdefault("status_read", [])
            if d.status != 1 and self._graded(d.procedure) and code not in seen \
                    and not self._handed_in(conn):
                seen.append(code)
                record(conn, self.clock, self.learner_id, self.lesson, TASK_STATUS, OK,
                       dossier=code, status=d.status)
            return d
        return self._read(read)


#: The officials' reason for refusing a temporary residence with another address's contract.
REFUSED_PAPER = N_("Hợp đồng thuê nhà đính kèm không phải của địa chỉ đăng ký tạm trú.")
