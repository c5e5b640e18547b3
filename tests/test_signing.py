"""Remote signing on a fixed clock: enrolment resumed after drops, signing, verifying."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest import PASSWORD, activate, reach_level2

from bakhong.simulators import evidence, faults, learners, registry, signing
from bakhong.simulators.clock import VN_TZ, FixedClock
from bakhong.simulators.sandbox import Sandbox
from bakhong.simulators.signing import (
    ENROLMENT,
    ConnectionLost,
    NotAPdf,
    NotOnThisDevice,
    PinLocked,
    RequestExists,
    SigningSimulator,
    Step,
    TransactionExpired,
    TransactionNotWaiting,
    WrongPin,
    completed_tasks,
)
from bakhong.simulators.store import credentials, documents
from bakhong.simulators.vneid import LevelTooLow

PIN = "864213"


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 12, 1, 9, 0, tzinfo=VN_TZ))


@pytest.fixture
def box(tmp_path: Path, clock: FixedClock) -> Sandbox:
    sandbox = Sandbox.open(tmp_path / "sandbox.db", clock=clock, seed="signing-tests")
    sandbox.add_learners([("hv001", "Lê Thị Hoa", "Xã Thọ Long"),
                          ("hv002", "Trần Văn Nam", "Xã Thọ Long")])
    for learner_id in ("hv001", "hv002"):
        learners.record_consent(sandbox.store, clock, learner_id)
    return sandbox


def persona(box: Sandbox, learner_id: str = "hv001") -> registry.Persona:
    return registry.persona_of_learner(box.store, learner_id)


@pytest.fixture
def app(box: Sandbox) -> SigningSimulator:
    reach_level2(box.vneid("hv001"), persona(box))
    return box.signing("hv001")


def certificates(box: Sandbox) -> int:
    with box.store.engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(credentials)).scalar()
                   or 0)


def run_step(sim: SigningSimulator, box: Sandbox, step: Step) -> None:
    if step is Step.IDENTITY:
        sim.link_vneid(persona(box).id_number, PASSWORD)
        sim.confirm_identity()
    elif step is Step.EKYC:
        sim.ekyc(card_front=True, card_back=True, face=True)
    elif step is Step.CONTRACT:
        sim.accept_contract(True)
    else:
        sim.set_pin(PIN, PIN)


def enrol(sim: SigningSimulator, box: Sandbox) -> None:
    """The whole enrolment, recovering from the lesson's one dropped connection."""
    sim.begin()
    while sim.status().step is not Step.ACTIVE:
        status = sim.status()
        if status.step is Step.INTRO:
            sim.resume() if status.pending else sim.begin()
            continue
        try:
            run_step(sim, box, status.step)
        except ConnectionLost:
            pass


def tasks(box: Sandbox) -> set[str]:
    return completed_tasks(evidence.learner_events(box.store, "hv001", "signing"))


def test_enrolment_with_the_lessons_drop_resumes_the_request(
        box: Sandbox, app: SigningSimulator) -> None:
    app.begin()
    run_step(app, box, Step.IDENTITY)
    identity = app.status().identity
    assert identity is not None and identity.full_name == persona(box).full_name
    run_step(app, box, Step.EKYC)
    with pytest.raises(ConnectionLost):  # the lesson drops the answer to the contract
        run_step(app, box, Step.CONTRACT)
    status = app.status()
    assert status.step is Step.INTRO and status.pending and status.pending_step is Step.PIN
    app.begin()  # the app takes the learner back to the pending request
    assert app.status().step is Step.PIN
    run_step(app, box, Step.PIN)
    status = app.status()
    assert status.step is Step.ACTIVE and status.certificate is not None
    assert status.certificate["subject"] == persona(box).full_name
    assert certificates(box) == 1
    assert {"enrol", "recover"} <= tasks(box)


