"""The learner's desk: every call a learner's page can make, for that learner alone.

A page (the widgets of one lesson in one kernel) never holds the store. It talks to a
:class:`LearnerDesk`: in the tests directly, in a workshop through the sandbox service
(:mod:`bakhong.sandbox_service`), which builds the desk for the learner named by the page's
pass and refuses any call not listed here. So the list below is the whole of what a phone
can ask the sandbox for:

* the page's own calls (:data:`DESK_CALLS`): the learner, consent, language and display
  modes, «Nộp bài», its score and the course's pass mark;
* each practice app's actions and readings (:meth:`LearnerDesk.call` with an app's name):
  the public methods of its simulator (the help bar's events among them,
  :meth:`.flow.LearnerFlow.record_help`), less :data:`NOT_FOR_PAGES` (the portal officials'
  hooks, which are the trainer's).

:class:`Desk` is what the widgets hold: a :class:`LearnerDesk` or the kernel's client of the
service (:class:`bakhong.sandbox_client.RemoteDesk`), which has the same methods.

>>> from datetime import datetime
>>> from bakhong.simulators.clock import FixedClock, VN_TZ
>>> from bakhong.simulators.sandbox import Sandbox
>>> box = Sandbox.open("sqlite://", clock=FixedClock(datetime(2026, 12, 1, 9, tzinfo=VN_TZ)),
...                    seed="desk")
>>> _ = box.add_learners([("hv001", "Lê Thị Hoa", "Xã Thọ Long")])
>>> desk = LearnerDesk(box, "hv001")
>>> desk.call("desk", "consented"), desk.call("desk", "consent"), desk.call("desk", "consented")
(False, None, True)
>>> desk.call("vneid", "status").step
<Step.INTRO: 'intro'>
>>> desk.call("portal", "hooks")
Traceback (most recent call last):
...
bakhong.simulators.desk.NotAllowed: Ứng dụng luyện tập không cho phép thao tác này. (portal.hooks)
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from . import learners, submissions
from .errors import N_, SandboxError
from .wire import READINGS

if TYPE_CHECKING:
    from .learners import Learner
    from .registry import Persona
    from .sandbox import Sandbox

__all__ = ["APPS", "DESK_CALLS", "NOT_FOR_PAGES", "READINGS", "Desk", "LearnerDesk", "NotAllowed",
           "allowed"]

#: The practice apps a page may use, by the name the page calls them.
APPS = ("first_steps", "vneid", "bank", "portal", "signing", "safety", "receiving", "vneid_daily",
        "scams", "bills", "secrets", "vneid_check", "bank_check", "portal_check", "signing_check",
        "receiving_check", "vneid_daily_check", "scams_check", "bills_check",
        "secrets_check")
#: Public methods of a simulator that are not the learner's to call.
NOT_FOR_PAGES = frozenset({"hooks"})
#: The page's own calls (methods of :class:`LearnerDesk`).
DESK_CALLS = frozenset({"learner", "persona", "consented", "consent", "set_language",
                        "display_modes", "set_display_modes", "submit", "latest_submission",
                        "pass_mark", "lesson_variants"})


class NotAllowed(SandboxError):
    """A call no learner's page can make (a forged message, or a bug)."""

    code = "desk.not_allowed"
    message = N_("Ứng dụng luyện tập không cho phép thao tác này.")


def allowed(app: str) -> frozenset[str]:
    """The calls a page may make on ``app``'s simulator: its public methods, static ones
    among them (the safety drill's ``report_text``).

    >>> "report_text" in allowed("safety"), "newest_sms" in allowed("bank")
    (True, True)
    """
    if app not in APPS:  # before the cache: a name from the wire must not grow it
        return frozenset()
    return _public_calls(app)


@functools.cache
def _public_calls(app: str) -> frozenset[str]:
    return frozenset(name for name, member in vars_of(_simulator_class(app)).items()
                     if not name.startswith("_") and name not in NOT_FOR_PAGES
                     and (inspect.isfunction(member) or isinstance(member, staticmethod)))


def _simulator_class(app: str) -> type:
    from . import (
        bank,
        bills,
        bills_check,
        checks,
        first_steps,
        portal,
        receiving,
        receiving_check,
        safety,
        scams,
        scams_check,
        secrets,
        secrets_check,
        signing,
        signing_check,
        vneid,
        vneid_daily,
        vneid_daily_check,
    )

    return {"first_steps": first_steps.FirstStepsSimulator, "vneid": vneid.VneidSimulator,
            "bank": bank.BankSimulator, "portal": portal.PortalSimulator,
            "signing": signing.SigningSimulator, "safety": safety.SafetySimulator,
            "receiving": receiving.ReceivingSimulator,
            "vneid_daily": vneid_daily.VneidDailySimulator, "scams": scams.ScamsSimulator,
            "bills": bills.BillsSimulator,
            "secrets": secrets.SecretsSimulator,
            "vneid_check": checks.VneidCheckSimulator,
            "bank_check": checks.BankCheckSimulator,
            "portal_check": checks.PortalCheckSimulator,
            "signing_check": signing_check.SigningCheckSimulator,
            "receiving_check": receiving_check.ReceivingCheckSimulator,
            "vneid_daily_check": vneid_daily_check.VneidDailyCheckSimulator,
            "scams_check": scams_check.ScamsCheckSimulator,
            "bills_check": bills_check.BillsCheckSimulator,
            "secrets_check": secrets_check.SecretsCheckSimulator}[app]


