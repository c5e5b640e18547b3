"""Scripted residents: seeded walks through each lesson at the simulator level, no widgets.

A walk does what a resident does in a lesson's app, right first time, through the same
simulator calls the views make, so the evidence it leaves is what the lesson's judge
(``completed_tasks`` of the lesson's simulator, as the hidden tests call it) and the
trainer's dashboard read. Tests, benchmarks and ``bakhong demo`` put learners at any stage
with it::

    walk(box, "hv007", "payment", tasks=2)        # paid the stall and the bill, no more
    walk_course(box, "hv008", lessons=2, tasks=1)  # lessons 0 and 1, then lesson 2's first task

**Order.** :data:`LESSON_TASKS` lists each lesson's graded tasks in the order a resident earns
them, which is the order of the lesson's graded cells except in three places where one act
earns two tasks or one task comes within another:

* portal: filing the bundle earns ``submit_bundle`` and, with no prefilled field retyped,
  ``once_only``. A walk told to stop after ``submit_bundle`` (``tasks=2``) files it having
  opened and retyped the requester's name, the slip the lesson counts against once-only.
  Its later part (lesson 3b, ``portal_result``: the fee, the supplement, the result) walks
  the filing first if it is not done;
* signing: the lesson drops the connection during the enrolment (``simulators.signing``),
  so resuming the request (``recover``) comes before the certificate (``enrol``); the
  lesson's cells list ``enrol`` first;
* the signing check: with the practice's certificate, the signature of the paper asked
  earns ``certificate`` and ``sign_doc`` at once; a walk told to stop after ``certificate``
  (``tasks=1``) signs the other paper by mistake.

``tasks=k`` leaves exactly the first ``k`` tasks done. A lesson walked part-way can be
walked on later: a move whose first task is done is passed over (a bundle filed with a
retyped field stays so).

**Time.** With a :class:`~.clock.FixedClock` (the sandbox's own, ``box.clock``), every action
takes :data:`STEP_SECONDS` and the portal's officials get their half-minutes
(:data:`~.dossiers.OFFICIAL_DELAY`); the portal lesson needs one. With the system clock the
other lessons run at once.

Also here, a scripted mistake the dashboard must flag: :func:`stuck_at_otp`.

>>> from datetime import datetime
>>> from bakhong.simulators.clock import VN_TZ, FixedClock
>>> from bakhong.simulators.sandbox import Sandbox
>>> box = Sandbox.open("sqlite://", clock=FixedClock(datetime(2026, 12, 1, 9, tzinfo=VN_TZ)),
...                    seed="walk-doctest")
>>> _ = box.add_learners([("hv001", "Lê Thị Hoa", "Xã Thọ Long")])
>>> walk(box, "hv001", "vneid", tasks=2)
>>> sorted(done_tasks(box, "hv001", "vneid"))
['activate', 'register']
>>> box.clock.now().isoformat()
'2026-12-01T09:02:40+07:00'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from types import MappingProxyType, ModuleType
from typing import TYPE_CHECKING

from . import (
    bank,
    bills,
    checks,
    first_steps,
    learners,
    portal,
    procedures,
    receiving,
    registry,
    safety,
    scams,
    secrets,
    signing,
    vneid,
    vneid_daily,
)
from .attempts import SHARED_APP, evidence_lesson
from .clock import FixedClock
from .dossiers import OFFICIAL_DELAY
from .evidence import OK, Event, learner_events
from .procedures import HEALTH_FACILITIES, NEWBORN_BUNDLE

if TYPE_CHECKING:
    from .sandbox import Sandbox

__all__ = [
    "BANK_PIN", "LESSON_TASKS", "PASSCODE", "PASSWORD", "SIGNING_PIN", "STEP_SECONDS",
    "NeedsFixedClock", "done_tasks", "stuck_at_otp", "walk", "walk_course",
]

#: lesson -> its graded tasks, in the order a resident earns them (see the module's notes).
LESSON_TASKS: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "first_steps": first_steps.TASKS,
    "vneid": (vneid.TASK_REGISTER, vneid.TASK_ACTIVATE, vneid.TASK_LEVEL2),
    "payment": (bank.TASK_STATIC, bank.TASK_BILL, bank.TASK_SWAPPED, bank.TASK_RECEIPT),
    "portal": (portal.TASK_LOGIN, portal.TASK_SUBMIT, portal.TASK_ONCE_ONLY),
    "portal_result": (portal.TASK_FEE, portal.TASK_SUPPLEMENT, portal.TASK_RESULT),
    "signing": (signing.TASK_RECOVER, signing.TASK_ENROL, signing.TASK_SIGN_FORM,
                signing.TASK_TRUST_VALID, signing.TASK_SPOT_TAMPERED),
    "safety": tuple(drill.task for drill in safety.DRILLS),
    "receiving": receiving.TASKS,
    "vneid_daily": vneid_daily.TASKS,
    "scams": scams.TASKS,
    "bills": bills.TASKS,
    "secrets": secrets.TASKS,
    **{check.lesson: check.tasks for check in checks.CHECKS.values()},
})

#: What the scripted residents choose (all fictional, and within each app's rules).
PASSWORD = "Matkhau@2026"
PASSCODE = "246810"
BANK_PIN = "135790"
SIGNING_PIN = "864213"
STORE_PASSWORD = "Lua-Mua-2026"
SECURITY_ANSWERS = {vneid.SECURITY_QUESTIONS[0]: "Trường làng", vneid.SECURITY_QUESTIONS[2]:
                    "Bánh chưng"}
#: How long one action takes on a :class:`FixedClock` (reading the screen, typing, tapping).
STEP_SECONDS = 20
_MAX_WAITS = 40  # half-minutes for the officials: ample for any dossier of the lesson


class NeedsFixedClock(ValueError):
    """The portal's officials act on the clock: its walk needs the sandbox's FixedClock."""


#: lesson -> the simulator module whose ``completed_tasks(events)`` judges it (the hidden
#: tests' ``bakhong.grading.hidden_tests.JUDGES``; a module without one counts ``ok`` tasks).
_JUDGES: Mapping[str, ModuleType] = MappingProxyType({
    "first_steps": first_steps, "vneid": vneid, "payment": bank, "portal": portal,
    "portal_result": portal, "signing": signing, "safety": safety, "receiving": receiving,
    "vneid_daily": vneid_daily, "scams": scams,
    "bills": bills, "secrets": secrets,
    **dict.fromkeys(checks.CHECKS, checks)})


def done_tasks(box: Sandbox, learner_id: str, lesson: str) -> set[str]:
    """The graded tasks of ``lesson`` the learner has done, as the lesson's simulator judges."""
    found = learner_events(box.store, learner_id, evidence_lesson(lesson))
    judge: Callable[[list[Event]], set[str]] | None = getattr(
        _JUDGES[lesson], "completed_tasks", None)
    judged = set(judge(found)) if judge else {e.task for e in found if e.outcome == OK}
    return judged & set(LESSON_TASKS[lesson])