def test_the_real_world_answer_and_the_way_out(box: Sandbox, app: SigningSimulator) -> None:
    faults.switch_on(box.store, "hv001", "sign.real_world")
    app.begin()
    run_step(app, box, Step.IDENTITY)
    run_step(app, box, Step.EKYC)
    with pytest.raises(ConnectionLost):
        run_step(app, box, Step.CONTRACT)
    assert app.status().real_world
    with pytest.raises(RequestExists) as caught:
        app.begin()
    assert "64002" in str(caught.value)
    app.resume()  # «Quản lý yêu cầu» → «Tiếp tục»
    run_step(app, box, Step.PIN)
    assert certificates(box) == 1 and "recover" in tasks(box)


@pytest.mark.parametrize("dropped", ENROLMENT)
def test_a_drop_at_any_step_never_makes_two_certificates(
        box: Sandbox, app: SigningSimulator, dropped: Step) -> None:
    app.begin()
    with box.store.transaction() as conn:  # this test drops where it wants, not the lesson
        state = app._load(conn)
        app._ensure_scenario(conn, state)
        state["scenario"]["drop_at"] = None
        app._save(conn, state)
    for step in ENROLMENT:
        if step is dropped:
            faults.switch_on(box.store, "hv001", "sign.network_drop")
            with pytest.raises(ConnectionLost):
                run_step(app, box, step)
            app.resume()
            if step is Step.PIN:
                break
            assert app.status().step is ENROLMENT[ENROLMENT.index(step) + 1]
            continue
        run_step(app, box, step)
    status = app.status()
    assert status.step is Step.ACTIVE and certificates(box) == 1
    with pytest.raises(signing.WrongStep):
        app.begin()  # enrolled: no second request
    assert certificates(box) == 1


def test_level_2_is_needed(box: Sandbox) -> None:
    activate(box.vneid("hv002"), persona(box, "hv002"))
    sim = box.signing("hv002")
    sim.begin()
    with pytest.raises(LevelTooLow):
        sim.link_vneid(persona(box, "hv002").id_number, PASSWORD)


def form_doc(sim: SigningSimulator) -> str:
    return next(doc for doc, _title, source in sim.pdfs() if source == "portal-form")


def test_sign_a_form_then_verify_it(box: Sandbox, app: SigningSimulator) -> None:
    enrol(app, box)
    transaction = app.sign(form_doc(app))
    assert [t.tran_id for t in app.status().waiting] == [transaction.tran_id]
    signed = app.confirm(transaction.tran_id, PIN)
    assert app.status().waiting == ()
    assert "sign_form" in tasks(box)
    verdicts = app.verify(signed)
    assert [v.verdict for v in verdicts] == ["valid"]
    assert verdicts[0].signer == persona(box).full_name
    assert verdicts[0].id_number == persona(box).id_number
    with pytest.raises(TransactionNotWaiting):
        app.confirm(transaction.tran_id, PIN)


def test_trust_the_notice_and_spot_the_altered_contract(box: Sandbox,
                                                         app: SigningSimulator) -> None:
    with box.store.transaction() as conn:
        state = app._load(conn)
        app._ensure_scenario(conn, state)
        app._save(conn, state)
    scenario = state["scenario"]
    assert [v.verdict for v in app.verify(scenario["notice"])] == ["valid"]
    app.judge(scenario["notice"], trusted=True)
    assert [v.verdict for v in app.verify(scenario["tampered"])] == ["modified"]
    app.judge(scenario["tampered"], trusted=False)
    assert {"trust_valid", "spot_tampered"} <= tasks(box)


def test_a_trusted_tampered_contract_is_not_spotted(box: Sandbox, app: SigningSimulator) -> None:
    tampered = app.status() and next(doc for doc, title, _ in app.pdfs()
                                     if title == "Hợp đồng đặt cọc (nhận qua Zalo)")
    app.verify(tampered)
    app.judge(tampered, trusted=True)
    assert "spot_tampered" not in tasks(box)


def test_the_transaction_expires(box: Sandbox, app: SigningSimulator, clock: FixedClock) -> None:
    enrol(app, box)
    transaction = app.sign(form_doc(app))
    clock.advance(minutes=3)
    with pytest.raises(TransactionExpired):
        app.confirm(transaction.tran_id, PIN)
    faults.switch_on(box.store, "hv001", "sign.expired")
    again = app.sign(form_doc(app))
    with pytest.raises(TransactionExpired):
        app.confirm(again.tran_id, PIN)