def vars_of(kind: type) -> dict[str, Any]:
    """The attributes ``kind`` defines or inherits from the sandbox's classes (not object's)."""
    found: dict[str, Any] = {}
    for base in reversed(kind.__mro__):
        if base is not object:
            found.update(vars(base))
    return found


class Desk(Protocol):
    """What a page holds: one learner's calls (:class:`LearnerDesk`'s methods)."""

    learner_id: str

    def app(self, name: str) -> Any: ...
    def learner(self) -> Learner: ...
    def persona(self) -> Persona: ...
    def consented(self) -> bool: ...
    def consent(self) -> None: ...
    def set_language(self, language: str) -> None: ...
    def display_modes(self) -> frozenset[str]: ...
    def set_display_modes(self, modes: Iterable[str]) -> None: ...
    def submit(self, lesson: str) -> submissions.Submission: ...
    def latest_submission(self, lesson: str) -> submissions.Submission | None: ...
    def pass_mark(self) -> float: ...
    def lesson_variants(self) -> dict[str, VariantEntry]: ...


#: A workshop's own variant of a lesson, as the desk is told it: (base lesson, title, text,
#: the base's graded tasks it keeps; empty: all of them) (``bakhong.grading.lesson_variants``).
VariantEntry = tuple[str, str, str, tuple[str, ...]]
#: The workshop's variants, name -> entry, asked anew on each use.
Variants = Callable[[], Mapping[str, VariantEntry]]


class LearnerDesk:
    """One learner's calls to the sandbox (see the module's notes); ``pass_mark`` is the
    course's (``bakhong.toml``), which «Xem điểm» judges by; ``variants``, the workshop's
    own variants of lessons, which a page may show and hand in too."""

    def __init__(self, box: Sandbox, learner_id: str, *, pass_mark: float = 0.8,
                 variants: Variants | None = None) -> None:
        self.box, self.learner_id, self._pass_mark = box, learner_id, pass_mark
        self._variants = variants
        self._apps: dict[str, Any] = {}

    def call(self, target: str, method: str, args: Sequence[Any] = (),
             kwargs: Mapping[str, Any] | None = None) -> Any:
        """Make one call for the learner: a page call (``target="desk"``) or an app's."""
        if target == "desk":
            if method not in DESK_CALLS:
                raise NotAllowed(f"desk.{method}")
            function: Callable[..., Any] = getattr(self, method)
        else:
            if method not in allowed(target):
                raise NotAllowed(f"{target}.{method}")
            function = getattr(self.app(target), method)
        return function(*args, **dict(kwargs or {}))

    def readings(self, target: str, names: Iterable[str]) -> dict[str, Any]:
        """The :data:`READINGS` among ``names`` that app ``target`` has, read now (what the
        screen shows after an action; others are left out, not refused)."""
        if target == "desk":
            return {}
        calls = allowed(target)
        return {name: self.call(target, name) for name in READINGS
                if name in names and name in calls}

    def app(self, name: str) -> Any:
        """The learner's simulator of practice app ``name`` (one per desk)."""
        if name not in APPS:
            raise NotAllowed(name)
        if name not in self._apps:
            self._apps[name] = getattr(self.box, name)(self.learner_id)
        return self._apps[name]

    # -- the page's own calls ----------------------------------------------------------------

    def learner(self) -> Learner:
        return learners.by_id(self.box.store, self.learner_id)

    def persona(self) -> Persona:
        from . import registry

        return registry.persona_of_learner(self.box.store, self.learner_id)

    def consented(self) -> bool:
        with self.box.store.engine.connect() as conn:
            return learners.has_consented(conn, self.learner_id)

    def consent(self) -> None:
        learners.record_consent(self.box.store, self.box.clock, self.learner_id)

    def set_language(self, language: str) -> None:
        if language not in ("vi", "en", "pseudo"):
            raise NotAllowed(f"language {language[:8]!r}")
        learners.set_language(self.box.store, self.learner_id, language)

    def display_modes(self) -> frozenset[str]:
        return learners.display_modes(self.box.store, self.learner_id)

    def set_display_modes(self, modes: Iterable[str]) -> None:
        learners.set_display_modes(self.box.store, self.box.clock, self.learner_id, modes)

    def submit(self, lesson: str) -> submissions.Submission:
        """«Nộp bài»: queue the lesson for grading."""
        from .walkthrough import LESSON_TASKS

        if lesson not in LESSON_TASKS and lesson not in self.lesson_variants():
            raise NotAllowed(f"lesson {lesson[:16]!r}")
        return submissions.request(self.box.store, self.box.clock, self.learner_id, lesson)

    def latest_submission(self, lesson: str) -> submissions.Submission | None:
        return submissions.latest(self.box.store, self.learner_id, lesson)

    def pass_mark(self) -> float:
        return self._pass_mark

    def lesson_variants(self) -> dict[str, VariantEntry]:
        """The workshop's own variants of lessons: name -> (base lesson, title, text, kept
        tasks)."""
        return dict(self._variants()) if self._variants is not None else {}