@dataclass
class _Walker:
    """One resident in one sandbox: the persona card and the clock's pace."""

    box: Sandbox
    learner_id: str
    clock: FixedClock | None

    @property
    def me(self) -> registry.Persona:
        return registry.persona_of_learner(self.box.store, self.learner_id)

    def pause(self, seconds: float = STEP_SECONDS) -> None:
        if self.clock is not None:
            self.clock.advance(seconds=seconds)

    def wait_for_officials(self, ready: Callable[[], bool], what: str) -> None:
        if self.clock is None:
            raise NeedsFixedClock("the portal's officials act on a FixedClock (box.clock)")
        for _ in range(_MAX_WAITS):
            if ready():
                return
            self.clock.advance(seconds=OFFICIAL_DELAY.total_seconds() + 1)
        raise RuntimeError(f"{self.learner_id}: the officials never {what}")


def _newest_code(bodies: list[str], pattern: str) -> str:
    """The code in the newest of the SMS ``bodies`` (oldest first) that holds one."""
    for body in reversed(bodies):
        found = re.search(pattern, body)
        if found:
            return found.group(1)
    raise RuntimeError(f"no SMS matching {pattern!r}")


def _phone_sms(app: first_steps.FirstStepsSimulator, sender: str) -> list[str]:
    return [body for found, body, _at in app.inbox() if found == sender]


def _vneid_otp(app: vneid.VneidSimulator) -> str:
    return _newest_code([body for _sender, _at, body in reversed(app.inbox())],
                        r"Ma OTP cua ban la (\d{6})")


# -- lesson 0: first steps -----------------------------------------------------------------

def _tap(w: _Walker) -> None:
    app = w.box.first_steps(w.learner_id)
    app.open_part("tap")
    for target in first_steps.TAP_TARGETS:  # in the order the screen asks for them
        w.pause(5)
        app.tap(target.key)


def _type(w: _Walker) -> None:
    app = w.box.first_steps(w.learner_id)
    phrase = app.open_part("type").phrase
    w.pause()
    app.type_phrase(phrase)


def _sms(w: _Walker) -> None:
    app = w.box.first_steps(w.learner_id)
    app.open_part("sms")
    w.pause()
    app.enter_sms_code(_newest_code(_phone_sms(app, first_steps.SMS_SENDER),
                                    r"Ma xac thuc cua ban la (\d{6})"))


def _recover(w: _Walker) -> None:
    """CH Play asks for the Google account; the password is forgotten: «Quên mật khẩu?»."""
    app = w.box.first_steps(w.learner_id)
    step = app.open_part("store").step
    if step is first_steps.Step.STORE_PICK:
        step = app.pick_store(first_steps.ANDROID).step
    if step is first_steps.Step.STORE_APP:
        app.install()  # the store asks for its account first
    w.pause()
    app.forgot_password()
    app.try_another_way()
    app.send_google_code()
    w.pause()
    app.enter_recovery_code(_newest_code(_phone_sms(app, first_steps.GOOGLE_SENDER),
                                         r"G-(\d{6})"))
    w.pause()
    app.set_new_password(STORE_PASSWORD, STORE_PASSWORD)


def _install(w: _Walker) -> None:
    app = w.box.first_steps(w.learner_id)
    if app.status().step is first_steps.Step.HOME:
        app.open_part("store")
    w.pause()
    app.install()
    app.leave_installed()


def _privacy(w: _Walker) -> None:
    app = w.box.first_steps(w.learner_id)
    if app.status().step is not first_steps.Step.HOME:
        app.go_home()
    app.open_part("privacy")
    for question in first_steps.QUESTIONS:
        w.pause(10)
        app.answer(question.key, question.right)


