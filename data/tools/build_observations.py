#!/usr/bin/env python3
"""Build Mitra's demo observations (data/observations/*.csv) from real open data, and the
"Observations (demo data)" section at the end of data/SOURCES.md.

Standard library only (the CEADs .xlsx is opened with zipfile + xml.etree).

Usage (from the repository root):

    python3 data/tools/build_observations.py [SHARED_DATA_DIR]

SHARED_DATA_DIR defaults to ../shared/data relative to the repository root.

Output files (UTF-8, LF, header row, RFC 4180 quoting; columns city,indicator,year,value,unit,source,note;
rows sorted by city, indicator, year, source):

  * population.csv       mitra:population            UN WUP 2018 File 12 estimates (1950-2015)
  * land_area.csv        mitra:land-area,
                         mitra:population-density    Wikidata (linked through Natural Earth's GeoNames id)
  * who_air_quality.csv  iso37120-2014:8.1 / 8.2     WHO Ambient Air Quality Database 2022 (V5.0)
                                                     -- CC BY-NC-SA 3.0 IGO, an optional, non-commercial pack
  * emissions.csv        iso37120-2014:8.3           CDP-ICLEI city-wide emissions (total / population of the
                                                     same record); CEADs is checked and left out (no population)

Inputs that live in this repository: data/cities/cities.csv, data/cities/city_aliases.csv and
data/cities/city_populations.csv (made by build_reference.py). The hand-checked decisions of this script
(homonyms rejected or accepted in the WHO match, CDP organisation names) are the tables below; the script
stops when a case that needs a decision has none, or when a decision is not used.

Nothing is invented, imputed or estimated: every value is copied from a source file or produced by the
arithmetic step stated in its note (total / population, population / area, x1000 for WUP thousands).
The output is deterministic: the same inputs give byte-identical files.
"""

import argparse
import csv
import decimal
import hashlib
import io
import re
import sys
import unicodedata
import xml.etree.ElementTree as ET
import zipfile
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
OUT = DATA / "observations"
SOURCES_MD = DATA / "SOURCES.md"
SECTION_TITLE = "## Observations (demo data)"

COLUMNS = ["city", "indicator", "year", "value", "unit", "source", "note"]

WUP_FILE = "cities/un_wup2018/WUP2018-F12-Cities_Over_300K.csv"
WUP_NOTES_FILE = "cities/un_wup2018/WUP2018-F12-NOTES.csv"
WHO_FILE = "cities/who_aaq/who_aaq_2022_v5.csv"
WD_AREA_FILE = "cities/wikidata/wikidata-city-area.csv"
WD_POP_FILE = "cities/wikidata/wikidata-city-population.csv"
NE_FILE = "cities/natural_earth/ne_10m_populated_places.csv"
GN1_FILE = "cities/geonames/cities1000_asean_china.csv"
CEADS_FILE = "cities/ceads_china_cities/The_Emission_Inventories_for_290_Chinese_Cities_from_1997_to_2019.xlsx"
CDP_FILES = [  # (reporting year, file, dataset title as published by CDP)
    (2016, "cities/cdp_citywide_emissions/2016_-_Citywide_GHG_Emissions.csv", "2016 - Citywide GHG Emissions"),
    (2017, "cities/cdp_citywide_emissions/2017_-_Cities_Community_Wide_Emissions.csv",
     "2017 - Cities Community Wide Emissions"),
    (2018, "cities/cdp_citywide_emissions/2018_City-wide_Emissions.csv", "2018 City-wide Emissions"),
    (2019, "cities/cdp_citywide_emissions/2019_City-wide_Emissions.csv", "2019 City-wide Emissions"),
    (2020, "cities/cdp_citywide_emissions/2020_-_City-Wide_Emissions.csv", "2020 - City-Wide Emissions"),
    (2021, "cities/cdp_citywide_emissions/2021_City-wide_Emissions.csv", "2021 City-wide Emissions"),
]
SHARED_INPUTS = [WUP_FILE, WUP_NOTES_FILE, WHO_FILE, WD_AREA_FILE, WD_POP_FILE, NE_FILE, GN1_FILE, CEADS_FILE] + [
    f for _, f, _ in CDP_FILES]
REPO_INPUTS = ["cities/cities.csv", "cities/city_aliases.csv", "cities/city_populations.csv"]

ISO3 = {"BN": "BRN", "KH": "KHM", "ID": "IDN", "LA": "LAO", "MY": "MYS", "MM": "MMR",
        "PH": "PHL", "SG": "SGP", "TH": "THA", "VN": "VNM", "CN": "CHN"}
ISO2_OF_ISO3 = {v: k for k, v in ISO3.items()}
M49 = {"96": "BN", "116": "KH", "360": "ID", "418": "LA", "458": "MY", "104": "MM",
       "608": "PH", "702": "SG", "764": "TH", "704": "VN", "156": "CN"}
CDP_COUNTRY = {"Brunei Darussalam": "BN", "Cambodia": "KH", "China": "CN", "Indonesia": "ID",
               "Lao People's Democratic Republic": "LA", "Malaysia": "MY", "Myanmar": "MM",
               "Philippines": "PH", "Singapore": "SG", "Thailand": "TH", "Viet Nam": "VN", "Vietnam": "VN"}

WUP_SOURCE = "UN DESA World Urbanization Prospects 2018, File 12"
WHO_SOURCE = "WHO Ambient Air Quality Database 2022 (v5)"
WD_EXTRACT_DATE = "2022-11-06"
WD_AREA_YEAR = 2022  # year of the SPARQL extract; the area statements carry no point in time
HOMONYM_MIN_POP = 50000  # GeoNames places of the same name at least this large are checked by hand
WHO_AGREE = decimal.Decimal("0.10")  # two WHO values for one city-year within 10% of the larger: one is kept

# ---------------------------------------------------------------- hand-checked decisions

# WHO names that match a Mitra city exactly but denote another place (or are unclear): left out.
WHO_REJECT = {
    ("CN", "Yushu"): "WHO 'Yushu' (Clean Air Asia 2017-2018: 19, 16 µg/m³) is listed with the Qinghai prefectures "
                     "(Guoluo, Haibei, Huangnan, Hainan, Haixi, same years) and continues WHO 'Yushu Shi' "
                     "(2015-2016: 19.35, 17.05), i.e. Yushu, Qinghai; Mitra's yushu is Yushu, Jilin (WUP 23780)",
    ("CN", "Songyuan"): "WHO 'Songyuan' (Clean Air Asia) is the prefecture-level city 松原 in Jilin; Mitra's songyuan "
                        "carries WUP's point in Zhejiang (27.62, 119.06; name_zh 松源), so the two cannot be "
                        "asserted to be the same place",
    ("CN", "Taishan"): "WHO 'Taishan' (CNEMC 2018-2019: 54.89, 61.14) tracks WHO 'Taishan Qu' (52.15, 58.2), the "
                       "Taishan district of Tai'an, Shandong; Mitra's taishan is Taishan, Guangdong (WUP 23818)",
    ("CN", "Guang'an"): "two CNEMC series for Guang'an in 2018-2019 disagree: 'Guang'an' 29.81/26.77 vs "
                        "'Guang An' 38.76/34.7 (and 'Guangan Shi' 35.39/34.15); unclear which denotes the city",
}

