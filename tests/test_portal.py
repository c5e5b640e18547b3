"""The sandbox portal on a fixed clock: SSO, once-only forms, dossiers, fees, officials, faults."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest import PASSWORD, reach_level2

from bakhong.simulators import (
    bank,
    civil_papers,
    dossiers,
    evidence,
    faults,
    learners,
    procedures,
    registry,
)
from bakhong.simulators.clock import VN_TZ, FixedClock
from bakhong.simulators.errors import NotInSandbox
from bakhong.simulators.portal import (
    ConnectionLost,
    InvalidForm,
    LeftBeforeResult,
    MissingAttachment,
    NotLoggedIn,
    PaymentNotFound,
    PortalSimulator,
    SessionExpired,
    StillIllegible,
    completed_tasks,
)
from bakhong.simulators.procedures import NEWBORN_BUNDLE
from bakhong.simulators.sandbox import Sandbox
from bakhong.simulators.store import dossiers as dossier_table
from bakhong.simulators.vneid import LevelTooLow, NotActivated, WrongCredentials

PIN = "135790"
# Tuesday 1 December 2026, 09:00: a working day, before 15:00
MORNING = datetime(2026, 12, 1, 9, 0, tzinfo=VN_TZ)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(MORNING)


@pytest.fixture
def box(tmp_path: Path, clock: FixedClock) -> Sandbox:
    sandbox = Sandbox.open(tmp_path / "sandbox.db", clock=clock, seed="portal-tests")
    sandbox.add_learners([("hv001", "Lê Thị Hoa", "Xã Thọ Long"),
                          ("hv002", "Trần Văn Nam", "Xã Thọ Long")])
    for learner_id in ("hv001", "hv002"):
        learners.record_consent(sandbox.store, clock, learner_id)
    return sandbox


def persona(box: Sandbox, learner_id: str = "hv001") -> registry.Persona:
    return registry.persona_of_learner(box.store, learner_id)


@pytest.fixture
def portal(box: Sandbox) -> PortalSimulator:
    reach_level2(box.vneid("hv001"), persona(box))
    sim = box.portal("hv001")
    sim.login(persona(box).id_number, PASSWORD)
    return sim


def answers(sim: PortalSimulator) -> dict[int, dict[str, str]]:
    """What the learner types (the registry cannot know it), by step of the bundle's form."""
    s = sim.scenario()
    return {1: {"child_name": s["child_name"].lower(), "child_birth_date": s["child_birth_date"],
                "child_sex": s["child_sex"], "child_birth_place": s["facility"],
                "requester_relation": s["relation"]},
            4: {"health_facility": procedures.HEALTH_FACILITIES[0], "extract_copies": "1"}}


def fill_bundle(sim: PortalSimulator, opened: dict[int, set[str]] | None = None,
                changes: dict[int, dict[str, str]] | None = None) -> procedures.Procedure:
    draft = sim.start(NEWBORN_BUNDLE)
    typed = answers(sim)
    for index in range(len(draft.procedure.steps)):
        values = {**typed.get(index, {}), **(changes or {}).get(index, {})}
        draft = sim.save_step(NEWBORN_BUNDLE, index, values, (opened or {}).get(index, set()))
    assert draft.at_review
    photo = next(d for d in sim.documents() if not d.legible)
    sim.attach(NEWBORN_BUNDLE, "birth_certificate", photo.doc_id)
    return draft.procedure


def pay(box: Sandbox, sim: PortalSimulator, code: str) -> None:
    order = sim.payment_order(code)
    app = box.bank("hv001")
    if app.status().step is bank.Step.SETUP:
        app.set_pin(PIN, PIN)
    app.scan(order.payload)
    app.review()
    app.authorise(PIN)
    app.done()


def tasks(box: Sandbox) -> set[str]:
    return completed_tasks(evidence.learner_events(box.store, "hv001", "portal"))


def wait(clock: FixedClock, sim: PortalSimulator, code: str, steps: int = 1) -> dossiers.Dossier:
    for _ in range(steps):
        clock.advance(seconds=31)
    return sim.dossier(code)


# -- single sign-on ------------------------------------------------------------------------

def test_login_only_with_the_activated_vneid_account(box: Sandbox) -> None:
    sim = box.portal("hv002")
    with pytest.raises(NotLoggedIn):
        sim.start(NEWBORN_BUNDLE)
    with pytest.raises(NotActivated):
        sim.login(persona(box, "hv002").id_number, PASSWORD)
    reach_level2(box.vneid("hv002"), persona(box, "hv002"))
    with pytest.raises(WrongCredentials):
        sim.login(persona(box, "hv002").id_number, "Sai@12345")
    with pytest.raises(WrongCredentials):  # another persona's number
        sim.login(persona(box).id_number, PASSWORD)
    assert sim.login(persona(box, "hv002").id_number, PASSWORD).level == 2