# -- lesson 1: VNeID -------------------------------------------------------------------------

def _vneid_until(w: _Walker, goal: str, *, check: bool = False) -> None:
    """From wherever the app stands, the next right action until ``goal`` is reached.

    The same path as a resident's: register at level 1, activate (OTP, password, passcode,
    two security questions), log in, level 2 at the commune police, log in again. With
    ``check``, in the VNeID check's app, for the person on its card.
    """
    app = w.box.vneid_check(w.learner_id) if check else w.box.vneid(w.learner_id)
    me = app.card()
    step = vneid.Step
    for _ in range(30):
        s = app.status()
        if (goal == vneid.TASK_REGISTER and s.approved_level >= 1) or \
                (goal == vneid.TASK_ACTIVATE and s.level >= 1) or \
                (goal == vneid.TASK_LEVEL2 and s.level == 2 and s.logged_in):
            return
        w.pause()
        if s.step is step.INTRO:
            app.go(step.REGISTER if s.approved_level == 0 else
                   step.ACTIVATE if s.level == 0 else step.LOGIN)
        elif s.step is step.REGISTER:
            app.register(me.id_number, me.phone, face_captured=True)
        elif s.step is step.ACTIVATE:
            app.request_otp(me.id_number, me.phone)
        elif s.step is step.OTP:
            expired = s.otp_expires_at is None or \
                datetime.fromisoformat(s.otp_expires_at) < w.box.clock.now()
            if expired:
                app.resend_otp()
            app.submit_otp(_vneid_otp(app))
        elif s.step is step.PASSWORD:
            app.set_password(PASSWORD, PASSWORD)
        elif s.step is step.PASSCODE:
            app.set_passcode(PASSCODE, PASSCODE)
        elif s.step is step.SECURITY:
            app.set_security_questions(dict(SECURITY_ANSWERS))
        elif s.step is step.LOGIN:
            app.login(me.id_number, PASSWORD)
        elif s.step is step.HOME:
            app.visit_police()  # logged in at level 1: level 2 is done at the police office
        elif s.step is step.DEVICE:
            app.confirm_with_nfc()
        elif s.step is step.RESET_PASSCODE:
            app.reset_passcode(PASSCODE, PASSCODE)
    raise RuntimeError(f"{w.learner_id}: VNeID did not reach {goal}")


def stuck_at_otp(box: Sandbox, learner_id: str, *, wrong: int = 3,
                 clock: FixedClock | None = None) -> None:
    """A resident who registers, asks for the activation OTP and mistypes it ``wrong`` times
    (two digits swapped), half a minute apart: three make «repeated errors» on the trainer's
    dashboard (``grading.progress.stuck``). Records consent first if missing."""
    w = _walker(box, learner_id, clock)
    _consent(box, learner_id)
    _vneid_until(w, vneid.TASK_REGISTER)
    app = box.vneid(learner_id)
    me = w.me
    if app.status().step not in (vneid.Step.INTRO, vneid.Step.ACTIVATE):
        app.go(vneid.Step.INTRO)
    if app.status().step is vneid.Step.INTRO:
        app.go(vneid.Step.ACTIVATE)
    w.pause()
    app.request_otp(me.id_number, me.phone)
    right = _vneid_otp(app)
    typo = right[1] + right[0] + right[2:] if right[0] != right[1] else \
        right[:5] + str((int(right[5]) + 1) % 10)
    for _ in range(wrong):
        w.pause(30)
        try:
            app.submit_otp(typo)
        except vneid.WrongOtp:
            continue


# -- lesson 2: paying by QR -----------------------------------------------------------------

def _bank_home(w: _Walker) -> tuple[bank.BankSimulator, bank.Status]:
    """The bank app on its home screen (the Smart OTP PIN set on first use)."""
    app = w.box.bank(w.learner_id)
    s = app.status()
    if s.step is bank.Step.SETUP:
        w.pause()
        s = app.set_pin(BANK_PIN, BANK_PIN)
    elif s.step is bank.Step.RECEIPT:
        s = app.done()
    elif s.step in (bank.Step.CONFIRM, bank.Step.AUTH, bank.Step.BIOMETRIC):
        s = app.cancel()
    return app, s


def _code(app: bank.BankSimulator, key: str) -> str:
    return next(c.payload for c in app.merchant_codes() if c.key == key)


def _pay(w: _Walker, app: bank.BankSimulator, payload: str, amount: int | None) -> str:
    """Scan, check the payee, type the amount (a static code), the PIN; the receipt's ref."""
    app.scan(payload)
    w.pause()
    app.review(None if amount is None else f"{amount:,}".replace(",", "."))
    w.pause(10)
    s = app.authorise(BANK_PIN)
    if s.step is bank.Step.BIOMETRIC:
        s = app.verify_biometric()
    assert s.receipt is not None
    app.done()
    return s.receipt.reference


def _pay_static(w: _Walker) -> None:
    app, s = _bank_home(w)
    w.pause()
    _pay(w, app, _code(app, "stall"), s.scenario["stall_amount"])


def _pay_bill(w: _Walker) -> None:
    app, _s = _bank_home(w)
    w.pause()
    _pay(w, app, _code(app, "power"), None)


