"""The portal lesson's scenario: a baby born into the persona's household, and its papers.

:func:`draw` decides, once per learner, who the parents are: the persona and a spouse
when the persona is 45 or younger; otherwise a grown-up child of the persona and that
child's spouse, because grandparents often file for their grandchildren (Luật Hộ tịch
2014, art. 15 lets grandparents and relatives register a birth). Missing relatives are
added to the household as fictional people. The baby's name follows the father's family
name; the birth was 3 to 25 days ago at the commune's health station.

:func:`result_papers` prints what the officials give back: the e-extract of the birth
register, the residence confirmation and the under-6 health-insurance card for the
bundle; a result notice for any other procedure.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.engine import Connection

from . import civil_papers, idnumber, procedures, registry
from .clock import VN_TZ
from .dossiers import Dossier
from .errors import N_
from .forms import parse_date, sex_of
from .procedures import NEWBORN_BUNDLE

__all__ = ["certificate_args", "draw", "result_papers"]

_GIVEN = {"Nam": ("An", "Bình", "Minh", "Khôi", "Nam", "Phúc"),
          "Nữ": ("An", "Chi", "Hà", "Linh", "Mai", "Ngọc")}
_MIDDLE = {"Nam": ("Minh", "Gia", "Đức", "Bảo"), "Nữ": ("Ngọc", "Bảo", "Thu", "Khánh")}
_FAMILIES = ("Lê", "Nguyễn", "Trần", "Phạm", "Hoàng", "Đỗ")


def draw(conn: Connection, rng: random.Random, me: registry.Persona,
         today: date) -> dict[str, Any]:
    """The scenario as a JSON-ready dict (persona ids of the parents, the baby, the paper)."""
    members = [m for m in registry.household_members(conn, me.household_id)
               if m.persona_id != me.persona_id]

    def age(p: registry.Persona) -> int:
        return today.year - int(p.birth_date[:4])

    def spouse_of(p: registry.Persona, relation: str) -> registry.Persona:
        other = "nữ" if p.sex == "nam" else "nam"
        found = [m for m in members if m.sex == other and 18 <= age(m) <= 55
                 and abs(age(m) - age(p)) <= 12 and m.persona_id != p.persona_id]
        if found:
            return found[0]
        birth = date(int(p.birth_date[:4]) + rng.randint(-3, 3), rng.randint(1, 12),
                     rng.randint(1, 28))
        family = None if relation in ("Vợ", "Chồng") else rng.choice(_FAMILIES)
        added = registry.add_member(conn, rng, me.household_id, sex=other, birth=birth,
                                    relation=relation, family=family)
        members.append(added)
        return added

    if age(me) <= 45:
        parent, relation = me, ("Mẹ" if me.sex == "nữ" else "Cha")
        other = spouse_of(me, "Chồng" if me.sex == "nữ" else "Vợ")
    else:
        grown = [m for m in members if m.relation == "Con" and 20 <= age(m) <= 42]
        if grown:
            parent = grown[0]
        else:
            birth = date(today.year - rng.randint(24, 36), rng.randint(1, 12),
                         rng.randint(1, 28))
            parent = registry.add_member(conn, rng, me.household_id,
                                         sex=rng.choice(("nam", "nữ")), birth=birth,
                                         relation="Con")
            members.append(parent)
        other = spouse_of(parent, "Con dâu" if parent.sex == "nam" else "Con rể")
        relation = "Bà" if me.sex == "nữ" else "Ông"
    mother, father = (parent, other) if parent.sex == "nữ" else (other, parent)
    sex = rng.choice(("Nam", "Nữ"))
    name = f"{father.full_name.split()[0]} {rng.choice(_MIDDLE[sex])} {rng.choice(_GIVEN[sex])}"
    born = datetime.combine(today - timedelta(days=rng.randint(3, 25)), datetime.min.time(),
                            VN_TZ) + timedelta(hours=rng.randint(0, 23),
                                               minutes=rng.randint(0, 59))
    return {
        "mother": mother.persona_id, "father": father.persona_id, "relation": relation,
        "child_name": name, "child_sex": sex, "child_birth": born.isoformat(),
        "facility": f"Trạm Y tế {me.commune_name}", "weight": rng.randrange(2600, 3900, 50),
        "certificate_no": f"{rng.randrange(10**6):06d}",
    }


def certificate_args(scenario: dict[str, Any], mother: registry.Persona) -> dict[str, Any]:
    """The arguments of :func:`bakhong.simulators.civil_papers.birth_certificate` (but
    ``legible``)."""
    born = datetime.fromisoformat(scenario["child_birth"])
    return {
        "hospital": scenario["facility"], "mother_name": mother.full_name,
        "mother_birth_year": int(mother.birth_date[:4]), "mother_id_number": mother.id_number,
        "address": mother.address, "born_at": born, "child_sex": sex_of(scenario["child_sex"]),
        "weight_grams": int(scenario["weight"]), "child_name": scenario["child_name"],
        "certificate_number": scenario["certificate_no"], "issued": born + timedelta(days=1),
    }


def result_papers(d: Dossier, people: dict[str, registry.Persona], me: registry.Persona,
                  rng: random.Random, at: datetime) -> list[tuple[str, str, bytes]]:
    """(title as a source string, file name, PDF) of each paper a finished dossier returns."""
    procedure = procedures.by_code(d.procedure)
    if d.procedure not in (NEWBORN_BUNDLE, "1.001193"):
        labels = {f.key: f.label for f in procedure.fields}
        content = civil_papers.result_notice(
            title=procedure.result, procedure=procedure.title, dossier_code=d.code,
            holder=me.full_name, lines=[(labels.get(k, k), v) for k, v in d.form.items()],
            issued=at)
        return [(procedure.result, f"ket-qua-{d.code}.pdf", content)]
    form = d.form
    sex = sex_of(form.get("child_sex", "Nam"))
    born = parse_date(form["child_birth_date"])
    child_id = idnumber.make_sandbox_number(sex, born.year, rng.randrange(10**6))

    def parent(role: str) -> civil_papers.Parent:
        return civil_papers.Parent(form[f"{role}_name"], int(people[role].birth_date[:4]),
                             form[f"{role}_address"], form[f"{role}_ethnicity"],
                             form[f"{role}_nationality"])

    local = at.astimezone(VN_TZ)
    made = [(N_("Trích lục khai sinh (bản điện tử)"), "trich-luc-khai-sinh.pdf",
             civil_papers.birth_extract(
                 child_name=form["child_name"], child_sex=sex, born_on=born,
                 birth_place=form["child_birth_place"], child_id_number=child_id,
                 mother=parent("mother"), father=parent("father"),
                 ethnicity=form["child_ethnicity"], nationality=form["child_nationality"],
                 registration_number=f"{rng.randrange(10**4):04d}/{local:%Y}",
                 registered_on=local.date(), authority=f"UBND {me.commune_name}",
                 dossier_code=d.code, issued=at))]
    if d.procedure == NEWBORN_BUNDLE:
        made += [
            (N_("Xác nhận thông tin về cư trú"), "xac-nhan-cu-tru.pdf",
             civil_papers.residence_confirmation(
                 person_name=form["child_name"], born_on=born, sex=sex, id_number=child_id,
                 permanent_address=form["residence_address"],
                 household_head=form["household_head"],
                 authority=f"Công an {me.commune_name}", issued=at,
                 relation_to_head="Con" if form.get("requester_relation") in ("Cha", "Mẹ")
                 else "Cháu")),
            (N_("Thẻ bảo hiểm y tế"), "the-bhyt.pdf",
             civil_papers.health_insurance_card(
                 card_number=civil_papers.sandbox_card_number(rng.randrange(10**8)),
                 name=form["child_name"], born_on=born, sex=sex,
                 address=form["residence_address"], hospital=form["health_facility"],
                 issued=at)),
        ]
    return made
