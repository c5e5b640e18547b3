"""Lesson 10's scenes (keeping one's secrets): right choices, mistakes, retries, order."""

from __future__ import annotations

import pytest

from bakhong.simulators import evidence, learners, safety, scams, secrets
from bakhong.simulators.sandbox import Sandbox
from bakhong.simulators.secrets import SecretsSimulator, Step


@pytest.fixture
def sim(box: Sandbox) -> SecretsSimulator:
    return box.secrets("hv001")


def events(box: Sandbox) -> list[evidence.Event]:
    return evidence.learner_events(box.store, "hv001", secrets.LESSON)


def outcomes(box: Sandbox, task: str) -> list[str]:
    return [e.outcome for e in events(box) if e.task == task]


def done(box: Sandbox) -> set[str]:
    return secrets.completed_tasks(events(box))


def do_every_scene_right(sim: SecretsSimulator) -> None:
    sim.start(secrets.TASK_NOTEBOOK)
    sim.notebook_at_home()
    sim.start(secrets.TASK_OWN_NAME)
    sim.own_name()
    sim.start(secrets.TASK_HELP)
    sim.type_pin_myself()
    sim.start(secrets.TASK_LEND)
    sim.take_phone_back()
    sim.home()


def test_nothing_before_consent(box: Sandbox) -> None:
    with pytest.raises(learners.ConsentRequired):
        box.secrets("hv002").status()


def test_every_scene_done_right(box: Sandbox, sim: SecretsSimulator) -> None:
    assert sim.status().step is Step.HOME
    do_every_scene_right(sim)
    assert done(box) == set(secrets.TASKS)
    assert sim.status().done == frozenset(done(box))
    assert all(e.outcome == evidence.OK for e in events(box))
    # the decisive choices carry the step they led to, as the scams drills do
    assert [e.detail["step"] for e in events(box)
            if e.task == secrets.TASK_NOTEBOOK] == ["outcome"]


@pytest.mark.parametrize(("task", "wrong", "code"), [
    (secrets.TASK_NOTEBOOK, "stick_on_phone", "secrets.sticky_note"),
    (secrets.TASK_NOTEBOOK, "photo_in_gallery", "secrets.photo_in_gallery"),
    (secrets.TASK_NOTEBOOK, "same_password", "secrets.same_password"),
    (secrets.TASK_OWN_NAME, "sim_in_shop_name", "secrets.sim_in_other_name"),
    (secrets.TASK_OWN_NAME, "wallet_in_nephew_name", "secrets.account_in_other_name"),
    (secrets.TASK_HELP, "grandson_types_pin", "secrets.helper_typed_pin"),
    (secrets.TASK_HELP, "stranger_helps", "secrets.stranger_helped"),
    (secrets.TASK_LEND, "let_borrower_go_on", "secrets.let_borrower_go_on"),
    (secrets.TASK_LEND, "tell_borrower_pin", "secrets.told_borrower_pin"),
])
def test_each_mistake_is_typed_explained_and_retryable(
        box: Sandbox, sim: SecretsSimulator, task: str, wrong: str, code: str) -> None:
    sim.start(task)
    with pytest.raises(safety.Mistake) as err:
        getattr(sim, wrong)()
    assert err.value.code == code
    status = sim.status()
    assert status.step is Step.OUTCOME
    assert status.outcome is not None and not status.outcome.right
    assert status.outcome.explanation == err.value.message
    assert status.outcome.consequence  # what would happen, said plainly
    assert outcomes(box, task) == [code]
    assert done(box) == set()
    sim.retry()
    assert sim.status().step is SecretsSimulator.drills[task].first
    sim.home()
    do_every_scene_right(sim)
    assert outcomes(box, task) == [code, evidence.OK]  # the mistake is kept
    assert done(box) == set(secrets.TASKS)


def test_refusals_change_nothing(box: Sandbox, sim: SecretsSimulator) -> None:
    with pytest.raises(secrets.WrongStep):
        sim.notebook_at_home()  # not in the scene
    with pytest.raises(secrets.UnknownDrill):
        sim.start("nope")
    sim.start(secrets.TASK_LEND)
    with pytest.raises(secrets.WrongStep):
        sim.own_name()  # another scene's choice
    assert sim.status().step is Step.LEND
    assert done(box) == set()
    assert {e.outcome for e in events(box)} >= {"secrets.wrong_step", "secrets.unknown_drill"}


def test_the_commune_team_may_help(sim: SecretsSimulator) -> None:
    sim.start(secrets.TASK_HELP)
    status = sim.type_pin_myself(team=True)
    assert status.outcome is not None and status.outcome.right and status.outcome.reported


def test_scenario_is_kept(box: Sandbox, sim: SecretsSimulator) -> None:
    first = sim.status().scenario
    assert box.secrets("hv001").status().scenario == first
    assert len(first["sim_tail"]) == 3


def test_deterministic(box: Sandbox) -> None:
    assert box.secrets("hv001").status().scenario == box.secrets("hv001").status().scenario


def test_scams_and_secrets_keep_apart(box: Sandbox, sim: SecretsSimulator) -> None:
    sim.start(secrets.TASK_LEND)
    sim.take_phone_back()
    assert scams.completed_tasks(
        evidence.learner_events(box.store, "hv001", scams.LESSON)) == set()
    assert box.scams("hv001").status().step is scams.Step.HOME