def test_refusing_signs_nothing(box: Sandbox, app: SigningSimulator) -> None:
    enrol(app, box)
    before = len(app.pdfs())
    transaction = app.sign(form_doc(app))
    app.reject(transaction.tran_id)
    with pytest.raises(TransactionNotWaiting):
        app.confirm(transaction.tran_id, PIN)
    assert len(app.pdfs()) == before


def test_wrong_pins_lock_and_reactivation_unlocks(box: Sandbox, app: SigningSimulator) -> None:
    enrol(app, box)
    transaction = app.sign(form_doc(app))
    for _ in range(signing.MAX_PIN_TRIES - 1):
        with pytest.raises(WrongPin):
            app.confirm(transaction.tran_id, "000000")
    with pytest.raises(PinLocked):
        app.confirm(transaction.tran_id, "000000")
    assert app.status().step is Step.LOCKED
    app.request_reactivation()
    code = re.search(r"\b(\d{6})\b", app.inbox()[-1][1])
    assert code
    app.reactivate(code.group(1), "135246", "135246")
    assert app.status().step is Step.ACTIVE
    signed = app.confirm(app.sign(form_doc(app)).tran_id, "135246")
    assert [v.verdict for v in app.verify(signed)] == ["valid"]


def test_a_reinstalled_app_needs_reactivation(box: Sandbox, app: SigningSimulator) -> None:
    enrol(app, box)
    faults.switch_on(box.store, "hv001", "sign.reinstalled")
    with pytest.raises(NotOnThisDevice) as caught:
        app.sign(form_doc(app))
    assert "60000" in str(caught.value)
    app.request_reactivation()
    code = re.search(r"\b(\d{6})\b", app.inbox()[-1][1])
    assert code
    app.reactivate(code.group(1), PIN, PIN)
    assert app.sign(form_doc(app)).status == "waiting"


def test_only_pdfs_are_signed(box: Sandbox, app: SigningSimulator) -> None:
    enrol(app, box)
    with box.store.transaction() as conn:
        conn.execute(documents.insert().values(
            doc_id="Dphoto", learner_id="hv001", title="Ảnh", filename="anh.jpg",
            mime="image/jpeg", content=b"\xff\xd8\xff\xe0", source="citizen", legible=1,
            in_store=1, created_at=datetime(2026, 12, 1, 9, tzinfo=VN_TZ).isoformat()))
    with pytest.raises(NotAPdf) as caught:
        app.sign("Dphoto")
    assert "64000" in str(caught.value)


def test_pdfsig_trusts_the_learners_signature(box: Sandbox, app: SigningSimulator,
                                              tmp_path: Path) -> None:
    """The independent verifier, with the workshop's root in an NSS database."""
    import pdfsig_support

    from bakhong.simulators import pki

    enrol(app, box)
    signed_id = app.confirm(app.sign(form_doc(app)).tran_id, PIN)
    with box.store.transaction() as conn:
        authority = signing.workshop_pki(conn, box.clock.now(), box.random("x"),
                                         box.workshop_id)
        content = conn.execute(sa.select(documents.c.content).where(
            documents.c.doc_id == signed_id)).scalar()
    pdf = tmp_path / "signed.pdf"
    pdf.write_bytes(bytes(content))
    root, issuer = tmp_path / "root.pem", tmp_path / "issuer.pem"
    root.write_bytes(pki.certificate_pem(authority.root.certificate))
    issuer.write_bytes(pki.certificate_pem(authority.issuer.certificate))
    nss = pdfsig_support.nss_database(tmp_path / "nss", roots=[root], intermediates=[issuer])
    [found] = pdfsig_support.pdfsig(pdf, nss).signatures
    assert found.fields.get("Signature Validation") == "Signature is Valid.", found.lines
    assert found.fields.get("Certificate Validation") == "Certificate is Trusted.", found.lines
