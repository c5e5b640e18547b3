"""The identity registry: fictional residents and their households.

Names come from Faker's ``vi_VN`` locale, communes from the post-2025 units of
the ``vietnam-provinces`` data. Every persona's ID number uses the province code
``000``, never issued, and every phone number starts with ``0100``, a prefix no
carrier uses since the 2018 renumbering, so no persona can be a real citizen.
Anything typed that is not a persona's own data is refused with
:class:`~bakhong.simulators.errors.NotInSandbox` and is not stored.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from . import idnumber
from .errors import N_, NotInSandbox, SandboxError
from .learners import nfc
from .store import Store, households, learners, personas

SANDBOX_PHONE_PREFIX = "0100"
DEFAULT_PROVINCE = "Thanh Hóa"
#: Every fictional person's ethnicity and nationality, as the population database holds them.
ETHNICITY = "Kinh"
NATIONALITY = "Việt Nam"


class InvalidPhone(SandboxError, ValueError):
    code = "phone.invalid"
    message = N_("Số điện thoại di động phải có 10 chữ số và bắt đầu bằng số 0.")


@dataclass(frozen=True)
class Persona:
    persona_id: str
    id_number: str
    full_name: str
    sex: str
    birth_date: str
    phone: str
    relative_phone: str
    relation: str
    household_id: str
    address: str
    commune_name: str
    province_name: str

    @property
    def name_without_diacritics(self) -> str:
        """The name as the approval SMS prints it: capitals, no diacritics."""
        return strip_diacritics(self.full_name).upper()


def strip_diacritics(text: str) -> str:
    """Remove Vietnamese diacritics, as SMS gateways do.

    >>> strip_diacritics("Nguyễn Thị Đào")
    'Nguyen Thi Dao'
    """
    import unicodedata

    decomposed = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def compact_phone(phone: str) -> str:
    """Digits only, ``+84`` turned into a leading 0.

    >>> compact_phone("0100 123 456")
    '0100123456'
    >>> compact_phone("+84 100 123 456")
    '0100123456'
    """
    digits = "".join(ch for ch in nfc(phone) if ch.isdigit() or ch == "+")
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    return digits


def validate_phone(phone: str) -> str:
    number = compact_phone(phone)
    if len(number) != 10 or not number.isdigit() or not number.startswith("0"):
        raise InvalidPhone(phone)
    return number


def is_sandbox_phone(phone: str) -> bool:
    return compact_phone(phone).startswith(SANDBOX_PHONE_PREFIX)


def communes(province: str = DEFAULT_PROVINCE) -> list[tuple[str, str]]:
    """(code, name) of the province's post-2025 communes and wards."""
    from vietnam_provinces import Province, Ward

    wanted = nfc(province)
    for prov in Province.iter_all():
        if nfc(prov.name) == wanted:
            return [(str(w.code.value), nfc(w.name)) for w in Ward.iter_by_province(prov.code)]
    raise KeyError(province)


# Faker's vi_VN formats put the family name last; Vietnamese puts it first.
_MIDDLE_NAMES = {"nam": ("Văn", "Đức", "Minh", "Quang", "Hữu", "Công"),
                 "nữ": ("Thị", "Thị", "Ngọc", "Thu", "Thanh", "Hồng")}
_RELATIONS = ("Chủ hộ", "Vợ", "Chồng", "Con", "Mẹ", "Bố")


class FreeNumbers:
    """The sandbox numbers already given (ID numbers, phones, household numbers), read once,
    so that a batch of new residents draws each number against them in memory: enrolling a
    roster of 10,000 reads the tables once, not once per person. Use one inside one
    transaction."""

    def __init__(self, conn: Connection) -> None:
        self.id_numbers = {r[0] for r in conn.execute(sa.select(personas.c.id_number))}
        self.phones = {r[0] for r in conn.execute(sa.select(personas.c.phone))} | {
            r[0] for r in conn.execute(sa.select(personas.c.relative_phone))}
        self.households = {r[0] for r in conn.execute(sa.select(households.c.household_id))}

    def household(self, rng: random.Random) -> str:
        found = f"HK{rng.randrange(10**8):08d}"
        while found in self.households:
            found = f"HK{rng.randrange(10**8):08d}"
        self.households.add(found)
        return found

    def id_number(self, rng: random.Random, sex: str, year: int) -> str:
        found = idnumber.make_sandbox_number(sex, year, rng.randrange(10**6))
        while found in self.id_numbers:
            found = idnumber.make_sandbox_number(sex, year, rng.randrange(10**6))
        self.id_numbers.add(found)
        return found

    def phone(self, rng: random.Random) -> str:
        found = f"{SANDBOX_PHONE_PREFIX}{rng.randrange(10**6):06d}"
        while found in self.phones:
            found = f"{SANDBOX_PHONE_PREFIX}{rng.randrange(10**6):06d}"
        self.phones.add(found)
        return found


def vietnamese_faker() -> Any:
    """Faker's ``vi_VN`` (slow to make: make one per batch, seed it per household)."""
    from faker import Faker

    return Faker("vi_VN")