# WHO names matched to a Mitra city while GeoNames has another place of that name (population >= HOMONYM_MIN_POP)
# in another province: accepted after checking, with the reason.
WHO_HOMONYM_OK = {
    ("CN", "Baicheng"): "the other GeoNames 'Baicheng' is a town in Shandong; WHO's series is the Jilin city",
    ("CN", "Changsha"): "the other GeoNames 'Changsha' is the seat town of Kaiping (Guangdong); WHO's is Hunan's capital",
    ("CN", "Chaoyang"): "the other GeoNames 'Chaoyang' is a town in Jilin; WHO's is the Liaoning city",
    ("CN", "Datong"): "the other GeoNames 'Datong' places are towns (Anhui, Chongqing); WHO's is the Shanxi city",
    ("CN", "Fuyang"): "the other GeoNames 'Fuyang' is a district of Hangzhou (Zhejiang); WHO's is the Anhui city",
    ("CN", "Haikou"): "the other GeoNames 'Haikou' is a town in Yunnan; WHO's is Hainan's capital",
    ("CN", "Haimen"): "the other GeoNames 'Haimen' is a town in Shantou (Guangdong); WHO lists Haimen with the "
                      "Jiangsu county-level cities",
    ("CN", "Jining"): "the other GeoNames 'Jining' is a district of Ulanqab (Inner Mongolia), which WHO lists as "
                      "'Ulanqab' (2017-2018: 35, 24); WHO 'Jining' (2015: 81.16) matches WHO 'Ji'ning' (82), Shandong",
    ("CN", "Ji'ning"): "see Jining: WHO 'Ji'ning' (city EPB bulletin) is Jining, Shandong",
    ("CN", "Jinhua"): "the other GeoNames 'Jinhua' is a town in Yunnan; WHO's is the Zhejiang city",
    ("CN", "Luoyang"): "the other GeoNames 'Luoyang' places are towns (Fujian, Guangdong); WHO's is the Henan city",
    ("CN", "Mianyang"): "the other GeoNames 'Mianyang' is a town in Shaanxi; WHO's is the Sichuan city",
    ("CN", "Pingxiang"): "the other GeoNames 'Pingxiang' is the Guangxi border town; WHO 'Pingxiang' (2017-2018) "
                         "continues WHO 'Pingxiang Shi' (2015-2016), the Jiangxi city",
    ("CN", "Puyang"): "the other GeoNames 'Puyang' is a town in Zhejiang; WHO's is the Henan city",
    ("CN", "Shizuishan"): "Mitra's shizuishan has no GeoNames match; the GeoNames 'Shizuishan' is in the same "
                          "province (Ningxia)",
    ("CN", "Tongchuan"): "the other GeoNames 'Tongchuan' is a town in Sichuan; WHO's is the Shaanxi city",
    ("CN", "Wuxi"): "the other GeoNames 'Wuxi' is a town in Hunan; WHO's is the Jiangsu city",
    ("CN", "Xinzhou"): "the other GeoNames 'Xinzhou' places are a district of Wuhan and a town in Hainan; WHO's is "
                       "the Shanxi city",
    ("CN", "Yangzhou"): "the other GeoNames 'Yangzhou' is a town in Shaanxi; WHO's is the Jiangsu city",
    ("CN", "Zhaoyuan"): "the other GeoNames 'Zhaoyuan' is a county in Heilongjiang; WHO lists Zhaoyuan with the "
                        "Shandong county-level cities (Laixi, Laizhou, Pingdu, Rushan, Rongcheng)",
}

# CDP records name the reporting organisation; where neither the CDP 'City' column nor the organisation name
# equals a Mitra city name (or a usable alias), these organisation names are the city itself.
CDP_ORG_CITY = {
    ("TH", "Khon Kaen City"): ("khon-kaen", "Khon Kaen City Municipality"),
    ("VN", "Can Tho City"): ("can-tho", "Can Tho City"),
    ("TH", "Nonthaburi City"): ("nonthaburi", "Nonthaburi City Municipality"),
    ("ID", "Semarang City Government"): ("semarang", "Semarang city government"),
    ("ID", "Malang City"): ("malang", "Malang city"),
    ("ID", "Balikpapan City Government"): ("balikpapan", "Balikpapan city government"),
    ("ID", "Bekasi City Government"): ("bekasi", "Bekasi city government (Kota Bekasi, not the regency)"),
    ("ID", "Medan City Government"): ("medan", "Medan city government"),
    ("ID", "Government of Tangerang City"): ("tangerang", "Tangerang city government (Kota Tangerang)"),
    ("ID", "Government of the City of Yogyakarta"): ("yogyakarta", "Yogyakarta city government"),
    ("ID", "Sukabumi City"): ("sukabumi", "Sukabumi city"),
    ("ID", "Mataram City"): ("mataram", "Mataram city"),
    ("CN", "Zhenjiang Municipal People's Government"): ("zhenjiang", "Zhenjiang municipal government"),
    ("CN", "Hangzhou City People's Government"): ("hangzhou", "Hangzhou municipal government"),
    ("PH", "City of San Jose del Monte"): ("san-jose-del-monte", "City of San Jose del Monte"),
    ("PH", "City of Zamboanga"): ("zamboanga-city", "City of Zamboanga"),
}


# The error type and helpers shared with the reference build (same slug rule, same CSV reading).
from build_reference import BuildError, fail, read_csv, sha256, slug  # noqa: E402


# ---------------------------------------------------------------- helpers


def clean_header(k):
    return (k or "").replace("\u200b", "").replace("\ufeff", "").strip()


def read_csv_clean(path):
    """CSV rows with header names stripped of spaces and zero-width spaces (the CDP files have both)."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        return [{clean_header(k): (v or "").strip() for k, v in r.items() if k is not None}
                for r in csv.DictReader(f)]


def write_csv(path, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(COLUMNS)
    for r in rows:
        w.writerow([r[c] for c in COLUMNS])
    path.write_bytes(buf.getvalue().encode("utf-8"))


def dec(s):
    try:
        d = decimal.Decimal(s)
    except (decimal.InvalidOperation, TypeError):
        return None
    return d if d.is_finite() else None


def plain(d, places=None):
    """Decimal -> plain string (no exponent); quantized to `places` decimals (half up) when given."""
    if places is not None:
        d = d.quantize(decimal.Decimal(1).scaleb(-places), rounding=decimal.ROUND_HALF_UP)
    s = format(d, "f")
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return s


def float_text(s):
    """A number written by a float serialiser (e.g. '678.4599999999999') -> its 12-significant-digit form
    ('678.46'). Only removes binary floating-point noise; the sources' values have far fewer digits."""
    d = dec(s)
    if d is None:
        return None
    return plain(decimal.Decimal(format(float(s), ".12g")))


