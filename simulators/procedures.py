"""The sandbox portal's catalogue: real administrative procedures, their forms and fees.

Each :class:`Procedure` carries the national procedure code (``ma_thu_tuc`` of
dichvucong.gov.vn), the agency, the online time limit in working days, the VNeID level
needed to file it online, the fees, the documents to attach and the form. A form is a
list of steps, each a list of :class:`FieldSpec`; a field with a ``source`` is prefilled
from the identity registry (once-only: the learner confirms it, never retypes it), a
field without one is typed by the learner and checked by its ``kind``.

Sources (``domain.md`` §3 and public code): 1.001193 is «Đăng ký khai sinh», 1.004222
«Đăng ký thường trú», 1.004194 «Đăng ký tạm trú», 2.000635 «Cấp bản sao Trích lục hộ
tịch», 2.000488 «Cấp Phiếu lý lịch tư pháp» (H56: Thanh Hóa). The newborn bundle is the
«nhóm thủ tục hành chính liên thông» of Quyết định 296/QĐ-VPCP (12 June 2024): three
working days online, five when verification is needed. Fees are the sandbox's reading of
the national fee circulars (Thông tư 75/2022/TT-BTC for residence registration, halved
online; 281/2016/TT-BTC for copies of civil-status extracts, 8.000 đ a copy; 244/2016/TT-BTC
for the judicial record, 200.000 đ) and are marked [U] in ``docs/portal.md``: Thanh Hóa's
own resolutions were not checked. Time limits of "the same working day" are 0.

The newborn bundle charges no fee for the birth, the residence or the card (``docs/facts.md``):
registering a birth on time is free (Luật Hộ tịch 2014, Art. 11), a child under 6 has its
health insurance paid by the state (Luật Bảo hiểm y tế, Art. 12), and a child is exempt from
the residence fee (Thông tư 75/2022/TT-BTC, Art. 4, [U]). The only fee is the one a parent
chooses: copies of the birth extract, 8.000 đ each (Thông tư 281/2016/TT-BTC), which the
portal lesson practises paying.

>>> bundle = by_code(NEWBORN_BUNDLE)
>>> bundle.days, bundle.level, [c for c in bundle.components]
(3, 2, ['1.001193', '1.004222', 'BHYT.TE6'])
>>> [f.key for f in bundle.fees]
['extract_copy']
>>> search("khai sinh")[0].code == NEWBORN_BUNDLE
True
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from .errors import N_, SandboxError

__all__ = [
    "CATALOGUE", "NEWBORN_BUNDLE", "Attachment", "Fee", "FieldSpec", "Procedure",
    "UnknownProcedure", "by_code", "search",
]

NEWBORN_BUNDLE = "LT.296.KS-TT-BHYT"
"""The bundle has no national code of its own (it is a group of procedures): ours."""


class UnknownProcedure(SandboxError):
    code = "portal.unknown_procedure"
    message = N_("Không tìm thấy thủ tục này trong danh mục.")


@dataclass(frozen=True)
class Fee:
    key: str
    title: str  # source string
    amount: int  # VND; for a per-copy fee, the price of one copy
    per_copy_field: str | None = None  # the form field holding the number of copies


@dataclass(frozen=True)
class Attachment:
    key: str
    title: str
    required: bool = True


@dataclass(frozen=True)
class FieldSpec:
    """One form field.

    ``source`` names where a prefilled value comes from (``"dan_cu"``, the National
    Population Database; ``"cu_tru"``, the residence database); ``path`` says which value
    (see :func:`bakhong.simulators.portal.prefill`). ``kind`` is one of ``text``, ``name``
    (a person's full name), ``date`` (not after today), ``end_date`` (today or later: until
    when), ``choice``, ``count``, ``id_number``, ``phone``.
    """

    key: str
    label: str
    kind: str = "text"
    source: str | None = None
    path: str = ""
    required: bool = True
    choices: tuple[str, ...] = ()
    hint: str = ""


@dataclass(frozen=True)
class Step:
    title: str
    fields: tuple[FieldSpec, ...]


@dataclass(frozen=True)
class Procedure:
    code: str
    title: str
    agency: str
    days: int  # online time limit, working days (0: the same working day)
    level: int  # VNeID level needed to file online
    fees: tuple[Fee, ...]
    attachments: tuple[Attachment, ...]
    steps: tuple[Step, ...]
    result: str  # what the learner receives, as a source string
    components: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    days_with_verification: int | None = None

    @property
    def fields(self) -> tuple[FieldSpec, ...]:
        return tuple(f for step in self.steps for f in step.fields)

    def field(self, key: str) -> FieldSpec:
        for spec in self.fields:
            if spec.key == key:
                return spec
        raise KeyError(key)


# -- the shared parts of the forms --------------------------------------------------------

SEX = (N_("Nam"), N_("Nữ"))
RELATIONS_TO_CHILD = (N_("Cha"), N_("Mẹ"), N_("Ông"), N_("Bà"), N_("Người thân khác"))
ETHNICITIES = (N_("Kinh"), N_("Mường"), N_("Thái"), N_("Thổ"), N_("Dao"), N_("H'Mông"),
               N_("Khơ Mú"))  # Thanh Hóa's main ethnic groups

REQUESTER = Step(N_("Người nộp hồ sơ"), (
    FieldSpec("requester_name", N_("Họ, chữ đệm và tên"), "name", "dan_cu", "self.full_name"),
    FieldSpec("requester_birth_date", N_("Ngày sinh"), "date", "dan_cu", "self.birth_date"),
    FieldSpec("requester_id", N_("Số định danh cá nhân"), "id_number", "dan_cu",
              "self.id_number"),
    FieldSpec("requester_phone", N_("Số điện thoại"), "phone", "dan_cu", "self.phone"),
    FieldSpec("requester_address", N_("Nơi cư trú"), "text", "cu_tru", "household.address"),
))


def _parent(prefix: str, title: str, who: str) -> Step:
    return Step(title, (
        FieldSpec(f"{prefix}_name", N_("Họ, chữ đệm và tên"), "name", "dan_cu",
                  f"{who}.full_name"),
        FieldSpec(f"{prefix}_birth_date", N_("Ngày sinh"), "date", "dan_cu",
                  f"{who}.birth_date"),
        FieldSpec(f"{prefix}_id", N_("Số định danh cá nhân"), "id_number", "dan_cu",
                  f"{who}.id_number"),
        FieldSpec(f"{prefix}_ethnicity", N_("Dân tộc"), "choice", "dan_cu", f"{who}.ethnicity",
                  choices=ETHNICITIES),
        FieldSpec(f"{prefix}_nationality", N_("Quốc tịch"), "text", "dan_cu",
                  f"{who}.nationality"),
        FieldSpec(f"{prefix}_address", N_("Nơi cư trú"), "text", "cu_tru", "household.address"),
    ))


NEWBORN = Step(N_("Thông tin trẻ"), (
    FieldSpec("child_name", N_("Họ, chữ đệm và tên của trẻ"), "name",
              hint=N_("Viết có dấu, ví dụ: Lê Minh An")),
    FieldSpec("child_birth_date", N_("Ngày, tháng, năm sinh"), "date",
              hint=N_("Theo Giấy chứng sinh, ví dụ 20/11/2026")),
    FieldSpec("child_sex", N_("Giới tính"), "choice", choices=SEX),
    FieldSpec("child_birth_place", N_("Nơi sinh"), "text",
              hint=N_("Tên cơ sở y tế ghi trên Giấy chứng sinh")),
    FieldSpec("child_ethnicity", N_("Dân tộc"), "choice", "dan_cu", "mother.ethnicity",
              choices=ETHNICITIES),
    FieldSpec("child_nationality", N_("Quốc tịch"), "text", "dan_cu", "mother.nationality"),
    FieldSpec("requester_relation", N_("Quan hệ của người nộp với trẻ"), "choice",
              choices=RELATIONS_TO_CHILD),
))

HEALTH_FACILITIES = (N_("Trạm y tế xã nơi cư trú"), N_("Trung tâm y tế khu vực"),
                     N_("Bệnh viện đa khoa tỉnh Thanh Hóa"))

RESIDENCE_AND_CARD = Step(N_("Thường trú và thẻ bảo hiểm y tế"), (
    FieldSpec("residence_address", N_("Nơi đăng ký thường trú của trẻ"), "text", "cu_tru",
              "household.address"),
    FieldSpec("household_head", N_("Chủ hộ"), "name", "cu_tru", "household.head"),
    FieldSpec("health_facility", N_("Nơi đăng ký khám chữa bệnh ban đầu"), "choice",
              choices=HEALTH_FACILITIES),
    FieldSpec("extract_copies", N_("Số bản sao Trích lục khai sinh"), "count", required=False,
              hint=N_("Khai sinh, thường trú và thẻ bảo hiểm y tế của bé đều miễn phí; mỗi bản "
                      "sao giá 8.000 đ, để 0 nếu không cần")),
))

#: Not charged in the newborn bundle: a child is exempt (Thông tư 75/2022/TT-BTC, Art. 4 [U]).
FEE_RESIDENCE = Fee("residence_online", N_("Lệ phí đăng ký thường trú (nộp trực tuyến)"),
                    10_000)
FEE_COPY = Fee("extract_copy", N_("Phí cấp bản sao Trích lục khai sinh"), 8_000,
               per_copy_field="extract_copies")
BIRTH_CERTIFICATE = Attachment("birth_certificate", N_("Giấy chứng sinh"))
#: Temporary residence needs a paper proving the lodging is lawful (a rental contract, a
#: loan of lodging): Luật Cư trú 68/2020/QH14, Art. 28(1)(b) (``docs/facts.md``).
RESIDENCE_PROOF = Attachment("residence_proof",
                             N_("Giấy tờ chứng minh chỗ ở hợp pháp (hợp đồng thuê nhà)"))

CATALOGUE: tuple[Procedure, ...] = (
    Procedure(
        NEWBORN_BUNDLE,
        N_("Liên thông: Đăng ký khai sinh, đăng ký thường trú, cấp thẻ bảo hiểm y tế cho "
           "trẻ em dưới 6 tuổi"),
        N_("UBND cấp xã, Công an cấp xã, Bảo hiểm xã hội"), 3, 2,
        (FEE_COPY,), (BIRTH_CERTIFICATE,),
        (REQUESTER, NEWBORN, _parent("mother", N_("Thông tin người mẹ"), "mother"),
         _parent("father", N_("Thông tin người cha"), "father"), RESIDENCE_AND_CARD),
        N_("Trích lục khai sinh điện tử, xác nhận thông tin cư trú, thẻ bảo hiểm y tế"),
        components=("1.001193", "1.004222", "BHYT.TE6"),
        keywords=("khai sinh", "tre em", "thuong tru", "bao hiem y te", "lien thong",
                  "moi sinh"),
        days_with_verification=5),
    Procedure(
        "1.001193", N_("Đăng ký khai sinh"), N_("UBND cấp xã"), 0, 2, (),
        (BIRTH_CERTIFICATE,),
        (REQUESTER, NEWBORN, _parent("mother", N_("Thông tin người mẹ"), "mother"),
         _parent("father", N_("Thông tin người cha"), "father")),
        N_("Trích lục khai sinh điện tử"), keywords=("khai sinh", "giay khai sinh")),
    Procedure(
        "1.004222", N_("Đăng ký thường trú"), N_("Công an cấp xã"), 7, 2, (FEE_RESIDENCE,),
        (Attachment("residence_form", N_("Tờ khai thay đổi thông tin cư trú (CT01)"), False),),
        (REQUESTER, Step(N_("Nơi đăng ký thường trú"), (
            FieldSpec("residence_address", N_("Địa chỉ đăng ký thường trú"), "text", "cu_tru",
                      "household.address"),
            FieldSpec("household_head", N_("Chủ hộ"), "name", "cu_tru", "household.head"),
        ))),
        N_("Xác nhận thông tin về cư trú"), keywords=("thuong tru", "ho khau", "cu tru")),
    Procedure(
        "1.004194", N_("Đăng ký tạm trú"), N_("Công an cấp xã"), 3, 2,
        (Fee("temporary_online", N_("Lệ phí đăng ký tạm trú (nộp trực tuyến)"), 7_000),),
        (RESIDENCE_PROOF,),
        (REQUESTER, Step(N_("Nơi tạm trú"), (
            FieldSpec("temporary_address", N_("Địa chỉ nơi tạm trú"), "text",
                      hint=N_("Số nhà, thôn/xóm, xã/phường, tỉnh")),
            FieldSpec("temporary_until", N_("Tạm trú đến ngày"), "end_date",
                      hint=N_("Ngày hết hạn thuê nhà, ví dụ 30/06/2027")),
        ))),
        N_("Xác nhận thông tin về cư trú"), keywords=("tam tru", "cu tru", "di lam")),
    Procedure(
        "2.000635", N_("Cấp bản sao Trích lục hộ tịch"), N_("UBND cấp xã"), 0, 2,
        (Fee("extract_copy", N_("Phí cấp bản sao Trích lục hộ tịch"), 8_000,
             per_copy_field="copies"),),
        (),
        (REQUESTER, Step(N_("Bản sao cần cấp"), (
            FieldSpec("extract_kind", N_("Loại trích lục"), "choice",
                      choices=(N_("Khai sinh"), N_("Kết hôn"), N_("Khai tử"))),
            FieldSpec("copies", N_("Số bản sao"), "count"),
        ))),
        N_("Bản sao Trích lục hộ tịch"), keywords=("ban sao", "trich luc", "ho tich")),
    Procedure(
        "2.000488", N_("Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam"),
        N_("Sở Tư pháp tỉnh Thanh Hóa"), 10, 2,
        (Fee("judicial_record", N_("Phí cấp Phiếu lý lịch tư pháp"), 200_000),), (),
        (REQUESTER, Step(N_("Yêu cầu cấp Phiếu"), (
            FieldSpec("record_kind", N_("Loại Phiếu"), "choice",
                      choices=(N_("Phiếu số 1"), N_("Phiếu số 2"))),
            FieldSpec("purpose", N_("Mục đích sử dụng"), "text",
                      hint=N_("Ví dụ: xin việc, đi học")),
        ))),
        N_("Phiếu lý lịch tư pháp"), keywords=("ly lich tu phap", "lltp", "xin viec")),
)


def _fold(text: str) -> str:
    text = text.replace("đ", "d").replace("Đ", "D").casefold()
    return "".join(c for c in unicodedata.normalize("NFD", text)
                   if not unicodedata.combining(c))


def by_code(code: str) -> Procedure:
    for procedure in CATALOGUE:
        if procedure.code == code:
            return procedure
    raise UnknownProcedure(code)


def search(text: str) -> list[Procedure]:
    """Procedures whose title, code or keywords hold every word typed (diacritics optional).

    >>> [p.code for p in search("tạm trú")]
    ['1.004194']
    >>> len(search("")) == len(CATALOGUE)
    True
    """
    words = _fold(text).split()
    found = []
    for procedure in CATALOGUE:
        haystack = " ".join([_fold(procedure.title), procedure.code, *procedure.keywords])
        if all(word in haystack for word in words):
            found.append(procedure)
    return found