def test_level_1_cannot_file_the_bundle(box: Sandbox) -> None:
    from conftest import activate

    vneid_app = box.vneid("hv001")
    activate(vneid_app, persona(box))  # level 1 only
    sim = box.portal("hv001")
    assert sim.login(persona(box).id_number, PASSWORD).level == 1
    with pytest.raises(LevelTooLow):
        sim.start(NEWBORN_BUNDLE)


def test_the_session_expires_and_the_form_is_kept(box: Sandbox, portal: PortalSimulator,
                                                  clock: FixedClock) -> None:
    portal.start(NEWBORN_BUNDLE)
    portal.save_step(NEWBORN_BUNDLE, 0, {})
    clock.advance(minutes=31)
    with pytest.raises(SessionExpired):
        portal.save_step(NEWBORN_BUNDLE, 1, answers(portal)[1])
    portal.login(persona(box).id_number, PASSWORD)
    draft = portal.draft(NEWBORN_BUNDLE)
    assert draft is not None and draft.step == 1
    faults.switch_on(box.store, "hv001", "portal.session_expired")
    with pytest.raises(SessionExpired):
        portal.save_step(NEWBORN_BUNDLE, 1, answers(portal)[1])
    portal.login(persona(box).id_number, PASSWORD)
    assert portal.save_step(NEWBORN_BUNDLE, 1, answers(portal)[1]).step == 2


# -- once-only -----------------------------------------------------------------------------

def test_the_form_is_prefilled_from_the_registry(box: Sandbox, portal: PortalSimulator) -> None:
    draft = portal.start(NEWBORN_BUNDLE)
    me = persona(box)
    assert draft.prefilled["requester_name"] == me.full_name
    assert draft.prefilled["requester_id"] == me.id_number
    assert draft.prefilled["requester_address"] == me.address
    scenario = portal.scenario()
    assert draft.prefilled["mother_name"] == scenario["mother_name"]
    assert draft.prefilled["father_name"] == scenario["father_name"]
    # every field has either a source the learner can read, or is one the registry cannot know
    typed = {k for step in answers(portal).values() for k in step}
    for spec in draft.procedure.fields:
        assert (spec.source in portal_sources()) or spec.key in typed, spec.key
    # the mother and father are people of the persona's household, in the registry
    family = {p.full_name for p in registry.household(box.store, me.household_id)}
    assert {scenario["mother_name"], scenario["father_name"]} <= family


def portal_sources() -> set[str]:
    from bakhong.simulators.portal import SOURCES

    return set(SOURCES)


def test_confirming_everything_is_once_only(box: Sandbox, portal: PortalSimulator) -> None:
    fill_bundle(portal)
    d = portal.submit(NEWBORN_BUNDLE)
    assert d.plan["retyped"] == [] and d.plan["corrected"] == []
    assert {"submit_bundle", "once_only"} <= tasks(box)
    assert d.form["child_name"] == portal.scenario()["child_name"]  # capitalised as it is written


def test_opening_a_field_and_keeping_its_value_is_retyping(box: Sandbox,
                                                           portal: PortalSimulator) -> None:
    fill_bundle(portal, opened={0: {"requester_phone"}})
    d = portal.submit(NEWBORN_BUNDLE)
    assert d.plan["retyped"] == ["requester_phone"]
    assert "submit_bundle" in tasks(box) and "once_only" not in tasks(box)


def test_a_correction_is_allowed_and_recorded_with_what_it_replaced(
        box: Sandbox, portal: PortalSimulator) -> None:
    fill_bundle(portal, opened={4: {"household_head"}},
                changes={4: {"household_head": "Lê Văn Trung Hiếu"}})
    draft_values = portal.submit(NEWBORN_BUNDLE)
    assert draft_values.plan["corrected"] == ["household_head"]
    assert draft_values.form["household_head"] == "Lê Văn Trung Hiếu"
    assert "once_only" in tasks(box)