def _refuse_swapped(w: _Walker) -> None:
    app, _s = _bank_home(w)
    w.pause()
    app.scan(_code(app, "fruit"))
    w.pause()  # the payee's name is not the fruit seller's: «Hủy»
    app.cancel()


def _check_receipt(w: _Walker) -> None:
    app, _s = _bank_home(w)
    bill = next(r for r in app.history() if r.payee_account == bank.POWER.number)
    w.pause()
    app.check_receipt(bill.reference)


def _check_bank(w: _Walker) -> tuple[checks.BankCheckSimulator, bank.Status]:
    """The payment check's bank app on its home screen (its Smart OTP PIN set first)."""
    app = w.box.bank_check(w.learner_id)
    s = app.status()
    if s.step is bank.Step.SETUP:
        w.pause()
        s = app.set_pin(BANK_PIN, BANK_PIN)
    elif s.step is bank.Step.RECEIPT:
        s = app.done()
    return app, s


def _check_stall(w: _Walker) -> None:
    app, s = _check_bank(w)
    w.pause(30)  # reading the goal
    _pay(w, app, _code(app, s.scenario["stall"]), s.scenario["stall_amount"])


def _check_bill(w: _Walker) -> None:
    app, _s = _check_bank(w)
    w.pause()
    _pay(w, app, _code(app, "power"), None)


def _check_decoy(w: _Walker) -> None:
    app, s = _check_bank(w)
    w.pause()
    app.scan(_code(app, s.scenario["decoy"]))
    w.pause()  # the payee's name is not the stall keeper's: «Hủy»
    app.cancel()


# -- lesson 3: the portal --------------------------------------------------------------------

def _portal(w: _Walker, *, check: bool = False) -> portal.PortalSimulator:
    """The portal (``check``: the portal's check), logged in with the VNeID account (level 2
    reached first if need be)."""
    if w.clock is None:
        raise NeedsFixedClock("the portal's officials act on a FixedClock (box.clock)")
    _vneid_until(w, vneid.TASK_LEVEL2)
    app = w.box.portal_check(w.learner_id) if check else w.box.portal(w.learner_id)
    if not app.status().logged_in:
        w.pause()
        app.login(w.me.id_number, PASSWORD)
    return app


def _login(w: _Walker, *, check: bool = False) -> None:
    _portal(w, check=check)


def _newborn(app: portal.PortalSimulator) -> str:
    return next(d.code for d in app.my_dossiers() if d.procedure == NEWBORN_BUNDLE)


def _file_bundle(w: _Walker, *, retype: bool) -> None:
    """The newborn bundle: what the registry cannot know typed, the prefilled confirmed
    (``retype``: the requester's name opened and typed again), the phone photo attached."""
    app = _portal(w)
    draft = app.start(NEWBORN_BUNDLE)
    s = app.scenario()
    typed = {1: {"child_name": s["child_name"].lower(), "child_birth_date": s["child_birth_date"],
                 "child_sex": s["child_sex"], "child_birth_place": s["facility"],
                 "requester_relation": s["relation"]},
             4: {"health_facility": HEALTH_FACILITIES[0], "extract_copies": "1"}}
    for index in range(draft.step, len(draft.procedure.steps)):
        w.pause(40)
        opened = {"requester_name"} if retype and index == 0 else set()
        app.save_step(NEWBORN_BUNDLE, index, typed.get(index, {}), opened)
    photo = next(d for d in app.documents() if not d.legible)
    w.pause()
    app.attach(NEWBORN_BUNDLE, "birth_certificate", photo.doc_id)
    w.pause()
    app.submit(NEWBORN_BUNDLE)


def _pay_fee(w: _Walker, *, check: bool = False) -> None:
    """The fee of the lesson's dossier (``check``: of the check's), paid in the bank app."""
    app = _portal(w, check=check)
    code = _temporary(app) if check else _newborn(app)
    order = app.payment_order(code)
    payer, _s = _bank_home(w)
    w.pause()
    _pay(w, payer, order.payload, None)
    w.pause()
    app.confirm_payment(code)


def _answer_supplement(w: _Walker) -> None:
    app = _portal(w)
    code = _newborn(app)
    w.wait_for_officials(lambda: app.dossier(code).status == 5, "asked for a supplement")
    clear = next(d for d in app.documents() if d.source == "hospital")
    w.pause()
    app.answer_supplement(code, clear.doc_id)


def _download_result(w: _Walker) -> None:
    app = _portal(w)
    code = _newborn(app)
    w.wait_for_officials(lambda: any(role == "result" for role, _ in app.dossier(code).files),
                         "returned the result")
    w.pause()
    app.download(next(doc for role, doc in app.dossier(code).files if role == "result"))


# -- the portal's check: a temporary residence ------------------------------------------------

