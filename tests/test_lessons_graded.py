"""Lessons 3 and 4 graded by nbgrader from the evidence of their simulators."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from conftest import PASSWORD, reach_level2
from test_portal import fill_bundle, pay, wait
from test_signing import PIN as SIGNING_PIN
from test_signing import enrol, form_doc

from bakhong.grading import grader, workshop
from bakhong.simulators import learners, registry, submissions
from bakhong.simulators.clock import VN_TZ, FixedClock
from bakhong.simulators.procedures import NEWBORN_BUNDLE

pytestmark = pytest.mark.slow

ROSTER = [("hv001", "Lê Thị Hoa", "Xã Thọ Long"), ("hv002", "Trần Văn Nam", "Xã Thọ Long"),
          ("hv003", "Phạm Thị Lụa", "Xã Hồ Vương")]


def test_portal_and_signing_lessons(tmp_path: Path) -> None:
    from nbgrader.api import Gradebook

    root = tmp_path / "workshop"
    clock = FixedClock(datetime(2026, 12, 1, 9, tzinfo=VN_TZ))
    box, _ = workshop.create(root, ROSTER, clock=clock, seed="graded-3-4",
                             lessons=("portal", "portal_result", "signing"))
    try:
        for learner_id, _, _ in ROSTER:
            learners.record_consent(box.store, clock, learner_id)
        for learner_id in ("hv001", "hv002"):
            reach_level2(box.vneid(learner_id),
                         registry.persona_of_learner(box.store, learner_id))

        # hv001 does everything in both lessons
        portal = box.portal("hv001")
        portal.login(registry.persona_of_learner(box.store, "hv001").id_number, PASSWORD)
        fill_bundle(portal)
        d = portal.submit(NEWBORN_BUNDLE)
        pay(box, portal, d.code)
        portal.confirm_payment(d.code)
        d = wait(clock, portal, d.code, 3)
        clear = next(x for x in portal.documents() if x.source == "hospital")
        portal.answer_supplement(d.code, clear.doc_id)
        d = wait(clock, portal, d.code, 2)
        portal.download(next(doc for role, doc in d.files if role == "result"))
        signing = box.signing("hv001")
        enrol(signing, box)
        signing.confirm(signing.sign(form_doc(signing)).tran_id, SIGNING_PIN)
        scenario = {title: doc for doc, title, _ in signing.pdfs()}
        notice = scenario["Thông báo của UBND xã (đã ký số)"]
        contract = scenario["Hợp đồng đặt cọc (nhận qua Zalo)"]
        signing.verify(notice)
        signing.judge(notice, trusted=True)
        signing.verify(contract)
        signing.judge(contract, trusted=False)

        # hv002 retypes a prefilled field and trusts the altered contract
        other = box.portal("hv002")
        other.login(registry.persona_of_learner(box.store, "hv002").id_number, PASSWORD)
        fill_bundle(other, opened={0: {"requester_name"}})
        other.submit(NEWBORN_BUNDLE)
        second = box.signing("hv002")
        found = {title: doc for doc, title, _ in second.pdfs()}
        second.verify(found["Hợp đồng đặt cọc (nhận qua Zalo)"])
        second.judge(found["Hợp đồng đặt cọc (nhận qua Zalo)"], trusted=True)

        for learner_id, _, _ in ROSTER:  # hv003 did nothing
            for lesson in ("portal", "portal_result", "signing"):
                submissions.request(box.store, clock, learner_id, lesson)
        scores = {(s.learner_id, s.lesson): s.score for s in grader.grade_pending(root, box)}
    finally:
        box.close()
    assert scores == {
        ("hv001", "portal"): 5.0, ("hv001", "portal_result"): 4.0, ("hv001", "signing"): 9.0,
        ("hv002", "portal"): 3.0,  # logged in (1), submitted (2); retyped: no once-only
        ("hv002", "portal_result"): 0.0,  # filed, but neither paid nor answered the officials
        ("hv002", "signing"): 0.0,
        ("hv003", "portal"): 0.0, ("hv003", "portal_result"): 0.0, ("hv003", "signing"): 0.0,
    }
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        assert gradebook.find_submission("signing", "hv001").max_score == 9.0
        assert gradebook.find_submission("portal", "hv002").score == 3.0
        # lesson 3b is graded on the portal's evidence, in its own gradebook entry
        assert gradebook.find_submission("portal_result", "hv001").max_score == 4.0
