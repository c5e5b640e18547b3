"""One learner's practice app over the store: its saved screen state and its actions.

Every app of the sandbox (VNeID, the bank, the portal, the signing app, lesson 0's
phone, the safety drills) keeps what its screen shows as one JSON row of
``flow_states`` and runs each thing the learner does the same way, which
:class:`LearnerFlow` holds once:

* one store transaction per action, after the consent check;
* the action runs on the saved state; a refusal (a typed error) keeps what the action
  changed before refusing (a failed-try counter, a fault that fired), so nothing the
  learner did is lost;
* the outcome is recorded as evidence, ``ok`` or the refusal's code, with the step the
  app is on afterwards (``grading.progress`` reads the time on a step from it);
* the refusal is raised to the view, which shows its Vietnamese message.

A subclass names its ``flow`` and ``lesson``, the ``steps`` enum and the ``wrong_step``
error of an action tried on the wrong screen, and says what a new learner's state is
(:meth:`LearnerFlow._fresh`); :meth:`LearnerFlow._prepare` adds what must exist before
any action (an account, the lesson's documents).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from enum import StrEnum
from typing import Any, ClassVar, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from . import registry
from .clock import Clock
from .errors import SandboxError
from .evidence import OK, record
from .learners import require_consent
from .store import Store, load_flow_state, save_flow_state, sms_inbox

__all__ = ["REFUSALS", "LearnerFlow", "Refusal"]

T = TypeVar("T")
State = dict[str, Any]
#: What an action may refuse with: the sandbox's errors (the ID-number checks' among them).
Refusal = SandboxError
REFUSALS = (SandboxError,)


class LearnerFlow:
    """The plumbing of one learner's app; subclasses add the screens' actions."""

    flow: ClassVar[str]
    lesson: ClassVar[str]
    steps: ClassVar[type[StrEnum]]
    wrong_step: ClassVar[type[SandboxError]]

    def __init__(self, store: Store, clock: Clock, rng: random.Random, learner_id: str) -> None:
        self.store = store
        self.clock = clock
        self.rng = rng
        self.learner_id = learner_id
        self.persona = registry.persona_of_learner(store, learner_id)

    def _now(self) -> str:
        return self.clock.now().isoformat()

    # -- the saved state ----------------------------------------------------------------

    def _fresh(self) -> State:
        """A new learner's state (drawn with ``self.rng`` where it holds a scenario)."""
        raise NotImplementedError

    def _prepare(self, conn: Connection, state: State) -> None:
        """What must exist before any action or reading; nothing by default."""

    def _load(self, conn: Connection) -> State:
        saved = load_flow_state(conn, self.learner_id, self.flow)
        return self._fresh() if saved is None else saved

    def _save(self, conn: Connection, state: State) -> None:
        save_flow_state(conn, self.learner_id, self.flow, state, self._now())

    # -- one action ---------------------------------------------------------------------

    def _facts(self, state: State, refusal: Refusal | None,
               detail: Mapping[str, Any]) -> dict[str, Any]:
        """The evidence's detail: the step the app is on after the action, and ``detail``."""
        return {"step": state["step"], **detail}

    def _check(self, conn: Connection, state: State, task: str,
               allowed: tuple[StrEnum, ...]) -> None:
        """Refuse an action the app cannot take now: by default one tried on another step."""
        if allowed and self.steps(state["step"]) not in allowed:
            raise self.wrong_step(f"{task} at {state['step']}")

    def _act(self, task: str, action: Callable[[Connection, State], T],
             *allowed: StrEnum, **detail: Any) -> T:
        """Run ``action`` on the saved state in one transaction and record the outcome.

        ``allowed`` are the steps the action can be taken on (any when empty); elsewhere
        it is refused with ``wrong_step``. A refusal keeps what the action changed before
        refusing and is recorded with its code, then raised.
        """
        refusal: Refusal | None = None
        result: Any = None
        with self.store.transaction() as conn:
            require_consent(conn, self.learner_id)
            state = self._load(conn)
            self._prepare(conn, state)
            try:
                self._check(conn, state, task, allowed)
                result = action(conn, state)
            except REFUSALS as err:
                refusal = err
            self._save(conn, state)
            record(conn, self.clock, self.learner_id, self.lesson, task,
                   refusal.code if refusal else OK, **self._facts(state, refusal, detail))
        if refusal is not None:
            raise refusal
        return result  # type: ignore[no-any-return]

    def record_help(self, lesson: str, task: str, step: str, help: str = "") -> None:
        """A help-bar event (:data:`.evidence.HELP_TASKS`) on ``step`` of ``lesson``'s page,
        ``help`` naming what it showed. Refused before consent (:func:`require_consent`)."""
        from . import evidence
        from .desk import NotAllowed

        if task not in evidence.HELP_TASKS or not all(
                isinstance(v, str) and len(v) <= 64 for v in (lesson, task, step, help)):
            raise NotAllowed("help event")
        evidence.record_help(self.store, self.clock, self.learner_id, lesson, task, step,
                             help=help)

    # -- readings every page may make ----------------------------------------------------

    def now(self) -> datetime:
        """The sandbox's time now (its clock: a fixed one in tests), for a page that shows
        "updated at" or decides whether something it shows has run out."""
        return self.clock.now()

    def newest_sms(self) -> int | None:
        """The number of the learner's newest SMS, from any app (``None`` before the first):
        one small read a page's poller watches to show an SMS as it arrives
        (``bakhong.widgets.live``)."""
        found = self.store.read(sa.select(sa.func.max(sms_inbox.c.seq))
                                .where(sms_inbox.c.learner_id == self.learner_id))[0][0]
        return None if found is None else int(found)

    @contextmanager
    def _reading(self) -> Iterator[tuple[Connection, State]]:
        """A reading in one transaction: the state as saved, and saved again at the end
        (a new learner's state on first sight, an expiry or an official's step applied)."""
        with self.store.transaction() as conn:
            require_consent(conn, self.learner_id)
            state = self._load(conn)
            as_saved = load_flow_state(conn, self.learner_id, self.flow)
            self._prepare(conn, state)
            yield conn, state
            if state != as_saved:  # unchanged: no write, so a reading costs no disk flush
                self._save(conn, state)

    def _current(self) -> State:
        """The saved state, read (and saved, for a new learner) in its own transaction."""
        with self._reading() as (_conn, state):
            return state

    def _read(self, action: Callable[[Connection, State], T]) -> T:
        """:meth:`_reading` around one function."""
        with self._reading() as (conn, state):
            return action(conn, state)
