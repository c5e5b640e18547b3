"""Write the demo's fictional roster and population: ``python tools/make_demo_roster.py``.

``bakhong/data/demo-roster.csv``: forty residents of the seed's five pilot communes (their
pre-2025 names, with the old district, as a trainer's Excel export would have them). The
first six rows are the demo learners the browser tests use, kept as they were; the others
are drawn from a fixed seed: names in the registry's style (Faker ``vi_VN`` family and
given names, family name first, a middle name by sex), birth years 1950–2005 leaning old
(the class is for residents who are new to phones), one birth year left blank, and the
roster's five survey columns answered «Có»/«Không» or blank, with shares near the seed's
pilot commune Quảng Lưu (60.2 % with a smartphone, 76.8 % of over-15s with a bank account,
50 % with an electronic identity account) and lower among the oldest.

``bakhong/data/demo-population.csv``: adults per commune, **fictional and scaled to a class
of forty** (the real communes count thousands), so that the demo report's rates and
projected dates move as the demo learners train.

The files are committed; this script only documents how they were made. Faker's names
change between its versions, so run it again only to change the demo on purpose.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

from faker import Faker

DATA = Path(__file__).resolve().parents[1] / "bakhong" / "data"
SEED = 20261201
HEADER = ("Mã học viên", "Họ và tên", "Năm sinh", "Giới tính", "Xã/Phường", "Huyện", "Tỉnh",
          "Có điện thoại thông minh", "Có tài khoản ngân hàng", "Có tài khoản định danh điện tử",
          "Có chữ ký số", "Dùng dịch vụ công trực tuyến")
PROVINCE = "Thanh Hóa"
#: (pre-2025 commune, its district, residents in the demo, fictional adults)
COMMUNES = (
    ("Phường Điện Biên", "Thành phố Thanh Hóa", 9, 150),
    ("Xã Quảng Lưu", "Huyện Quảng Xương", 9, 120),
    ("Xã Tây Hồ", "Huyện Thọ Xuân", 8, 100),
    ("Xã Thiệu Trung", "Huyện Thiệu Hóa", 7, 90),
    ("Xã Nga Liên", "Huyện Nga Sơn", 7, 60),
)
#: The browser tests' demo learners, unchanged (their communes count in COMMUNES).
KEPT = (
    ("hv001", "Lê Thị Hoa", "1961", "Nữ", "Phường Điện Biên"),
    ("hv002", "Nguyễn Văn Bình", "1958", "Nam", "Xã Quảng Lưu"),
    ("hv003", "Trần Thị Mai", "1970", "Nữ", "Xã Tây Hồ"),
    ("hv004", "Phạm Văn Đức", "1966", "Nam", "Xã Thiệu Trung"),
    ("hv005", "Hoàng Thị Lan", "1975", "Nữ", "Xã Nga Liên"),
    ("hv006", "Đỗ Văn Nam", "1955", "Nam", "Xã Nga Liên"),
)
MIDDLE = {"Nam": ("Văn", "Đức", "Minh", "Quang", "Hữu", "Công"),
          "Nữ": ("Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Hồng")}
#: P(«Có») for (born before 1965, born 1965–1979, born 1980 or later); None: unknown age.
YES = {
    "smartphone": (0.45, 0.65, 0.9),
    "bank_account": (0.6, 0.75, 0.9),
    "eid_account": (0.3, 0.5, 0.7),
    "digital_signature": (0.02, 0.08, 0.2),
    "digital_platforms": (0.1, 0.3, 0.55),
}
BLANK = 0.08  # a question the trainer did not ask, or the resident did not know


def _birth_year(rng: random.Random) -> int:
    band = rng.choices(((1950, 1964), (1965, 1979), (1980, 2005)), weights=(4, 4, 2))[0]
    return rng.randint(*band)


def _answers(rng: random.Random, year: int | None) -> list[str]:
    band = 1 if year is None else 0 if year < 1965 else 1 if year < 1980 else 2
    found: dict[str, str] = {}
    for column, chances in YES.items():
        yes = rng.random() < chances[band]
        if column in ("eid_account", "digital_platforms", "digital_signature") and \
                found.get("smartphone") == "Không":
            yes = yes and rng.random() < 0.2  # mostly done on a phone
        found[column] = "" if rng.random() < BLANK else ("Có" if yes else "Không")
    return list(found.values())


def roster_rows() -> list[list[str]]:
    rng = random.Random(SEED)
    fake = Faker("vi_VN")
    fake.seed_instance(SEED)
    rows = [[*kept[:4], kept[4], next(d for c, d, _, _ in COMMUNES if c == kept[4]), PROVINCE,
             *_answers(rng, int(kept[2]))] for kept in KEPT]
    places = [c for c, _d, count, _a in COMMUNES
              for _ in range(count - sum(k[4] == c for k in KEPT))]
    rng.shuffle(places)
    taken = {row[1] for row in rows}
    for number, commune in enumerate(places, start=len(KEPT) + 1):
        sex = rng.choice(("Nam", "Nữ"))
        while True:
            given = fake.first_name_male() if sex == "Nam" else fake.first_name_female()
            name = f"{fake.last_name()} {rng.choice(MIDDLE[sex])} {given}"
            if name not in taken and len(name.split()) == 3:
                break
        taken.add(name)
        year: int | None = _birth_year(rng)
        if number == 23:
            year = None  # one roster line without a birth year, as real lists have
        district = next(d for c, d, _, _ in COMMUNES if c == commune)
        rows.append([f"hv{number:03d}", name, "" if year is None else str(year), sex, commune,
                     district, PROVINCE, *_answers(rng, year)])
    return rows


def main() -> None:
    with (DATA / "demo-roster.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(roster_rows())
    with (DATA / "demo-population.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\n")
        writer.writerow(("Tỉnh", "Xã/Phường", "Huyện", "Số người trưởng thành"))
        writer.writerows((PROVINCE, c, d, adults) for c, d, _n, adults in COMMUNES)


if __name__ == "__main__":
    main()