def thousands(v):
    d = decimal.Decimal(v) * 1000
    return int(d.quantize(decimal.Decimal(1), rounding=decimal.ROUND_HALF_UP))


def group(n):
    return f"{n:,}"


# ---------------------------------------------------------------- inputs

def check_inputs(src):
    table = {}
    for line in (src / "cities" / "SOURCES.md").read_text(encoding="utf-8").splitlines():
        m = re.fullmatch(r"([0-9a-f]{64})  (\S.*)", line.strip())
        if m:
            table["cities/" + m.group(2)] = m.group(1)
    out = {}
    for rel in SHARED_INPUTS:
        p = src / rel
        if not p.exists():
            fail(f"{p} missing")
        h = sha256(p)
        if rel not in table:
            fail(f"{rel}: not in the SHA-256 table of shared/data/cities/SOURCES.md")
        if table[rel] != h:
            fail(f"{rel}: SHA-256 {h} differs from shared/data/cities/SOURCES.md ({table[rel]})")
        out[rel] = h
    repo = {}
    ref = {}
    for line in SOURCES_MD.read_text(encoding="utf-8").splitlines():
        m = re.fullmatch(r"([0-9a-f]{64})  (\S.*)", line.strip())
        if m:
            ref.setdefault(m.group(2), m.group(1))
    for rel in REPO_INPUTS:
        h = sha256(DATA / rel)
        if ref.get(rel) != h:
            fail(f"data/{rel}: SHA-256 {h} differs from the table in data/SOURCES.md; run build_reference.py first")
        repo[rel] = h
    return out, repo


def load_cities():
    cities = read_csv(DATA / "cities" / "cities.csv")
    by_id = {c["id"]: c for c in cities}
    aliases = read_csv(DATA / "cities" / "city_aliases.csv")
    return cities, by_id, aliases


def city_names(cities, aliases):
    """(country, slug) -> {city ids}: each city's name_en, the WUP / ASCN strings tied to it in city_aliases.csv
    (the names of the agglomeration itself), and GeoNames names the alias list records as spelling variants of
    the WUP name. Alias rows that tie a seat town's or another place's GeoNames / SimpleMaps / Natural Earth name
    to a city (e.g. GeoNames 'Changsha' -> kaiping) are not names of the city and are not used."""
    names = defaultdict(set)
    used_alias = []
    for c in cities:
        names[(c["country"], slug(c["name_en"]))].add(c["id"])
    for a in aliases:
        src = a["source_file"]
        if src.startswith("cities/un_wup2018/") or src.startswith("standards/asean_smart_cities") or (
                src.startswith("cities/geonames/") and "is a spelling variant of WUP" in a["note"]):
            names[(a["country"], slug(a["source_name"]))].add(a["city_id"])
            used_alias.append(a)
    return names, used_alias


# ---------------------------------------------------------------- 1. population

def build_population(src, cities, by_id):
    wup = {r["City Code"]: r for r in read_csv(src / WUP_FILE) if r["Country Code"] in M49}
    notes = {}
    for r in read_csv(src / WUP_NOTES_FILE):
        m = re.match(r"\((\d+)\)\s*(.*)", r["Notes"].strip(), re.S)
        if m:
            notes[m.group(1)] = m.group(2).strip()
    rows = []
    skipped = Counter()
    footnotes_used = {}
    for r in read_csv(DATA / "cities" / "city_populations.csv"):
        if r["kind"] != "estimate":
            skipped[r["kind"]] += 1
            continue
        c = by_id.get(r["city_id"])
        if c is None:
            fail(f"city_populations.csv: unknown city {r['city_id']}")
        w = wup.get(c["wup_city_code"])
        if w is None or M49[w["Country Code"]] != c["country"]:
            fail(f"{c['id']}: WUP City Code {c['wup_city_code']} not found for {c['country']}")
        if str(thousands(w[r["year"]].strip())) != r["population"]:
            fail(f"{c['id']} {r['year']}: city_populations.csv {r['population']} != WUP {w[r['year']]} x 1000")
        if r["source"] != WUP_SOURCE:
            fail(f"{c['id']}: unexpected source {r['source']!r}")
        note = "urban agglomeration (WUP definition); WUP estimate, thousands × 1000"
        fn = w["Note"].strip()
        if fn:
            n = str(int(float(fn)))
            text = notes.get(n)
            if text is None:
                fail(f"WUP footnote {n} missing from {WUP_NOTES_FILE}")
            footnotes_used[n] = text
            note += f"; WUP footnote ({n})" + (f": {text}" if len(text) <= 160 else " (see data/SOURCES.md)")
        rows.append({"city": c["id"], "indicator": "mitra:population", "year": r["year"], "value": r["population"],
                     "unit": "persons", "source": WUP_SOURCE, "note": note})
    return rows, {"skipped": skipped, "footnotes": footnotes_used}


# ---------------------------------------------------------------- 2. land area / density

def build_land_area(src, cities):
    ne = read_csv(src / NE_FILE)
    ne_by_gn = defaultdict(list)
    for r in ne:
        g = r["GEONAMEID"].strip()
        if g:
            ne_by_gn[str(int(float(g)))].append(r)
    area = defaultdict(list)
    for r in read_csv(src / WD_AREA_FILE):
        area[r["city"].rsplit("/", 1)[-1]].append(r)
    pop = defaultdict(list)
    for r in read_csv(src / WD_POP_FILE):
        pop[r["item"].rsplit("/", 1)[-1]].append(r)
    rows, log = [], {"linked": [], "no_ne": 0, "no_wd": 0, "area_conflict": [], "density_skipped": [],
                     "wd_items_asean_cn": 0}
    log["wd_items_asean_cn"] = len({q for q, rs in area.items() if rs[0]["locode"][:2] in ISO3})
    for c in cities:
        if not c["geonames_id"]:
            log["no_ne"] += 1
            continue
        nes = [r for r in ne_by_gn.get(c["geonames_id"], []) if r["ISO_A2"] == c["country"]]
        qids = sorted({r["wikidataid"].strip() for r in nes if r["wikidataid"].strip()})
        if not qids:
            log["no_ne"] += 1
            continue
        if len(qids) > 1:
            fail(f"{c['id']}: Natural Earth rows give several Wikidata items {qids}")
        q = qids[0]
        a_rows = [r for r in area.get(q, []) if r["locode"][:2] == c["country"]]
        if not a_rows:
            log["no_wd"] += 1
            continue
        values = sorted({float_text(r["area"]) for r in a_rows})
        locodes = sorted({r["locode"] for r in a_rows})
        if len(values) != 1:
            log["area_conflict"].append((c["id"], q, values))
            continue
        a = values[0]
        log["linked"].append((c["id"], q, locodes[0]))
        rows.append({"city": c["id"], "indicator": "mitra:land-area", "year": str(WD_AREA_YEAR), "value": a,
                     "unit": "km²", "source": f"Wikidata {q}, area (P2046)",
                     "note": f"area of the Wikidata item (UN/LOCODE {locodes[0]}; the administrative city, not the "
                             f"WUP agglomeration); statement has no point in time, year = Wikidata extract "
                             f"{WD_EXTRACT_DATE}; linked by GeoNames id {c['geonames_id']} via Natural Earth"})
        # density: the item's own latest dated population / the item's area
        p_rows = [r for r in pop.get(q, []) if r["locode"][:2] == c["country"] and r["populationYear"].isdigit()]
        if not p_rows:
            log["density_skipped"].append((c["id"], q, "no Wikidata population for the item"))
            continue
        latest = max(int(r["populationYear"]) for r in p_rows)
        vals = sorted({r["population"] for r in p_rows if int(r["populationYear"]) == latest})
        if len(vals) != 1 or dec(vals[0]) is None:
            log["density_skipped"].append((c["id"], q, f"several populations for {latest}: {vals}"))
            continue
        p = dec(vals[0])
        dens = plain(p / dec(a), 1)
        rows.append({"city": c["id"], "indicator": "mitra:population-density", "year": str(latest), "value": dens,
                     "unit": "persons per km²", "source": f"Wikidata {q}, population (P1082) / area (P2046)",
                     "note": f"computed: Wikidata population {group(int(p))} ({latest}) / Wikidata area {a} km² "
                             f"(undated, extract {WD_EXTRACT_DATE}) of the same item (administrative city, not the "
                             f"WUP agglomeration); latest population year of the item; rounded to 0.1"})
    return rows, log


