"""A workshop's sandbox: the store, the clock and the random source, handed to simulators.

>>> from datetime import datetime
>>> from bakhong.simulators.clock import FixedClock, VN_TZ
>>> box = Sandbox.open("sqlite://", clock=FixedClock(datetime(2026, 11, 28, 8, tzinfo=VN_TZ)),
...                    seed="doctest")
>>> [l.learner_id for l in box.add_learners([("hv001", "Lê Thị Hoa", "Xã Thọ Long")])]
['hv001']
>>> box.vneid("hv001").status().step
<Step.INTRO: 'intro'>
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from . import learners as learners_mod
from . import registry
from .clock import Clock, SystemClock, seeded_random
from .errors import N_, SandboxError
from .learners import Learner, nfc
from .store import Store as Store  # re-exported: the store as a whole, never its tables
from .vneid import VneidSimulator

if TYPE_CHECKING:
    from .bank import BankSimulator
    from .bills import BillsSimulator
    from .bills_check import BillsCheckSimulator
    from .checks import BankCheckSimulator, PortalCheckSimulator, VneidCheckSimulator
    from .first_steps import FirstStepsSimulator
    from .portal import PortalSimulator
    from .receiving import ReceivingSimulator
    from .receiving_check import ReceivingCheckSimulator
    from .safety import SafetySimulator
    from .scams import ScamsSimulator
    from .scams_check import ScamsCheckSimulator
    from .secrets import SecretsSimulator
    from .secrets_check import SecretsCheckSimulator
    from .signing import SigningSimulator
    from .signing_check import SigningCheckSimulator
    from .vneid_daily import VneidDailySimulator
    from .vneid_daily_check import VneidDailyCheckSimulator

SANDBOX_FILE = "sandbox.db"


class UnknownCommune(SandboxError):
    code = "registry.unknown_commune"
    message = N_("Không tìm thấy xã/phường «{name}» trong tỉnh {province}.")


@dataclass(frozen=True)
class Enrolment:
    """One roster line, its commune resolved to the post-2025 unit."""

    learner_id: str
    full_name: str
    commune_code: str
    commune: str
    province: str
    birth_year: int | None = None
    sex: str | None = None
    legacy_commune: str | None = None
    legacy_district: str | None = None
    language: str = "vi"
    #: The roster's answered survey questions (``grading.roster.SURVEY_COLUMNS``), for reports.
    survey: Mapping[str, bool] | None = None
    #: Whether the roster gave ``learner_id`` (see :attr:`.learners.Learner.id_given`).
    id_given: bool | None = None


def enrolments(entries: Iterable[tuple[str, str, str]],
               province: str = registry.DEFAULT_PROVINCE) -> list[Enrolment]:
    """(learner_id, full name, post-2025 commune name) entries, their communes resolved."""
    units = {nfc(name).casefold(): (code, name) for code, name in registry.communes(province)}
    resolved = []
    for learner_id, full_name, commune in entries:
        unit = units.get(nfc(commune).casefold())
        if unit is None:
            raise UnknownCommune(commune, name=commune, province=province)
        resolved.append(Enrolment(learner_id, full_name, unit[0], unit[1], province))
    return resolved


@dataclass
class Sandbox:
    store: Store
    clock: Clock
    seed: str | None

    @classmethod
    def open(cls, path_or_url: str | Path, *, clock: Clock | None = None,
             seed: str | None = None) -> Sandbox:
        """Open (and create or migrate) a sandbox; ``seed`` makes every draw reproducible."""
        box = cls(Store.open(path_or_url), clock or SystemClock(), seed)
        if box.store.get_meta("workshop_id") is None:
            workshop_id = uuid.UUID(int=box.random("workshop").getrandbits(128), version=4)
            box.store.set_meta("workshop_id", str(workshop_id))
        return box

    @property
    def workshop_id(self) -> str:
        value = self.store.get_meta("workshop_id")
        assert value is not None
        return value

    def random(self, *purpose: object) -> random.Random:
        """A random source for one purpose: seeded in tests and demos, the OS's otherwise."""
        if self.seed is None:
            return random.SystemRandom()
        return seeded_random(self.seed, *purpose)

    def vneid(self, learner_id: str) -> VneidSimulator:
        return VneidSimulator(self.store, self.clock, self.random("vneid", learner_id,
                                                                  self.clock.now()), learner_id)

    def bank(self, learner_id: str) -> BankSimulator:
        from .bank import BankSimulator

        return BankSimulator(self.store, self.clock, self.random("bank", learner_id,
                                                                 self.clock.now()), learner_id)

    def portal(self, learner_id: str) -> PortalSimulator:
        from .portal import PortalSimulator

        return PortalSimulator(self.store, self.clock, self.random("portal", learner_id,
                                                                   self.clock.now()), learner_id)

    def signing(self, learner_id: str) -> SigningSimulator:
        from .signing import SigningSimulator

        return SigningSimulator(self.store, self.clock, self.random("signing", learner_id,
                                                                    self.clock.now()),
                                learner_id, self.workshop_id)

    def vneid_check(self, learner_id: str) -> VneidCheckSimulator:
        """The VNeID check («Tự làm»): :mod:`.checks`."""
        from .checks import VneidCheckSimulator

        return VneidCheckSimulator(self.store, self.clock, self.random(
            "vneid_check", learner_id, self.clock.now()), learner_id)

    def bank_check(self, learner_id: str) -> BankCheckSimulator:
        """The payment check («Tự làm»): :mod:`.checks`."""
        from .checks import BankCheckSimulator

        return BankCheckSimulator(self.store, self.clock, self.random(
            "bank_check", learner_id, self.clock.now()), learner_id)

    def portal_check(self, learner_id: str) -> PortalCheckSimulator:
        """The portal's check («Tự làm»): :mod:`.checks`."""
        from .checks import PortalCheckSimulator

        return PortalCheckSimulator(self.store, self.clock, self.random(
            "portal_check", learner_id, self.clock.now()), learner_id)

    def signing_check(self, learner_id: str) -> SigningCheckSimulator:
        """The signing check («Tự làm»): :mod:`.signing_check`."""
        from .signing_check import SigningCheckSimulator

        return SigningCheckSimulator(self.store, self.clock, self.random(
            "signing_check", learner_id, self.clock.now()), learner_id, self.workshop_id)

    def receiving_check(self, learner_id: str) -> ReceivingCheckSimulator:
        """The receiving check («Tự làm»): :mod:`.receiving_check`."""
        from .receiving_check import ReceivingCheckSimulator

        return ReceivingCheckSimulator(self.store, self.clock, self.random(
            "receiving_check", learner_id, self.clock.now()), learner_id)

    def first_steps(self, learner_id: str) -> FirstStepsSimulator:
        from .first_steps import FirstStepsSimulator

        return FirstStepsSimulator(self.store, self.clock,
                                   self.random("first_steps", learner_id, self.clock.now()),
                                   learner_id)

    def safety(self, learner_id: str) -> SafetySimulator:
        from .safety import SafetySimulator

        return SafetySimulator(self.store, self.clock,
                               self.random("safety", learner_id, self.clock.now()), learner_id)

    def receiving(self, learner_id: str) -> ReceivingSimulator:
        """Lesson 6's bank app (receiving money): :mod:`.receiving`."""
        from .receiving import ReceivingSimulator

        return ReceivingSimulator(self.store, self.clock, self.random(
            "receiving", learner_id, self.clock.now()), learner_id)

    def vneid_daily(self, learner_id: str) -> VneidDailySimulator:
        """Lesson 7's VNeID app (everyday VNeID): :mod:`.vneid_daily`."""
        from .vneid_daily import VneidDailySimulator

        return VneidDailySimulator(self.store, self.clock, self.random(
            "vneid_daily", learner_id, self.clock.now()), learner_id)

    def vneid_daily_check(self, learner_id: str) -> VneidDailyCheckSimulator:
        """The everyday VNeID check («Tự làm 7»): :mod:`.vneid_daily_check`."""
        from .vneid_daily_check import VneidDailyCheckSimulator

        return VneidDailyCheckSimulator(self.store, self.clock, self.random(
            "vneid_daily_check", learner_id, self.clock.now()), learner_id)

    def scams(self, learner_id: str) -> ScamsSimulator:
        """Lesson 8's drills (scams aimed at older people): :mod:`.scams`."""
        from .scams import ScamsSimulator

        return ScamsSimulator(self.store, self.clock,
                              self.random("scams", learner_id, self.clock.now()), learner_id)

    def bills(self, learner_id: str) -> BillsSimulator:
        """Lesson 9's bank app (bills that come every month): :mod:`.bills`."""
        from .bills import BillsSimulator

        return BillsSimulator(self.store, self.clock, self.random(
            "bills", learner_id, self.clock.now()), learner_id)

    def secrets(self, learner_id: str) -> SecretsSimulator:
        """Lesson 10's scenes (keeping one's secrets): :mod:`.secrets`."""
        from .secrets import SecretsSimulator

        return SecretsSimulator(self.store, self.clock,
                                self.random("secrets", learner_id, self.clock.now()), learner_id)

    def scams_check(self, learner_id: str) -> ScamsCheckSimulator:
        """The scams check («Tự làm»): :mod:`.scams_check`."""
        from .scams_check import ScamsCheckSimulator

        return ScamsCheckSimulator(self.store, self.clock, self.random(
            "scams_check", learner_id, self.clock.now()), learner_id)

    def bills_check(self, learner_id: str) -> BillsCheckSimulator:
        """The bills check («Tự làm»): :mod:`.bills_check`."""
        from .bills_check import BillsCheckSimulator

        return BillsCheckSimulator(self.store, self.clock, self.random(
            "bills_check", learner_id, self.clock.now()), learner_id)

    def secrets_check(self, learner_id: str) -> SecretsCheckSimulator:
        """The secrets check («Tự làm»): :mod:`.secrets_check`."""
        from .secrets_check import SecretsCheckSimulator

        return SecretsCheckSimulator(self.store, self.clock, self.random(
            "secrets_check", learner_id, self.clock.now()), learner_id)

    def add_learners(self, entries: Iterable[tuple[str, str, str]],
                     province: str = registry.DEFAULT_PROVINCE) -> list[Learner]:
        """Enrol (learner_id, full name, post-2025 commune name) entries."""
        return self.enrol(enrolments(entries, province))

    def enrol(self, enrolments: Iterable[Enrolment], *,
              progress: Callable[[int, int], None] | None = None) -> list[Learner]:
        """Enrol learners whose commune is already resolved, each with a persona of their own.

        One transaction: all of them, or none. ``progress(done, total)`` is told every
        hundred learners and at the end.
        """
        enrolments = list(enrolments)
        rng = self.random("enrol", len(learners_mod.all_learners(self.store)))
        added = []
        with self.store.transaction() as conn:
            numbers, fake = registry.FreeNumbers(conn), registry.vietnamese_faker()
            codes = learners_mod.FreeCodes(conn)
            for entry in enrolments:
                family = registry.create_household(
                    conn, rng, commune_code=entry.commune_code, commune_name=entry.commune,
                    size=rng.randint(2, 4), province=entry.province, numbers=numbers,
                    fake=fake)
                added.append(learners_mod.enrol(
                    conn, self.clock, rng, codes=codes, learner_id=entry.learner_id,
                    full_name=entry.full_name, commune=entry.commune,
                    persona_id=family[0].persona_id, language=entry.language,
                    province=entry.province,
                    commune_code=entry.commune_code, birth_year=entry.birth_year,
                    sex=entry.sex, legacy_commune=entry.legacy_commune,
                    legacy_district=entry.legacy_district, survey=entry.survey,
                    id_given=entry.id_given))
                if progress and (len(added) % 100 == 0 or len(added) == len(enrolments)):
                    progress(len(added), len(enrolments))
        return added

    def close(self) -> None:
        self.store.close()