def _file_temporary(w: _Walker, *, slips: int) -> None:
    """The temporary residence: the address and end date typed, the prefilled confirmed, the
    contract of that address attached. ``slips`` 1: the old contract attached instead; 2:
    also the requester's name opened and retyped."""
    app = _portal(w, check=True)
    s = app.scenario()  # the check's: the rented room and its contracts
    draft = app.start(checks.TEMPORARY)
    typed = {1: {"temporary_address": s["address"], "temporary_until": s["until"]}}
    for index in range(draft.step, len(draft.procedure.steps)):
        w.pause(40)
        opened = {"requester_name"} if slips >= 2 and index == 0 else set()
        app.save_step(checks.TEMPORARY, index, typed.get(index, {}), opened)
    w.pause()
    paper = s["papers"]["old" if slips else "right"]
    app.attach(checks.TEMPORARY, procedures.RESIDENCE_PROOF.key, paper)
    w.pause()
    app.submit(checks.TEMPORARY)


def _temporary(app: portal.PortalSimulator) -> str:
    return next(d.code for d in app.my_dossiers() if d.procedure == checks.TEMPORARY)


def _check_status(w: _Walker) -> None:
    app = _portal(w, check=True)
    code = _temporary(app)
    w.wait_for_officials(lambda: app.my_dossiers()[0].status != 1, "received the dossier")
    w.pause()
    app.dossier(code)


# -- lesson 4: signing -----------------------------------------------------------------------

def _enrol_until(w: _Walker, goal: str, *, check: bool = False) -> None:
    """The enrolment with the VNeID identity; the lesson drops the connection once, and the
    resident reopens the app and goes on with the request (``recover``), then sets the PIN
    (``enrol``) unless ``goal`` is ``recover``. ``check``: in the signing check's app (no
    drop there; nothing to do for a resident with the practice's certificate)."""
    _vneid_until(w, vneid.TASK_LEVEL2)
    app = w.box.signing_check(w.learner_id) if check else w.box.signing(w.learner_id)
    step = signing.Step
    for _ in range(20):
        s = app.status()
        if s.step is step.ACTIVE or (goal == signing.TASK_RECOVER and s.step is step.PIN
                                     and signing.TASK_RECOVER in done_tasks(
                                         w.box, w.learner_id, "signing")):
            return
        w.pause()
        try:
            if s.step is step.INTRO:
                app.resume() if s.pending else app.begin()
            elif s.step is step.IDENTITY:
                app.link_vneid(w.me.id_number, PASSWORD)
                app.confirm_identity()
            elif s.step is step.EKYC:
                app.ekyc(card_front=True, card_back=True, face=True)
            elif s.step is step.CONTRACT:
                app.accept_contract(True)
            elif s.step is step.PIN:
                app.set_pin(SIGNING_PIN, SIGNING_PIN)
        except signing.ConnectionLost:
            continue  # the app reopens at its intro with the request pending
    raise RuntimeError(f"{w.learner_id}: the signing enrolment did not finish")


def _scenario_doc(app: signing.SigningSimulator, source: str) -> str:
    return next(doc for doc, _title, found in app.pdfs() if found == source)


def _sign_form(w: _Walker) -> None:
    _enrol_until(w, signing.TASK_ENROL)
    app = w.box.signing(w.learner_id)
    w.pause()
    transaction = app.sign(_scenario_doc(app, "portal-form"))
    w.pause()  # the signing app shows the transaction: «Xác nhận» with the PIN
    app.confirm(transaction.tran_id, SIGNING_PIN)


def _check_sign(w: _Walker, *, right: bool = True) -> None:
    """The signing check: a certificate (enrolled if the practice left none), then the paper
    the goal names signed with the PIN, or (``right=False``) the other paper by mistake."""
    _enrol_until(w, signing.TASK_ENROL, check=True)
    w.pause()  # the resident opens «Ký văn bản» and reads the list
    app = w.box.signing_check(w.learner_id)
    scenario = app.scenario()
    transaction = app.sign(scenario["sign_doc" if right else "decoy_doc"])
    w.pause()
    app.confirm(transaction.tran_id, SIGNING_PIN)


def _check_certificate(w: _Walker) -> None:
    """The check's first task alone: the certificate enrolled in the check, or (the practice's
    reused) the other paper signed by mistake, which proves the certificate and its PIN."""
    app = w.box.signing_check(w.learner_id)
    if app.status().step is signing.Step.ACTIVE:
        _check_sign(w, right=False)
    else:
        _enrol_until(w, signing.TASK_ENROL, check=True)


def _check_judge(w: _Walker, role: str) -> None:
    """The signing check: verify the good (``valid``) or the bad (``bad``) paper, answer right."""
    app = w.box.signing_check(w.learner_id)
    doc = app.scenario()[f"{role}_doc"]
    w.pause()
    app.verify(doc)
    w.pause()
    app.judge(doc, trusted=role == "valid")


def _judge(w: _Walker, source: str, trusted: bool) -> None:
    app = w.box.signing(w.learner_id)
    doc = _scenario_doc(app, source)
    w.pause()
    app.verify(doc)
    w.pause()
    app.judge(doc, trusted=trusted)


# -- lesson 5: staying safe ------------------------------------------------------------------

def _drill(task: str) -> Callable[[_Walker], None]:
    real = next(a.key for a in safety.PORTALS if a.real)

    def run(w: _Walker) -> None:
        app = w.box.safety(w.learner_id)
        app.start(task)
        w.pause()
        if task == safety.TASK_POLICE:
            app.answer_call()
            w.pause(40)
            app.refuse_call(report=True)
        elif task == safety.TASK_SMS:
            app.compose_report()
            w.pause()
            app.send_report()
            app.delete_sms()
        elif task == safety.TASK_QR:
            app.scan_sticker()
            w.pause()
            app.refuse_sticker()
        elif task == safety.TASK_PORTAL:
            app.open_portal(real)
        else:
            app.refuse_refund()
        w.pause(10)
        app.home()
    return run