# ---------------------------------------------------------------- 3. WHO air quality

def build_who(src, cities, by_id, names):
    gn_by_slug = defaultdict(list)
    gn_by_id = {}
    for g in read_csv(src / GN1_FILE):
        if g["countrycode"] in ISO3:
            gn_by_slug[(g["countrycode"], slug(g["name"]))].append(g)
            gn_by_id[g["geonameid"]] = g
    stats = {"rows": 0, "by_country": Counter(), "matched_rows": Counter(), "unmatched_rows": Counter(),
             "ambiguous_rows": Counter(), "rejected_rows": Counter(), "no_pm_rows": 0,
             "unmatched_names": Counter(), "ambiguous_names": {}, "rejected_names": Counter(),
             "matched_names": defaultdict(set)}
    used_reject, used_ok = set(), set()
    homonym_missing = []
    cand = defaultdict(list)  # (city, indicator, year) -> [(row_index, value, row)]
    rows_in = read_csv(src / WHO_FILE)
    for i, r in enumerate(rows_in):
        cc = ISO2_OF_ISO3.get(r["iso3"])
        if cc is None:
            continue
        stats["rows"] += 1
        stats["by_country"][cc] += 1
        name = r["City/Town"].strip()
        ids = names.get((cc, slug(name)))
        if not ids:
            stats["unmatched_rows"][cc] += 1
            stats["unmatched_names"][(cc, name)] += 1
            continue
        if len(ids) > 1:
            stats["ambiguous_rows"][cc] += 1
            stats["ambiguous_names"][(cc, name)] = sorted(ids)
            continue
        if (cc, name) in WHO_REJECT:
            used_reject.add((cc, name))
            stats["rejected_rows"][cc] += 1
            stats["rejected_names"][(cc, name)] += 1
            continue
        city = next(iter(ids))
        c = by_id[city]
        # homonym check against GeoNames
        mine = gn_by_id.get(c["geonames_id"])
        others = [g for g in gn_by_slug.get((cc, slug(name)), [])
                  if g["geonameid"] != c["geonames_id"] and int(g["population"] or 0) >= HOMONYM_MIN_POP
                  and (mine is None or g["admin1code"] != mine["admin1code"])]
        if others:
            if (cc, name) in WHO_HOMONYM_OK:
                used_ok.add((cc, name))
            else:
                homonym_missing.append((cc, name, city, [(g["geonameid"], g["name"], g["admin1code"],
                                                         g["population"]) for g in others]))
                continue
        stats["matched_rows"][cc] += 1
        stats["matched_names"][city].add(name)
        year = r["Year"].strip()
        if not re.fullmatch(r"\d{4}", year):
            fail(f"WHO row {i + 2}: bad year {year!r}")
        any_pm = False
        for col, ind in (("concentrationpm25", "iso37120-2014:8.1"), ("concentrationpm10", "iso37120-2014:8.2")):
            v = r[col].strip()
            if not v or v.upper() == "NA":
                continue
            d = dec(v)
            if d is None or d < 0:
                fail(f"WHO row {i + 2}: {col} {v!r} is not a non-negative number")
            any_pm = True
            cand[(city, ind, year)].append((i, v, r))
        if not any_pm:
            stats["no_pm_rows"] += 1
    if homonym_missing:
        fail("WHO names matched while GeoNames has a same-name place elsewhere; decide in WHO_HOMONYM_OK / "
             "WHO_REJECT: " + "; ".join(f"{cc} {n!r} -> {cid}: {o}" for cc, n, cid, o in homonym_missing))
    for k in WHO_REJECT:
        if k not in used_reject:
            fail(f"WHO_REJECT {k} not used")
    for k in WHO_HOMONYM_OK:
        if k not in used_ok:
            fail(f"WHO_HOMONYM_OK {k} not used")

    # rows per (city, WHO name): the longer series of a city is preferred when two rows give one city-year
    series = Counter()
    for (city, ind, year), lst in cand.items():
        for _, _, r in lst:
            series[(city, ind, r["City/Town"].strip())] += 1
    out, dups, conflicts = [], [], []
    for (city, ind, year), lst in sorted(cand.items()):
        vals = sorted({dec(v) for _, v, _ in lst})
        if len(vals) > 1 and (vals[-1] - vals[0]) > WHO_AGREE * vals[-1]:
            conflicts.append((city, ind, year, [(r["City/Town"].strip(), v, r["Reference"].strip().rstrip(" .,;"))
                                                for _, v, r in lst]))
            continue
        lst = sorted(lst, key=lambda x: (-series[(city, ind, x[2]["City/Town"].strip())],
                                         x[2]["City/Town"].strip() != by_id[city]["name_en"],
                                         -int(x[2]["announcedVersion"] or 0), x[0]))
        i, v, r = lst[0]
        if len(lst) > 1:
            dups.append((city, ind, year, v, [(x["City/Town"].strip(), y) for _, y, x in lst[1:]]))
        parts = [f"WHO name '{r['City/Town'].strip()}'"]
        st = r["nbLocations"].strip()
        if st and st.upper() != "NA":
            parts.append(f"stations: {st}")
        ref = r["Reference"].strip().rstrip(" .,;")
        if ref:
            parts.append(f"data: {ref}")
        parts.append("annual mean")
        out.append({"city": city, "indicator": ind, "year": year, "value": v, "unit": "µg/m³",
                    "source": WHO_SOURCE, "note": "; ".join(parts)})
    stats["dups"] = dups
    stats["conflicts"] = conflicts
    return out, stats