@pytest.mark.parametrize(("field", "value", "message"), [
    ("child_name", "An", "ít nhất 2 chữ"),
    ("child_name", "Lê Văn 3", "chỉ gồm chữ cái"),
    ("child_birth_date", "31/02/2026", "ngày/tháng/năm"),
    ("child_birth_date", "01/01/2027", "chưa tới"),
    ("child_sex", "Khác", "danh sách"),
    ("child_birth_place", "", "để trống"),
])
def test_typed_fields_are_checked_with_vietnamese_messages(
        portal: PortalSimulator, field: str, value: str, message: str) -> None:
    portal.start(NEWBORN_BUNDLE)
    portal.save_step(NEWBORN_BUNDLE, 0, {})
    with pytest.raises(InvalidForm) as caught:
        portal.save_step(NEWBORN_BUNDLE, 1, {**answers(portal)[1], field: value})
    assert message in caught.value.errors[field]
    assert portal.draft(NEWBORN_BUNDLE).step == 1  # type: ignore[union-attr]


def test_a_real_looking_id_typed_as_a_correction_is_refused_and_not_kept(
        box: Sandbox, portal: PortalSimulator) -> None:
    portal.start(NEWBORN_BUNDLE)
    real_looking = "038185123456"
    with pytest.raises(InvalidForm) as caught:
        portal.save_step(NEWBORN_BUNDLE, 0, {"requester_id": real_looking}, {"requester_id"})
    assert caught.value.errors["requester_id"] == NotInSandbox.message
    dump = "\n".join(box.store.engine.raw_connection().iterdump())  # type: ignore[attr-defined]
    assert real_looking not in dump


# -- submitting ------------------------------------------------------------------------------

def test_the_certificate_must_be_attached(portal: PortalSimulator) -> None:
    draft = portal.start(NEWBORN_BUNDLE)
    for index in range(len(draft.procedure.steps)):
        portal.save_step(NEWBORN_BUNDLE, index, answers(portal).get(index, {}))
    with pytest.raises(MissingAttachment):
        portal.submit(NEWBORN_BUNDLE)


def test_dossier_code_and_fee(box: Sandbox, portal: PortalSimulator) -> None:
    fill_bundle(portal)
    d = portal.submit(NEWBORN_BUNDLE)
    commune = learners.by_id(box.store, "hv001").commune_code
    assert re.fullmatch(rf"H56\.{commune}-261201-0001", d.code), d.code
    assert d.status == 1 and d.status_title == "Mới đăng ký"
    # issue 20: the bundle is free (birth on time, a child's residence, the under-6 card);
    # the one copy of the birth extract the learner asked for is the only fee
    assert d.fee is not None and d.fee.amount == 8_000 and d.fee.state == "unpaid"
    assert [a for a, _ in d.fee.items] == ["Phí cấp bản sao Trích lục khai sinh"]
    assert portal.draft(NEWBORN_BUNDLE) is None  # the form is done


def test_issue20_the_newborn_bundle_is_free_without_copies(portal: PortalSimulator) -> None:
    """Birth on time, a child's residence and the under-6 card cost nothing (docs/facts.md):
    a bundle filed without copies of the extract has no fee request at all."""
    fill_bundle(portal, changes={4: {"extract_copies": "0"}})
    d = portal.submit(NEWBORN_BUNDLE)
    assert d.fee is None


def test_the_sequence_restarts_every_day_for_each_unit(box: Sandbox) -> None:
    with box.store.transaction() as conn:
        assert dossiers.new_code(conn, "H56.1", MORNING) == "H56.1-261201-0001"
        conn.execute(dossier_table.insert().values(
            dossier_code="H56.1-261201-0001", learner_id="hv001", procedure="1.004194",
            request_id="r1", status=1, form="{}", submitted_at=MORNING.isoformat()))
        assert dossiers.new_code(conn, "H56.1", MORNING) == "H56.1-261201-0002"
        assert dossiers.new_code(conn, "H56.2", MORNING) == "H56.2-261201-0001"
        assert dossiers.new_code(conn, "H56.1", datetime(2026, 12, 2, 8, tzinfo=VN_TZ)) == \
            "H56.1-261202-0001"


def test_a_dropped_submission_is_filed_once(box: Sandbox, portal: PortalSimulator) -> None:
    fill_bundle(portal)
    faults.switch_on(box.store, "hv001", "portal.network_drop")
    with pytest.raises(ConnectionLost):
        portal.submit(NEWBORN_BUNDLE)
    assert portal.draft(NEWBORN_BUNDLE) is not None  # the learner still sees the form
    again = portal.submit(NEWBORN_BUNDLE)
    assert len(portal.my_dossiers()) == 1 and again.code == portal.my_dossiers()[0].code
    with box.store.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(dossier_table)).scalar() == 1
    assert "submit_bundle" in tasks(box)


# -- fees and the officials -------------------------------------------------------------------