# -- lesson 6: receiving money (and its check) ----------------------------------------------

def _receiving(w: _Walker, check: bool) -> receiving.ReceivingSimulator:
    return w.box.receiving_check(w.learner_id) if check else w.box.receiving(w.learner_id)


def _sell(w: _Walker, check: bool = False) -> None:
    app = _receiving(w, check)
    price = app.status().scenario["price"]
    w.pause(30 if check else STEP_SECONDS)  # a check: reading the goal first
    app.buyer_scan()
    w.pause()
    app.open_history()
    w.pause()
    app.confirm_sale(price, receiving.BUYER.key)


def _allowance(w: _Walker, check: bool = False, then_fooled: bool = False) -> None:
    """The allowance checked; ``then_fooled``: then the goods handed to the buyer with the
    faked screenshot (the recorded mistake of a check handed in with two tasks of three)."""
    app = _receiving(w, check)
    w.pause()
    app.open_history()
    w.pause()
    app.answer_allowance(app.status().scenario["allowance_amount"], receiving.ALLOWANCE.key)
    if then_fooled:
        app.start_fake()
        w.pause()
        try:
            app.answer_fake(True)
        except receiving.HandedOnScreenshot:
            pass


def _spot_fake(w: _Walker, check: bool = False) -> None:
    app = _receiving(w, check)
    app.start_fake()
    w.pause()
    app.open_history()
    w.pause()
    app.answer_fake(False)


# -- lesson 8: scams aimed at older people ----------------------------------------------------

def _scam_drill(task: str, check: bool = False,
                fooled: bool = False) -> Callable[[_Walker], None]:
    """One of lesson 8's drills done right (``check``: in the scams check); ``fooled``:
    the after-scam drill answered wrong (reported before locking the account)."""
    def run(w: _Walker) -> None:
        app = w.box.scams_check(w.learner_id) if check else w.box.scams(w.learner_id)
        app.start(task)
        w.pause(40)  # the scene is read
        if fooled:
            app.report_scam("156")  # a check records the mistake and says nothing
        elif task == scams.TASK_ZALO:
            app.call_friend()
        elif task == scams.TASK_HOSPITAL:
            app.call_grandson()
        elif task == scams.TASK_SAFE_ACCOUNT:
            app.refuse_police(report=True)
        elif task == scams.TASK_BIOMETRIC:
            app.refuse_biometric()
        else:
            app.lock_account("app")
            w.pause()
            app.report_scam("156")
        w.pause(10)
        app.home()
    return run


# -- lesson 10: keeping one's secrets --------------------------------------------------------

def _secrets_scene(task: str, check: bool = False,
                   fooled: bool = False) -> Callable[[_Walker], None]:
    """One of lesson 10's scenes answered right (``check``: in the secrets check);
    ``fooled``: the lending scene answered wrong (the PIN told to the borrower)."""
    def run(w: _Walker) -> None:
        app = w.box.secrets_check(w.learner_id) if check else w.box.secrets(w.learner_id)
        app.start(task)
        w.pause(30)  # the scene is read
        if fooled:
            app.tell_borrower_pin()  # a check records the mistake and says nothing
        elif task == secrets.TASK_NOTEBOOK:
            app.notebook_at_home()
        elif task == secrets.TASK_OWN_NAME:
            app.own_name()
        elif task == secrets.TASK_HELP:
            app.type_pin_myself()
        else:
            app.take_phone_back()
        w.pause(10)
        app.home()
    return run


# -- lesson 7: everyday VNeID (and its check) -----------------------------------------------

def _daily_home(w: _Walker, check: bool = False) -> vneid_daily.VneidDailySimulator:
    """Lesson 7's app (or its check's), logged in (with the persona card's passcode) and on
    its home."""
    app = w.box.vneid_daily_check(w.learner_id) if check else w.box.vneid_daily(w.learner_id)
    if app.status().step is vneid_daily.Step.LOGIN:
        w.pause(30 if check else STEP_SECONDS)  # a check: reading the goal first
        app.login(app.card_passcode())
    while (step := app.status().step) is not vneid_daily.Step.HOME:
        w.pause()
        app.go(vneid_daily.BACK[step])  # «Quay lại»
    return app


def _wallet(w: _Walker, check: bool = False) -> None:
    app = _daily_home(w, check)
    w.pause()
    app.go(vneid_daily.Step.WALLET)
    for kind in vneid_daily.INTEGRABLE:
        if kind in app.status().wallet:
            continue
        w.pause()
        app.go(vneid_daily.Step.ADD_PAPER)
        w.pause()
        app.find_paper(kind, app.papers()[kind].number if kind == vneid_daily.GPLX else "")
        w.pause()
        app.confirm_paper()