# ---------------------------------------------------------------- 4. emissions

def cdp_field(r, *names):
    for n in names:
        if n in r:
            return r[n]
    return ""


def cdp_inventory_year(ry, r):
    if ry == 2016:
        raw = r.get("Measurement Year", "")
        m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})(?: .*)?", raw)
        return (int(m.group(3)), f"measurement year {raw.split(' ')[0]}") if m else (None, f"measurement year {raw!r}")
    raw = cdp_field(r, "Accounting year", "Accounting Year")
    m = re.fullmatch(r"(\d{4})-01-01 - (\d{4})-12-31", raw)
    if m and m.group(1) == m.group(2):
        return int(m.group(1)), f"accounting year {m.group(1)}"
    return None, f"accounting period {raw!r} is not one calendar year" if raw else "no accounting year"


def build_emissions(src, cities, by_id, names):
    stats = {"records": Counter(), "unmatched": [], "matched_no_value": [], "used": [], "superseded": [],
             "implausible": []}
    used_org = set()
    cand = defaultdict(list)
    for ry, rel, title in CDP_FILES:
        for r in read_csv_clean(src / rel):
            cc = CDP_COUNTRY.get(r.get("Country", ""))
            if cc is None:
                continue
            stats["records"][ry] += 1
            org = cdp_field(r, "Organization", "City Name")
            cityname = cdp_field(r, "City", "City Short Name")
            city = None
            for n in (cityname, org):
                ids = names.get((cc, slug(n))) if n else None
                if ids and len(ids) == 1:
                    city = next(iter(ids))
                    break
            if city is None and (cc, org) in CDP_ORG_CITY:
                city = CDP_ORG_CITY[(cc, org)][0]
                used_org.add((cc, org))
            if city is None:
                stats["unmatched"].append((ry, cc, org))
                continue
            if ry == 2016:
                total_raw, label = r.get("Total City-wide Emissions (metric tonnes CO2e)", ""), \
                    "Total City-wide Emissions"
            elif ry == 2017:
                total_raw, label = r.get("Total emissions (metric tonnes CO2e)", ""), "Total emissions"
            else:
                total_raw, label = cdp_field(r, "Total BASIC Emissions (GPC)", "TOTAL BASIC Emissions (GPC)"), \
                    "Total BASIC Emissions (GPC)"
            pop_raw = cdp_field(r, "Current Population", "Population")
            py_raw = cdp_field(r, "Current Population Year", "Population year", "Population Year")
            inv_year, inv_text = cdp_inventory_year(ry, r)
            total, pop = dec(total_raw.replace(",", "")), dec(pop_raw.replace(",", ""))
            why = None
            if total is None or total <= 0:
                why = f"no {label}" + (f" ({total_raw!r})" if total_raw else "")
            elif inv_year is None:
                why = inv_text
            elif pop is None or pop < 1000 or pop != pop.to_integral_value():
                why = f"population {pop_raw!r} unusable"
            elif not re.fullmatch(r"(19|20)\d\d", py_raw):
                why = f"population year {py_raw!r} unusable"
            if why:
                stats["matched_no_value"].append((ry, city, org, why))
                continue
            per_cap = total / pop
            if not (decimal.Decimal("0.05") <= per_cap <= decimal.Decimal("100")):
                stats["implausible"].append((ry, city, org, plain(per_cap, 4)))
                continue
            protocol = cdp_field(r, "Primary Methodology", "Protocol", "Primary Protocol")
            gases = cdp_field(r, "Gases included", "Gases Included")
            boundary = cdp_field(r, "Boundary", "Inventory Boundary",
                                 "Inventory boundary (compared to Administrative city boundary)")
            gap = abs(int(py_raw) - inv_year)
            detail = [f"CDP {ry} response of {org}", f"{label} {plain(total)} t CO2e ({inv_text})"]
            if protocol:
                detail.append(f"protocol: {protocol}")
            detail.append(f"gases: {gases}" if gases else "gases not stated")
            if boundary:
                detail.append(f"boundary: {boundary}")
            note = ("computed by Mitra = total / population of the same CDP record: " + "; ".join(detail)
                    + f"; population {group(int(pop))} ({py_raw})"
                    + (f"; population year differs from inventory year by {gap}" if gap else "")
                    + "; self-reported, unverified; rounded to 0.001")
            cand[(city, inv_year)].append({
                "gap": gap, "ry": ry, "org": org,
                "row": {"city": city, "indicator": "iso37120-2014:8.3", "year": str(inv_year),
                        "value": plain(per_cap, 3), "unit": "t CO2e per capita",
                        "source": f"CDP-ICLEI city-wide emissions, CDP Open Data '{title}'", "note": note}})
    unused = [k for k in CDP_ORG_CITY if k not in used_org]
    if unused:
        fail(f"CDP_ORG_CITY entries not used: {unused}")
    rows = []
    for (city, y), lst in sorted(cand.items()):
        lst.sort(key=lambda x: (x["gap"], -x["ry"]))
        rows.append(lst[0]["row"])
        stats["used"].append((city, y, lst[0]["ry"]))
        for x in lst[1:]:
            stats["superseded"].append((city, y, x["ry"], x["row"]["value"], lst[0]["ry"], lst[0]["row"]["value"]))
    return rows, stats


NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
RNS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def read_xlsx(path):
    """{sheet name: [[cell text, ...] per row]} of an .xlsx (shared strings, inline strings and numbers)."""
    z = zipfile.ZipFile(path)
    strings = []
    if "xl/sharedStrings.xml" in z.namelist():
        for si in ET.fromstring(z.read("xl/sharedStrings.xml")).findall("m:si", NS):
            strings.append("".join(t.text or "" for t in si.iter(f"{{{NS['m']}}}t")))
    wb = ET.fromstring(z.read("xl/workbook.xml"))
    rels = {r.get("Id"): r.get("Target") for r in ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))}
    out = {}
    for s in wb.find("m:sheets", NS):
        target = rels[s.get(f"{{{RNS}}}id")].lstrip("/")
        target = target if target.startswith("xl/") else "xl/" + target
        rows = []
        for row in ET.fromstring(z.read(target)).iter(f"{{{NS['m']}}}row"):
            cells = []
            for c in row.findall("m:c", NS):
                v = c.find("m:v", NS)
                t = c.get("t")
                if t == "s":
                    cells.append(strings[int(v.text)])
                elif t == "inlineStr":
                    cells.append("".join(x.text or "" for x in c.iter(f"{{{NS['m']}}}t")))
                else:
                    cells.append(v.text if v is not None else "")
            rows.append(cells)
        out[s.get("name")] = rows
    return out