def test_unpaid_fee_blocks_reception_with_the_real_message(
        box: Sandbox, portal: PortalSimulator, clock: FixedClock) -> None:
    fill_bundle(portal)
    d = portal.submit(NEWBORN_BUNDLE)
    d = wait(clock, portal, d.code, 3)
    assert d.status == 1
    assert d.events[-1].note == "Hồ sơ có phí/lệ phí chờ thanh toán"
    with box.store.transaction() as conn, pytest.raises(dossiers.UnpaidFee):
        dossiers.official_action(conn, clock, d.code, "receive", portal.hooks())


def test_the_whole_bundle(box: Sandbox, portal: PortalSimulator, clock: FixedClock) -> None:
    fill_bundle(portal)
    d = portal.submit(NEWBORN_BUNDLE)
    pay(box, portal, d.code)
    d = portal.confirm_payment(d.code)
    assert d.fee is not None and d.fee.state == "paid" and d.file("receipt")
    assert "pay_fee" in tasks(box)
    d = wait(clock, portal, d.code)
    assert d.status == 2
    assert d.appointment == "2026-12-03"  # Tuesday 09:00 + 3 working days: Thursday
    d = wait(clock, portal, d.code)
    assert d.status == 4
    d = wait(clock, portal, d.code)
    assert d.status == 5 and d.substate == "Yêu cầu công dân bổ sung"
    assert "mờ" in d.events[-1].params["reason"]
    blurred = next(x for x in portal.documents() if not x.legible)
    with pytest.raises(StillIllegible):
        portal.answer_supplement(d.code, blurred.doc_id)
    clear = next(x for x in portal.documents() if x.source == "hospital")
    d = portal.answer_supplement(d.code, clear.doc_id)
    assert d.substate == "Chờ bổ sung tiếp nhận"
    d = wait(clock, portal, d.code, 2)
    assert d.status == 10, [e.note for e in d.events]
    assert [e.status for e in d.events] == [1, 2, 4, 5, 5, 4, 9, 10]
    results = [doc for role, doc in d.files if role == "result"]
    assert len(results) == 3
    titles = {portal.document(doc)[0].title for doc in results}
    assert titles == {"Trích lục khai sinh (bản điện tử)", "Xác nhận thông tin về cư trú",
                      "Thẻ bảo hiểm y tế"}
    filename, mime, content = portal.download(results[0])
    assert filename.endswith(".pdf")
    assert mime == "application/pdf" and content.startswith(b"%PDF")
    assert tasks(box) == {"login", "submit_bundle", "once_only", "pay_fee",
                          "answer_supplement", "download_result"}


def test_after_three_pm_the_count_starts_the_next_working_day(
        box: Sandbox, portal: PortalSimulator, clock: FixedClock) -> None:
    clock.set(datetime(2026, 12, 4, 16, 0, tzinfo=VN_TZ))  # Friday 16:00
    portal.login(persona(box).id_number, PASSWORD)
    fill_bundle(portal)
    d = portal.submit(NEWBORN_BUNDLE)
    pay(box, portal, d.code)
    portal.confirm_payment(d.code)
    d = wait(clock, portal, d.code)
    assert d.appointment == "2026-12-09"  # Monday, Tuesday, Wednesday


def test_fee_paid_by_transfer_with_the_code_in_the_message(
        box: Sandbox, portal: PortalSimulator) -> None:
    fill_bundle(portal)
    d = portal.submit(NEWBORN_BUNDLE)
    order = portal.payment_order(d.code)
    app = box.bank("hv001")
    app.set_pin(PIN, PIN)
    app.start_transfer(bank.PORTAL.bin, order.account)
    app.review(order.amount, "nop tien")  # forgot the code
    app.authorise(PIN)
    app.done()
    with pytest.raises(PaymentNotFound):
        portal.confirm_payment(d.code)
    app.start_transfer(bank.PORTAL.bin, order.account)
    app.review(order.amount, f"le phi {order.content.lower()}")
    app.authorise(PIN)
    assert portal.confirm_payment(d.code).fee.state == "paid"  # type: ignore[union-attr]


def test_leaving_the_gateway_before_the_result(box: Sandbox, portal: PortalSimulator) -> None:
    fill_bundle(portal)
    d = portal.submit(NEWBORN_BUNDLE)
    faults.switch_on(box.store, "hv001", "portal.payment_left")
    pay(box, portal, d.code)
    with pytest.raises(LeftBeforeResult):
        portal.confirm_payment(d.code)
    assert portal.dossier(d.code).fee.state == "waiting"  # type: ignore[union-attr]
    assert portal.confirm_payment(d.code).fee.state == "paid"  # type: ignore[union-attr]