def _clinic(w: _Walker, check: bool = False, then_wrong: bool = False) -> None:
    """The health card shown at the counter; ``then_wrong``: then the practice's newborn
    bundle picked instead of the check's procedure (the recorded mistake of a check handed in
    with two tasks of three)."""
    app = _daily_home(w, check)
    w.pause()
    app.start_clinic()
    w.pause()
    app.go(vneid_daily.Step.WALLET)
    w.pause()
    shown = vneid_daily.BHYT if vneid_daily.BHYT in app.status().wallet else vneid_daily.CCCD
    app.open_paper(shown)
    w.pause()
    app.clinic_answer(vneid_daily.SHOW_QR)
    if then_wrong:
        app = _daily_home(w, check)
        app.go(vneid_daily.Step.PROCEDURES)
        w.pause()
        try:
            app.choose_procedure(vneid_daily.NEWBORN_PROCEDURE)
        except vneid_daily.DailyMistake:
            pass


def _newborn_in_app(w: _Walker, check: bool = False) -> None:
    app = _daily_home(w, check)
    w.pause()
    app.go(vneid_daily.Step.PROCEDURES)
    w.pause()
    app.choose_procedure(app.status().target)


# -- lesson 9: monthly bills ----------------------------------------------------------------

def _bills_app(w: _Walker, check: bool = False) -> bills.BillsSimulator:
    """The bills lesson's bank app on its home screen (its Smart OTP PIN set first);
    ``check``: the bills check's (:mod:`.bills_check`)."""
    app = w.box.bills_check(w.learner_id) if check else w.box.bills(w.learner_id)
    if app.status().step is bank.Step.SETUP:
        w.pause(30 if check else STEP_SECONDS)  # a check: reading the goal first
        app.set_pin(BANK_PIN, BANK_PIN)
    return app


def _pay_electricity(w: _Walker, check: bool = False) -> None:
    app = _bills_app(w, check)
    own = app.paper_bills()[0]
    w.pause()
    app.lookup_bill(bills.ELECTRICITY.key, own.customer_code)
    w.pause()
    app.pay_bill(BANK_PIN)


def _auto_debit(w: _Walker, check: bool = False) -> None:
    app = _bills_app(w, check)
    own = app.paper_bills()[2]
    w.pause()
    app.register_auto_debit(bills.WATER.key, own.customer_code, 300_000, BANK_PIN)


def _top_up_phone(w: _Walker, check: bool = False, fooled: bool = False) -> None:
    """Her own phone topped up; ``fooled`` (a check): the stranger's number instead, which
    the check records and refuses without saying why."""
    app = _bills_app(w, check)
    w.pause()
    if fooled:
        from .bills_check import NotAccepted

        scenario = app.status().scenario
        try:
            app.top_up_phone(scenario["stranger"], scenario["stranger_amount"], BANK_PIN)
        except NotAccepted:
            return
    app.top_up_phone(app.my_phone(), 50_000, BANK_PIN)


# -- the moves of each lesson ----------------------------------------------------------------

Move = tuple[tuple[str, ...], Callable[[_Walker], None]]


def _moves(lesson: str, tasks: int) -> list[Move]:
    """(tasks earned, what the resident does) in order; ``tasks`` picks the portal's filing."""
    t = LESSON_TASKS[lesson]
    if lesson == "first_steps":
        return [((t[0],), _tap), ((t[1],), _type), ((t[2],), _sms), ((t[3],), _recover),
                ((t[4],), _install), ((t[5],), _privacy)]
    if lesson in ("vneid", "vneid_check"):
        return [((task,), partial(_vneid_until, goal=task, check=lesson == "vneid_check"))
                for task in t]
    if lesson == "payment_check":
        return [((t[0],), _check_stall), ((t[1],), _check_bill), ((t[2],), _check_decoy)]
    if lesson == "payment":
        return [((t[0],), _pay_static), ((t[1],), _pay_bill), ((t[2],), _refuse_swapped),
                ((t[3],), _check_receipt)]
    if lesson == "portal":
        retype = tasks == 2  # stop between the filing and once-only (module notes)
        return [((t[0],), _login), ((t[1], t[2]), partial(_file_bundle, retype=retype))]
    if lesson == "portal_result":
        return [((t[0],), _pay_fee), ((t[1],), _answer_supplement), ((t[2],), _download_result)]
    if lesson == "portal_check":
        slips = {2: 2, 3: 1}.get(tasks, 0)  # stop between the filing's three tasks
        return [((t[0],), partial(_login, check=True)),
                ((t[1], t[2], t[3]), partial(_file_temporary, slips=slips)),
                ((t[4],), partial(_pay_fee, check=True)), ((t[5],), _check_status)]
    if lesson == "signing":
        return [((t[0],), partial(_enrol_until, goal=signing.TASK_RECOVER)),
                ((t[1],), partial(_enrol_until, goal=signing.TASK_ENROL)),
                ((t[2],), _sign_form), ((t[3],), partial(_judge, source="authority", trusted=True)),
                ((t[4],), partial(_judge, source="citizen", trusted=False))]
    if lesson == "signing_check":
        first: list[Move] = [((t[0],), _check_certificate)] if tasks == 1 else []
        return [*first, ((t[1], t[0]), _check_sign),
                ((t[2],), partial(_check_judge, role="valid")),
                ((t[3],), partial(_check_judge, role="bad"))]
    if lesson in ("receiving", "receiving_check"):
        check = lesson == "receiving_check"
        fooled = check and tasks == 2  # the check's last task missed: fooled by the picture
        return [((t[0],), partial(_sell, check=check)),
                ((t[1],), partial(_allowance, check=check, then_fooled=fooled)),
                ((t[2],), partial(_spot_fake, check=check))]
    if lesson == "scams":
        return [((task,), _scam_drill(task)) for task in t]
    if lesson == "secrets":
        return [((task,), _secrets_scene(task)) for task in t]
    if lesson == "secrets_check":
        # three of four: the last scene answered wrong (the PIN told), handed in so
        scenes: list[Move] = [((task,), _secrets_scene(task, check=True)) for task in t]
        if tasks == len(t) - 1:
            third, last = scenes[-2][1], _secrets_scene(t[-1], check=True, fooled=True)

            def then_told(w: _Walker) -> None:
                third(w)
                last(w)
            scenes[-2] = ((t[-2],), then_told)
        return scenes
    if lesson == "scams_check":
        # four of five: the last scene answered wrong (reported before locking), handed in so
        moves: list[Move] = [((task,), _scam_drill(task, check=True)) for task in t]
        if tasks == len(t) - 1:
            fourth, last = moves[-2][1], _scam_drill(t[-1], check=True, fooled=True)

            def then_fooled(w: _Walker) -> None:
                fourth(w)
                last(w)
            moves[-2] = ((t[-2],), then_fooled)
        return moves
    if lesson == "receiving":
        return [((t[0],), _sell), ((t[1],), _allowance), ((t[2],), _spot_fake)]
    if lesson in ("vneid_daily", "vneid_daily_check"):
        check = lesson == "vneid_daily_check"
        wrong = check and tasks == 2  # the check's last task missed: the practice's procedure
        return [((t[0],), partial(_wallet, check=check)),
                ((t[1],), partial(_clinic, check=check, then_wrong=wrong)),
                ((t[2],), partial(_newborn_in_app, check=check))]
    if lesson in ("bills", "bills_check"):
        check = lesson == "bills_check"
        moves = [((t[0],), partial(_pay_electricity, check=check)),
                 ((t[1],), partial(_auto_debit, check=check)),
                 ((t[2],), partial(_top_up_phone, check=check))]
        if check and tasks == len(t) - 1:  # the stranger's number topped up, handed in so
            second = moves[1][1]

            def then_fooled(w: _Walker) -> None:
                second(w)
                _top_up_phone(w, check=True, fooled=True)
            moves[1] = ((t[1],), then_fooled)
        return moves
    return [((task,), _drill(task)) for task in t]  # safety