def check_ceads(src):
    """CEADs gives CO2 (Mt) per city-year and nothing else; per capita cannot be formed from it."""
    book = read_xlsx(src / CEADS_FILE)
    if sorted(book) != ["NOTE", "emission matrix", "emission vector"]:
        fail(f"CEADs sheets changed: {sorted(book)}")
    vec = book["emission vector"]
    if [h.strip().lower() for h in vec[0]] != ["id", "city", "year", "emission"]:
        fail(f"CEADs 'emission vector' header changed: {vec[0]}")
    unit = " / ".join(" / ".join(x.strip() for x in r[1].splitlines() if x.strip())
                      for r in book["NOTE"] if len(r) > 1 and r[0].startswith("Unit"))
    headers = " ".join(" ".join(r[:1]) for r in book["emission matrix"][:1]) + " " + " ".join(vec[0])
    if re.search(r"pop|人口", headers, re.I):
        fail("CEADs now has a population column: revisit build_emissions")
    cities = {r[1] for r in vec[1:] if len(r) > 1}
    years = sorted({r[2] for r in vec[1:] if len(r) > 2})
    return {"rows": len(vec) - 1, "cities": len(cities), "years": (years[0], years[-1]),
            "unit": re.sub(r"\s+", " ", unit).strip(), "sheets": sorted(book)}


# ---------------------------------------------------------------- report / SOURCES.md

def summarise(rows):
    by_ind = Counter(r["indicator"] for r in rows)
    years = sorted(int(r["year"]) for r in rows)
    cities = {r["city"] for r in rows}
    per_ind = {}
    for ind in sorted(by_ind):
        rs = [r for r in rows if r["indicator"] == ind]
        ys = sorted(int(r["year"]) for r in rs)
        per_ind[ind] = (len(rs), len({r["city"] for r in rs}), ys[0], ys[-1])
    return {"rows": len(rows), "cities": len(cities), "years": (years[0], years[-1]) if years else None,
            "per_ind": per_ind}


def sort_rows(rows):
    return sorted(rows, key=lambda r: (r["city"], r["indicator"], int(r["year"]), r["source"]))


def check_unique(name, rows):
    seen = set()
    for r in rows:
        k = (r["city"], r["indicator"], r["year"], r["source"])
        if k in seen:
            fail(f"{name}: duplicate key {k}")
        seen.add(k)


def ind_lines(s):
    return "; ".join(f"`{ind}` {n} rows, {c} cities, {y0}–{y1}" for ind, (n, c, y0, y1) in s["per_ind"].items())