def create_household(
    conn: Connection, rng: random.Random, *, commune_code: str, commune_name: str,
    size: int, province: str = DEFAULT_PROVINCE, numbers: FreeNumbers | None = None,
    fake: Any = None,
) -> list[Persona]:
    """Create a household of ``size`` adults (14+) living in one commune.

    A batch passes its own ``numbers`` and ``fake`` (:func:`vietnamese_faker`) along.
    """
    numbers = numbers or FreeNumbers(conn)
    fake = fake or vietnamese_faker()
    fake.seed_instance(rng.getrandbits(32))
    household_id = numbers.household(rng)
    address = nfc(f"Thôn {rng.randint(1, 12)}, {commune_name}, {province}")
    conn.execute(households.insert().values(
        household_id=household_id, address=address, commune_code=commune_code,
        commune_name=nfc(commune_name), province_name=nfc(province)))
    family = nfc(fake.last_name())
    members = []
    for index in range(size):
        sex = rng.choice(("nam", "nữ"))
        birth = date(rng.randint(1950, 2006), rng.randint(1, 12), rng.randint(1, 28))
        relation = _RELATIONS[0] if index == 0 else rng.choice(_RELATIONS[1:])
        members.append(_add_person(conn, rng, fake, numbers, household_id=household_id,
                                   address=address, commune_name=commune_name,
                                   province=province, family=family, sex=sex, birth=birth,
                                   relation=relation))
    return members


def _add_person(conn: Connection, rng: random.Random, fake: Any, numbers: FreeNumbers, *,
                household_id: str, address: str, commune_name: str, province: str,
                family: str, sex: str, birth: date, relation: str) -> Persona:
    """One fictional person of a household, with a sandbox ID number and phones nobody has."""
    given = fake.first_name_male() if sex == "nam" else fake.first_name_female()
    middle = rng.choice(_MIDDLE_NAMES[sex])
    number = numbers.id_number(rng, sex, birth.year)
    phone, relative_phone = numbers.phone(rng), numbers.phone(rng)
    persona = Persona(
        # the ID number's last nine digits (sex, year, serial): unique as the number is
        persona_id=f"P{number[-9:]}", id_number=number,
        full_name=nfc(f"{family} {middle} {given}"), sex=sex, birth_date=birth.isoformat(),
        phone=phone, relative_phone=relative_phone, relation=relation,
        household_id=household_id, address=address, commune_name=nfc(commune_name),
        province_name=nfc(province))
    conn.execute(personas.insert().values(
        persona_id=persona.persona_id, id_number=number, full_name=persona.full_name,
        sex=sex, birth_date=persona.birth_date, phone=phone, relative_phone=relative_phone,
        household_id=household_id, relation=relation))
    return persona


def add_member(conn: Connection, rng: random.Random, household_id: str, *, sex: str,
               birth: date, relation: str, family: str | None = None) -> Persona:
    """Add a fictional person to a household (a spouse, a grown-up child for a scenario).

    ``family`` is the family name (the household head's when ``None``).
    """
    fake = vietnamese_faker()
    fake.seed_instance(rng.getrandbits(32))
    row = conn.execute(sa.select(households).where(
        households.c.household_id == household_id)).one()
    if family is None:
        head = conn.execute(sa.select(personas.c.full_name).where(
            personas.c.household_id == household_id).order_by(personas.c.persona_id)).first()
        family = head[0].split()[0] if head else nfc(fake.last_name())
    return _add_person(conn, rng, fake, FreeNumbers(conn), household_id=household_id,
                       address=row.address,
                       commune_name=row.commune_name, province=row.province_name,
                       family=family, sex=sex, birth=birth, relation=relation)


def household_members(conn: Connection, household_id: str) -> list[Persona]:
    """Everyone of a household, inside a transaction (see :func:`household` for a store)."""
    rows = conn.execute(_query().where(personas.c.household_id == household_id)
                        .order_by(personas.c.persona_id))
    return [Persona(**row._mapping) for row in rows]




_PERSONA_COLUMNS = (
    personas.c.persona_id, personas.c.id_number, personas.c.full_name, personas.c.sex,
    personas.c.birth_date, personas.c.phone, personas.c.relative_phone, personas.c.relation,
    personas.c.household_id, households.c.address, households.c.commune_name,
    households.c.province_name,
)


def _query() -> sa.Select[Any]:
    return sa.select(*_PERSONA_COLUMNS).join(
        households, personas.c.household_id == households.c.household_id)


def persona(store: Store, persona_id: str) -> Persona:
    rows = store.read(_query().where(personas.c.persona_id == persona_id))
    if not rows:
        raise NotInSandbox(persona_id)
    return Persona(**rows[0]._mapping)


def persona_of_learner(store: Store, learner_id: str) -> Persona:
    rows = store.read(_query().join(learners, learners.c.persona_id == personas.c.persona_id)
                      .where(learners.c.learner_id == learner_id))
    if not rows:
        raise NotInSandbox(learner_id)
    return Persona(**rows[0]._mapping)


def persona_of_learner_conn(conn: Connection, learner_id: str) -> Persona:
    """Like :func:`persona_of_learner`, inside a transaction."""
    rows = list(conn.execute(_query().join(learners,
                                           learners.c.persona_id == personas.c.persona_id)
                             .where(learners.c.learner_id == learner_id)))
    if not rows:
        raise NotInSandbox(learner_id)
    return Persona(**rows[0]._mapping)


def household(store: Store, household_id: str) -> list[Persona]:
    rows = store.read(_query().where(personas.c.household_id == household_id)
                      .order_by(personas.c.persona_id))
    return [Persona(**row._mapping) for row in rows]


def lookup_id_number(conn: Connection, typed: str) -> Persona:
    """The persona with this ID number; a well-formed number outside the sandbox is refused.

    The typed value is validated (typed errors for a typo) and never stored.
    """
    number = idnumber.validate(typed)
    if not idnumber.is_sandbox(number):
        raise NotInSandbox("real-looking id number")
    rows = list(conn.execute(_query().where(personas.c.id_number == number)))
    if not rows:
        raise NotInSandbox("unknown sandbox id number")
    return Persona(**rows[0]._mapping)


def check_phone(typed: str) -> str:
    """Validate a typed phone number and refuse anything outside the sandbox range."""
    number = validate_phone(typed)
    if not is_sandbox_phone(number):
        raise NotInSandbox("real-looking phone number")
    return number