def _consent(box: Sandbox, learner_id: str) -> None:
    with box.store.engine.connect() as conn:
        consented = learners.has_consented(conn, learner_id)
    if not consented:
        learners.record_consent(box.store, box.clock, learner_id)


def _walker(box: Sandbox, learner_id: str, clock: FixedClock | None) -> _Walker:
    if clock is not None and clock is not box.clock:
        raise ValueError("the walk moves the sandbox's own clock: pass box.clock (or nothing)")
    own = box.clock if isinstance(box.clock, FixedClock) else None
    return _Walker(box, learner_id, own)


def walk(box: Sandbox, learner_id: str, lesson: str, *, tasks: int | None = None,
         clock: FixedClock | None = None) -> None:
    """Do the first ``tasks`` graded tasks of ``lesson`` (all when None) as a resident would,
    right first time; records consent first if missing. Lessons that need an earlier one
    (portal and signing need VNeID level 2) do what they need.

    ``clock`` is the sandbox's :class:`FixedClock` (``box.clock``, the default), moved on
    :data:`STEP_SECONDS` per action; the portal lesson refuses to walk without one
    (:class:`NeedsFixedClock`).
    """
    if lesson not in LESSON_TASKS:
        raise KeyError(f"unknown lesson {lesson!r}; one of {', '.join(LESSON_TASKS)}")
    wanted = LESSON_TASKS[lesson]
    count = len(wanted) if tasks is None else tasks
    if not 0 <= count <= len(wanted):
        raise ValueError(f"tasks: {lesson} has {len(wanted)} graded tasks, got {tasks!r}")
    if count == 0:
        return
    w = _walker(box, learner_id, clock)
    if lesson in ("portal", "portal_result", "portal_check") and w.clock is None:
        raise NeedsFixedClock("the portal's officials act on a FixedClock (box.clock)")
    _consent(box, learner_id)
    if lesson in SHARED_APP:  # a later part of another lesson's app: that lesson first
        walk(box, learner_id, SHARED_APP[lesson], clock=clock)
    earned = 0
    for earns, move in _moves(lesson, count):
        if earned >= count:
            break
        if earns[0] not in done_tasks(box, learner_id, lesson):
            move(w)
        earned += len(earns)


def walk_course(box: Sandbox, learner_id: str, *, lessons: int, tasks: int | None = None,
                clock: FixedClock | None = None) -> None:
    """The first ``lessons`` lessons complete, and ``tasks`` tasks of the next one."""
    order = list(LESSON_TASKS)
    if not 0 <= lessons <= len(order):
        raise ValueError(f"lessons: between 0 and {len(order)}, got {lessons!r}")
    for lesson in order[:lessons]:
        walk(box, learner_id, lesson, clock=clock)
    if tasks and lessons < len(order):
        walk(box, learner_id, order[lessons], tasks=tasks, clock=clock)