def write_sources(st):
    S = []
    a = S.append
    a(SECTION_TITLE + "\n")
    a("Generated by `data/tools/build_observations.py` (standard library only; run "
      "`python3 data/tools/build_observations.py [path/to/shared/data]` from the repository root, after "
      "`build_reference.py`, which rewrites this whole file and so drops this section until this script is run "
      "again). Demo data in Mitra's import format (`city,indicator,year,value,unit,source,note`; `city` is the "
      "`cities.csv` id; rows sorted by city, indicator, year, source; no two rows share city, indicator, year and "
      "source). Nothing is invented, imputed or estimated: each value is copied from the source file or results "
      "from the arithmetic step named in its `note`. The output is deterministic. The script checks the SHA-256 of "
      "every shared input against `shared/data/cities/SOURCES.md` and of `cities/cities.csv`, "
      "`cities/city_aliases.csv`, `cities/city_populations.csv` against the table above.\n")
    a("`mitra:population`, `mitra:land-area` and `mitra:population-density` are Mitra's own indicator ids "
      "(they are not in `standards/`); the ISO 37120:2014 ids are those of `standards/iso37120_2014.csv`.\n")
    a("Matching to Mitra cities (same country always): by `cities.csv` id through `wup_city_code` (WUP), by "
      "`geonames_id` (Wikidata, via Natural Earth), or by name: the name slug (as in `build_reference.py`) must "
      "equal the slug of the city's `name_en`, of a WUP or ASCN string tied to the city in `cities/city_aliases.csv`, "
      "or of a GeoNames name that the alias list records as a spelling variant of the WUP name. Alias rows that tie "
      "another place's name to a city (seat towns such as GeoNames 'Changsha' → kaiping) are not used. A name "
      "that fits two Mitra cities (e.g. Fuzhou: Fujian and Jiangxi) is left unmatched. The hand-checked "
      "decisions (`WHO_REJECT`, `WHO_HOMONYM_OK`, `CDP_ORG_CITY`) are tables in the script with their reasons.\n")
    a("| input (shared/data/) | SHA-256 |")
    a("| --- | --- |")
    for rel in SHARED_INPUTS:
        a(f"| `{rel}` | `{st['src_sha'][rel]}` |")
    a("")

    # population
    p = st["population"]
    a("### observations/population.csv\n")
    a(f"- Origin: `cities/city_populations.csv` rows with `kind` = `estimate` (WUP 2018 File 12, 1950–2015); "
      f"every value is checked against `{WUP_FILE}` (the city's `wup_city_code`, value × 1000). Projections "
      f"(2020–2035, {p['log']['skipped'].get('projection', 0)} rows) are not used.")
    a("- Licence: © 2018 United Nations, CC BY 3.0 IGO. Attribution: United Nations, Department of Economic and "
      "Social Affairs, Population Division (2018). World Urbanization Prospects: The 2018 Revision, File 12.")
    a("- Conversion: WUP thousands × 1000 → persons (exact). `note`: the population refers to the WUP urban "
      "agglomeration as WUP defines it; where WUP attaches a footnote to the city its number is given, with its "
      "text when short. Long footnotes used: "
      + " ".join(f"({n}) {t}" for n, t in sorted(p["log"]["footnotes"].items(), key=lambda x: int(x[0]))
                 if len(t) > 160))
    s = p["sum"]
    a(f"- Rows: {s['rows']} ({ind_lines(s)}). The 7 ASCN cities that are not WUP agglomerations have no WUP "
      f"series and no rows.\n")

    # land area
    l = st["land"]
    s = l["sum"]
    a("### observations/land_area.csv\n")
    a(f"- Origin: `{WD_AREA_FILE}` (area, km²) and `{WD_POP_FILE}` (population with point in time), SPARQL "
      f"extracts of {WD_EXTRACT_DATE} keyed by Wikidata item and UN/LOCODE. They carry no GeoNames id, so the "
      f"link is `{NE_FILE}`: a Mitra city is linked when its `geonames_id` equals a Natural Earth `GEONAMEID` in "
      "the same country, that row's `wikidataid` is an item of the extract, and the item's UN/LOCODE country is the "
      "city's country.")
    a("- Licence: Wikidata CC0 1.0 (no attribution required; source named per row as `Wikidata Q…`). Natural "
      "Earth (public domain) is used only for the link.")
    a(f"- `mitra:land-area`: the item's area (P2046) as given (binary float noise of the extract removed: "
      f"`678.4599999999999` → `678.46`, 12 significant digits). The area statements have no point in time; `year` "
      f"is {WD_AREA_YEAR}, the year of the extract. The area is that of the Wikidata item, i.e. the administrative "
      "city (for China the whole prefecture-level or provincial-level city, e.g. Chengdu 14,335 km², Baotou "
      "27,571 km²), not the WUP agglomeration whose population is in `population.csv`.")
    a("- `mitra:population-density`: the same item's population (P1082) for its latest year in the extract ÷ the "
      "item's area, rounded to 0.1 persons per km²; `year` = the population's year. Only the latest year is used "
      "because the area is undated (boundaries change: earlier populations would be divided by a later area). WUP "
      "agglomeration populations are never divided by these areas. Skipped when the latest year has several "
      "populations.")
    a(f"- Rows: {s['rows']} ({ind_lines(s)}). Linked cities: {len(l['log']['linked'])} of {st['n_cities']}: "
      + ", ".join(f"{c} ({q})" for c, q, _ in l["log"]["linked"]) + ". "
      f"Not linked: {l['log']['no_ne']} cities without a GeoNames id or a Natural Earth row carrying a Wikidata id, "
      f"{l['log']['no_wd']} whose Wikidata item is not in the extract (it holds only places with a UN/LOCODE: "
      f"{l['log']['wd_items_asean_cn']} items in ASEAN+China). Conflicting areas: "
      + (", ".join(f"{c} {q} {v}" for c, q, v in l["log"]["area_conflict"]) or "none")
      + ". Density skipped: " + (", ".join(f"{c} ({why})" for c, _, why in l["log"]["density_skipped"]) or "none")
      + ".\n")

    # WHO
    w = st["who"]
    ws = w["stats"]
    s = w["sum"]
    a("### observations/who_air_quality.csv (optional pack, non-commercial)\n")
    a(f"- Origin: `{WHO_FILE}` (WHO Ambient Air Quality Database, 2022 update, V5.0, via the mirror named in "
      "`shared/data/cities/SOURCES.md`): annual mean PM2.5 (`concentrationpm25`) → `iso37120-2014:8.1`, PM10 "
      "(`concentrationpm10`) → `iso37120-2014:8.2`, µg/m³, values copied as written. NO2 is not used.")
    a("- Licence: **CC BY-NC-SA 3.0 IGO** (non-commercial, share-alike). This file is an **optional pack**: keep it "
      "separate from the other data, do not use it commercially, and distribute derivatives under the same licence. "
      "Attribution: World Health Organization, WHO Ambient Air Quality Database (update 2022), version 5.0, "
      "Geneva: WHO; 2022. Licence: CC BY-NC-SA 3.0 IGO.")
    a("- `note`: the WHO settlement name, WHO's station count/type (`nbLocations`, when not NA) and the primary "
      "data source (`Reference`). The mirror has no temporal-coverage columns, so coverage cannot be stated; WHO "
      "flags nothing else per row. WHO settlements are cities or towns as monitored, not WUP agglomerations "
      "(e.g. 'Manila' is the City of Manila).")
    unmatched = sum(ws["unmatched_rows"].values())
    amb = sum(ws["ambiguous_rows"].values())
    rej = sum(ws["rejected_rows"].values())
    matched = sum(ws["matched_rows"].values())
    a(f"- WHO rows for ASEAN+China: {ws['rows']} (" + ", ".join(
        f"{k} {v}" for k, v in sorted(ws["by_country"].items())) + f"). Matched to a Mitra city: {matched} ("
      + ", ".join(f"{k} {v}" for k, v in sorted(ws["matched_rows"].items())) + f"), of which {ws['no_pm_rows']} "
      f"have neither PM2.5 nor PM10. Unmatched: {unmatched + amb + rej} — no Mitra city of that name "
      f"{unmatched} rows / {len(ws['unmatched_names'])} names (" + ", ".join(
        f"{k} {v}" for k, v in sorted(ws["unmatched_rows"].items())) + f"; mostly Chinese districts `… Qu` and "
      "CNEMC prefecture names `… Shi`, towns, and spellings such as 'Xi An', 'Rangoon', 'Nay Pyin Taw', "
      f"'Ayutthaya', 'Cebu', which need an alias row first); name shared by two Mitra cities {amb} rows ("
      + ", ".join(sorted({n for _, n in ws["ambiguous_names"]})) + f"); rejected after checking {rej} rows ("
      + "; ".join(f"{n}: {WHO_REJECT[(cc, n)]}" for cc, n in sorted(ws["rejected_names"])) + ").")
    a("- Homonyms: for every matched name, GeoNames (`cities1000_asean_china.csv`) places of the same name with "
      f"≥{HOMONYM_MIN_POP:,} inhabitants in another province were checked by hand; accepted: "
      + ", ".join(n for _, n in sorted(WHO_HOMONYM_OK)) + " (reasons in the script).")
    a(f"- Same city, indicator and year from two WHO rows ({len(ws['dups']) + len(ws['conflicts'])} cases, mostly a "
      "city listed twice, e.g. 'Taian' (Clean Air Asia) and 'Tai'an' (city bulletin, rounded)): where the values "
      "agree within 10% of the larger one, one row is kept — the one from the WHO name with more rows for the city "
      "(one consistent series), then the name spelled like `name_en`, then the later WHO release "
      f"(`announcedVersion`) ({len(ws['dups'])}: "
      + ("; ".join(f"{c} {i.split(':')[1]} {y} kept {v}, dropped " + ", ".join(f"'{n}' {x}" for n, x in rest)
                   for c, i, y, v, rest in ws["dups"]) or "none")
      + f"); larger disagreements are left out, since the file does not say which is right "
      f"({len(ws['conflicts'])}: "
      + "; ".join(f"{c} {i.split(':')[1]} {y}: " + " vs ".join(f"'{n}' {v} ({ref})" for n, v, ref in lst)
                  for c, i, y, lst in ws["conflicts"]) + ").")
    a(f"- Rows: {s['rows']} ({ind_lines(s)}); {s['cities']} cities, {s['years'][0]}–{s['years'][1]}.\n")

    # emissions
    e = st["emissions"]
    es = e["stats"]
    s = e["sum"]
    a("### observations/emissions.csv\n")
    a("- Origin: CDP–ICLEI city-wide emissions, CDP Open Data reporting years 2016–2021 (`cities/cdp_citywide_"
      "emissions/*.csv`). `iso37120-2014:8.3` (greenhouse gas emissions in tonnes per capita) = the record's total "
      "emissions ÷ the population reported in the same record, rounded to 0.001 t CO2e per capita; `year` = the "
      "inventory year. Total used: 2016 `Total City-wide Emissions`, 2017 `Total emissions`, 2018–2021 `Total BASIC "
      "Emissions (GPC)` (the files have no other total; Scope 1 + Scope 2 would double-count grid electricity, so "
      "scopes are not added). The inventory must cover one calendar year. The note names the responding "
      "organisation, the total, protocol, gases, boundary and the population's year (flagged when it differs from "
      "the inventory year). When several responses give the same city and inventory year, the one whose population "
      "year is closest to the inventory year (then the latest response) is kept.")
    a("- Licence / attribution: \"This data was collected in partnership by CDP and ICLEI – Local Governments for "
      "Sustainability\" (CDP Open Data Portal, data.cdp.net). The mirror states no licence; CDP's open-data terms "
      "must be checked before redistributing outside the project. Self-reported, unverified; boundaries and methods "
      "differ by city and year.")
    ce = e["ceads"]
    a(f"- CEADs (`{CEADS_FILE}`) is **left out**: its sheets ({', '.join(ce['sheets'])}) hold only CO2 emissions "
      f"(unit per the NOTE sheet: '{ce['unit']}', i.e. Mt CO2; {ce['rows']} city-years, {ce['cities']} cities, "
      f"years {ce['years'][0]}–{ce['years'][1]} in the 'emission vector' sheet) and no "
      "population, so a per-capita value cannot be formed from the file; dividing by WUP agglomeration population "
      "would mix a prefecture-level inventory with a different entity. (Terms: freely available; cite Shan et al. "
      "2022, Science Bulletin 67(18); Shan et al. 2019, Scientific Data 6; mention CEADs.)")
    a(f"- CDP records for ASEAN+China (mainland; Hong Kong and Taiwan are not Mitra cities): "
      + ", ".join(f"{k}: {v}" for k, v in sorted(es["records"].items()))
      + f". Not a Mitra city: {len(es['unmatched'])} records (e.g. Quezon City, Makati, Pasig, Iskandar, Seberang "
      f"Perai, Bogor Regency). Mitra city but no usable value: {len(es['matched_no_value'])} records (mostly no "
      "total in the published file; also accounting periods that are not a calendar year and unusable population "
      "fields). Implausible per-capita values left out: "
      + (", ".join(f"{c} ({org}, CDP {ry}: {v})" for ry, c, org, v in es["implausible"]) or "none")
      + ". Superseded by another response for the same city and year: "
      + ("; ".join(f"{c} {y} CDP {ry} {v} (kept CDP {kry} {kv})" for c, y, ry, v, kry, kv in es["superseded"])
         or "none") + ".")
    a(f"- Rows: {s['rows']} ({ind_lines(s)}).\n")

    a("### SHA-256 of the observation files\n")
    a("```")
    for rel, h in st["out_sha"]:
        a(f"{h}  {rel}")
    a("```")
    # Replace this section only, where it is; sections after it (written by other tools) stay.
    text = SOURCES_MD.read_text(encoding="utf-8")
    i = text.find("\n" + SECTION_TITLE + "\n")
    if i < 0:
        before, after = text.rstrip("\n") + "\n", ""
    else:
        before = text[:i].rstrip("\n") + "\n"
        j = text.find("\n## ", i + 1)
        after = "" if j < 0 else text[j:]
    SOURCES_MD.write_bytes((before + "\n" + "\n".join(S) + "\n" + after).encode("utf-8"))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("shared", nargs="?", default=str(ROOT / ".." / "shared" / "data"))
    ap.add_argument("--no-sources", action="store_true", help="do not rewrite the section in data/SOURCES.md")
    args = ap.parse_args()
    src = Path(args.shared).resolve()
    if not (src / WUP_FILE).exists():
        fail(f"{src} does not look like the shared data directory")
    src_sha, repo_sha = check_inputs(src)
    cities, by_id, aliases = load_cities()
    names, _ = city_names(cities, aliases)

    pop_rows, pop_log = build_population(src, cities, by_id)
    land_rows, land_log = build_land_area(src, cities)
    who_rows, who_stats = build_who(src, cities, by_id, names)
    em_rows, em_stats = build_emissions(src, cities, by_id, names)
    ceads = check_ceads(src)

    outputs = [("observations/population.csv", pop_rows), ("observations/land_area.csv", land_rows),
               ("observations/who_air_quality.csv", who_rows), ("observations/emissions.csv", em_rows)]
    out_sha = []
    sums = {}
    for rel, rows in outputs:
        rows[:] = sort_rows(rows)
        check_unique(rel, rows)
        for r in rows:
            if r["city"] not in by_id:
                fail(f"{rel}: unknown city {r['city']}")
        write_csv(DATA / rel, rows)
        out_sha.append((rel, sha256(DATA / rel)))
        sums[rel] = summarise(rows)
    st = {"src_sha": src_sha, "repo_sha": repo_sha, "n_cities": len(cities), "out_sha": out_sha,
          "population": {"sum": sums["observations/population.csv"], "log": pop_log},
          "land": {"sum": sums["observations/land_area.csv"], "log": land_log},
          "who": {"sum": sums["observations/who_air_quality.csv"], "stats": who_stats},
          "emissions": {"sum": sums["observations/emissions.csv"], "stats": em_stats, "ceads": ceads}}
    if not args.no_sources:
        write_sources(st)

    for rel, _ in outputs:
        s = sums[rel]
        yr = f"{s['years'][0]}–{s['years'][1]}" if s["years"] else "-"
        print(f"{rel}: {s['rows']} rows, {s['cities']} cities, {yr}")
        for ind, (n, c, y0, y1) in s["per_ind"].items():
            print(f"    {ind}: {n} rows, {c} cities, {y0}–{y1}")
    ws = who_stats
    print(f"WHO ASEAN+China rows {ws['rows']}: matched {sum(ws['matched_rows'].values())} "
          f"(no PM value {ws['no_pm_rows']}), no such Mitra city {sum(ws['unmatched_rows'].values())} "
          f"({len(ws['unmatched_names'])} names), ambiguous {sum(ws['ambiguous_rows'].values())}, "
          f"rejected {sum(ws['rejected_rows'].values())}; two rows for one city-year: kept one {len(ws['dups'])}, "
          f"left out (values differ > 10%) {len(ws['conflicts'])}")
    for c in ws["dups"]:
        print("    kept one:", c)
    for c in ws["conflicts"]:
        print("    left out:", c)
    print(f"Wikidata linked cities: {len(land_log['linked'])}; area conflicts {land_log['area_conflict']}; "
          f"density skipped {land_log['density_skipped']}")
    es = em_stats
    print(f"CDP ASEAN+China records {dict(es['records'])}: not Mitra {len(es['unmatched'])}, "
          f"Mitra without usable value {len(es['matched_no_value'])}, implausible {es['implausible']}, "
          f"superseded {len(es['superseded'])}, rows {len(em_rows)}")
    print(f"CEADs: {ceads['rows']} city-years CO2 only ({ceads['unit']}), no population -> not used")
    for rel, h in out_sha:
        print(f"{h}  {rel}")


if __name__ == "__main__":
    try:
        main()
    except BuildError as e:
        print(f"error: {e}", file=sys.stderr)
        sys.exit(1)