def test_a_refused_dossier_gives_the_fee_back(box: Sandbox, portal: PortalSimulator,
                                              clock: FixedClock) -> None:
    faults.switch_on(box.store, "hv001", "portal.refused")
    fill_bundle(portal)
    d = portal.submit(NEWBORN_BUNDLE)
    pay(box, portal, d.code)
    paid_balance = box.bank("hv001").status().balance
    portal.confirm_payment(d.code)
    d = wait(clock, portal, d.code)
    assert d.status == 3 and d.events[-1].note == "Từ chối tiếp nhận hồ sơ: {reason}"
    assert d.fee is not None and d.fee.state == "refunded"
    assert box.bank("hv001").status().balance == paid_balance + 8_000
    assert bank.ledger_totals(box.store)[0] == 0


def test_the_trainer_plays_the_official(box: Sandbox, portal: PortalSimulator,
                                        clock: FixedClock) -> None:
    fill_bundle(portal)
    d = portal.submit(NEWBORN_BUNDLE)
    pay(box, portal, d.code)
    portal.confirm_payment(d.code)
    hooks = portal.hooks()
    with box.store.transaction() as conn:
        got = dossiers.official_action(conn, clock, d.code, "receive", hooks)
        assert got.status == 2
        with pytest.raises(dossiers.NotAwaitingReceipt):
            dossiers.official_action(conn, clock, d.code, "receive", hooks)
        got = dossiers.official_action(conn, clock, d.code, "stop", hooks, "Thử nghiệm")
        assert got.status == 8 and got.events[-1].params == {"reason": "Thử nghiệm"}
        with pytest.raises(dossiers.NotAllowedNow):
            dossiers.official_action(conn, clock, d.code, "approve", hooks)


def attach_lease(sim: PortalSimulator) -> None:
    """A rental contract, uploaded and attached to the temporary residence (1.004194)."""
    lease = civil_papers.simple_paper(title="HỢP ĐỒNG THUÊ NHÀ", agency=("",),
                                rows=[("Địa chỉ", "Số 5, phường Hạc Thành")], issued=MORNING)
    sim.attach("1.004194", "residence_proof", sim.upload("hop-dong.pdf", lease))


def test_another_procedure_returns_a_result_notice(box: Sandbox, portal: PortalSimulator,
                                                   clock: FixedClock) -> None:
    portal.start("1.004194")
    portal.save_step("1.004194", 0, {})
    portal.save_step("1.004194", 1, {"temporary_address": "Số 5, phường Hạc Thành, Thanh Hóa",
                                     "temporary_until": "01/12/2026"})
    with pytest.raises(MissingAttachment):  # the paper proving the lodging is lawful
        portal.submit("1.004194")
    attach_lease(portal)
    d = portal.submit("1.004194")
    assert d.fee is not None and d.fee.amount == 7_000
    pay(box, portal, d.code)
    portal.confirm_payment(d.code)
    d = wait(clock, portal, d.code, 3)
    assert d.status == 10
    assert "download_result" not in tasks(box)  # only the bundle counts for the lesson
    assert date.fromisoformat(d.appointment or "") >= MORNING.date()


def test_a_receipt_is_no_birth_certificate(box: Sandbox, portal: PortalSimulator,
                                           clock: FixedClock) -> None:
    from bakhong.simulators.portal import NOT_A_CERTIFICATE, WrongDocument

    first = portal.start("1.004194")  # a first dossier, paid: its receipt is in the store
    portal.save_step("1.004194", 0, {})
    portal.save_step("1.004194", 1, {"temporary_address": "Số 5, phường Hạc Thành",
                                     "temporary_until": "01/12/2026"})
    assert first.procedure.code == "1.004194"
    attach_lease(portal)
    other = portal.submit("1.004194")
    pay(box, portal, other.code)
    portal.confirm_payment(other.code)
    receipt = next(x for x in portal.documents() if x.source == "portal")
    draft = portal.start(NEWBORN_BUNDLE)
    for index in range(len(draft.procedure.steps)):
        portal.save_step(NEWBORN_BUNDLE, index, answers(portal).get(index, {}))
    portal.attach(NEWBORN_BUNDLE, "birth_certificate", receipt.doc_id)
    d = portal.submit(NEWBORN_BUNDLE)
    pay(box, portal, d.code)
    portal.confirm_payment(d.code)
    d = wait(clock, portal, d.code, 3)
    assert d.status == 5 and d.plan["supplement_reason"] == NOT_A_CERTIFICATE
    with pytest.raises(WrongDocument):
        portal.answer_supplement(d.code, receipt.doc_id)
    clear = next(x for x in portal.documents() if x.source == "hospital")
    assert portal.answer_supplement(d.code, clear.doc_id).substate == "Chờ bổ sung tiếp nhận"
