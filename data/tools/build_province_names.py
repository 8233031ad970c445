#!/usr/bin/env python3
"""Writes data/cities/province_names.csv: the names of the provinces of cities.csv (`country`, `admin1`) in Mitra's
languages other than English, from the Debian iso-codes translations of ISO 3166-2 as shipped in the PyPI package
pycountry 26.2.16 (data licence: LGPL-2.1-or-later; see data/SOURCES.md).

Each distinct (country, admin1) pair of cities.csv is matched to one ISO 3166-2 subdivision of the administrative level
that cities.csv's admin1 names (LEVELS), by normalised name (normalise) or by a hand-checked alias (ALIASES). Pairs that
match nothing, or more than one subdivision, are reported and left out: nothing is guessed. For each matched pair and
language, the name is the gettext translation of the subdivision's English name in the package's iso3166-2.mo
catalogue, kept only when the catalogue has one (gettext returns the msgid when it has none, and a translation equal to
the msgid adds nothing) and when it passes the checks of `check_name` (script, Tamil orthography, Simplified Chinese,
REJECTED). The output is deterministic.

Usage: pip install pycountry==26.2.16 && python3 data/tools/build_province_names.py   (from anywhere)
"""

import csv
import gettext
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from importlib.metadata import version
from pathlib import Path

import pycountry

PYCOUNTRY_VERSION = "26.2.16"
LICENCE = "LGPL-2.1-or-later"

# Mitra's language tag -> the iso-codes catalogue (locale folder) used for it, when the package has one with content.
# zh_CN is the Simplified Chinese catalogue (Weblate team "Chinese (Simplified)", zh_Hans); zh_TW/zh_HK are
# Traditional and are not used. Filipino: "fil" exists, so "tl" (absent from the package anyway) is not used.
# There is no "ms" or "my" catalogue in the package; "km" has an empty catalogue (header only).
LOCALES = {
    "zh-Hans": "zh_CN",
    "id": "id",
    "ms": "ms",
    "fil": "fil",
    "vi": "vi",
    "th": "th",
    "km": "km",
    "lo": "lo",
    "my": "my",
    "ta": "ta",
}
FALLBACK_LOCALES = {"fil": "tl"}  # used only when the first locale is absent


# The ISO 3166-2 entries that correspond to cities.csv's admin1 per country (checked by hand against the admin1 values):
# - default: the entries without a parent (first level).
# - ID: ISO 3166-2 puts Indonesia's provinces under seven "geographical units" (ID-JW Jawa, ID-SM Sumatera, ...), which
#   are not administrative; admin1 names provinces (Jawa Barat, Riau, ...), so the level is every entry that is not a
#   geographical unit (provinces, the capital district ID-JK, the special region ID-YO).
# - PH: cities.csv's Philippine admin1 values are SimpleMaps `admin_name`s: provinces (Cavite, Laguna, Cebu, ...) or
#   highly urbanised cities that SimpleMaps lists as their own unit (Manila, Davao, Zamboanga, Bacolod, ...); none is a
#   region, so the level is ISO's provinces (type "Province", whose parents are the regions PH-00..PH-41). The cities
#   have no ISO 3166-2 code and stay unmatched.
def level(country: str) -> list:
    subdivisions = sorted(pycountry.subdivisions.get(country_code=country) or [], key=lambda s: s.code)
    if country == "ID":
        units = {s.code for s in subdivisions if s.type == "Geographical unit"}
        out = [s for s in subdivisions if s.type != "Geographical unit"]
        assert all(s.parent_code in units for s in out), "ID: a province whose parent is not a geographical unit"
        return out
    if country == "PH":
        out = [s for s in subdivisions if s.type == "Province"]
        assert all(pycountry.subdivisions.get(code=s.parent_code).type == "Region" for s in out)
        return out
    return [s for s in subdivisions if s.parent_code is None]


# Designations dropped by the normaliser, as whole words at the start (PREFIXES) or at the end (SUFFIXES) of the name,
# after case folding, accent stripping and punctuation -> space; each is dropped at most once, longest first.
# The Chinese ones are ISO 3166-2's Pinyin designations: Sheng 'province', Shi 'municipality', Zizhiqu 'autonomous
# region', with the titular nationality of three autonomous regions (Zhuangzu 'Zhuang', Huizu 'Hui', Uygur 'Uyghur'),
# SAR 'special administrative region'. Changwat (Thai 'province'), Tinh / Thanh pho (Vietnamese 'province' / 'city'),
# Wilayah Persekutuan (Malay 'federal territory').
SUFFIXES = sorted(
    [
        "zhuangzu zizhiqu",
        "huizu zizhiqu",
        "uygur zizhiqu",
        "zizhiqu",
        "sheng",
        "shi",
        "sar",
        "special administrative region",
        "autonomous region",
        "municipality",
        "province",
        "region",
        "state",
    ],
    key=lambda w: (-len(w), w),
)
PREFIXES = sorted(["changwat", "tinh", "thanh pho", "wilayah persekutuan"], key=lambda w: (-len(w), w))


def normalise(name: str) -> str:
    text = name.replace("Đ", "D").replace("đ", "d")  # Vietnamese d with stroke has no decomposition
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = re.sub(r"['’]", "", text)
    text = re.sub(r"[^a-z0-9]+", " ", text).strip()
    for prefix in PREFIXES:
        if text.startswith(prefix + " "):
            text = text[len(prefix) + 1 :]
            break
    for suffix in SUFFIXES:
        if text.endswith(" " + suffix):
            text = text[: -len(suffix) - 1]
            break
    return text


# Hand-checked aliases, only for pairs that the normaliser cannot match (the script fails if one becomes unnecessary):
# (country, admin1) -> (ISO 3166-2 code, the cities.csv ids that the pair must cover, or None for any).
ALIASES = {
    # Brunei-Muara district: "Brunei dan Muara" is its Malay name ('Brunei and Muara'), ISO writes "Brunei-Muara".
    ("BN", "Brunei dan Muara"): ("BN-BM", None),
    # Nei Mongol is the Pinyin of 内蒙古 'Inner Mongolia' (ISO "Nei Mongol Zizhiqu", the autonomous region).
    ("CN", "Inner Mongolia"): ("CN-NM", None),
    # DKI Jakarta, the capital-district province: ISO names it "Jakarta Raya" ('Greater Jakarta'), ID-JK.
    ("ID", "Jakarta"): ("ID-JK", None),
    # Battambang province: ISO writes the UNGEGN romanisation of បាត់ដំបង, "Baat Dambang".
    ("KH", "Battambang"): ("KH-2", None),
    # Siem Reap province: ISO writes the UNGEGN romanisation of សៀមរាប, "Siem Reab".
    ("KH", "Siem Reap"): ("KH-17", None),
    # Luang Prabang province: "Louangphrabang" (WUP / Natural Earth spelling of ຫຼວງພະບາງ) = ISO "Louangphabang".
    ("LA", "Louangphrabang"): ("LA-LP", None),
    # ISO has two "Viangchan": LA-VT the prefecture (Vientiane Capital) and LA-VI the province (capital Phonhong).
    # The only city with this admin1 is Vientiane itself, which is the prefecture (GeoNames admin1 code 24 of its row
    # 1651944, "Vientiane Prefecture"); SimpleMaps' "Viangchan" covers both units, so the name alone cannot decide.
    ("LA", "Viangchan"): ("LA-VT", {"vientiane"}),
}


# Script of each language (Unicode blocks); a name must be written in letters of that script only, apart from spaces,
# hyphens, apostrophes, periods and the Chinese middle dot. This drops untranslated or half-translated entries
# (e.g. ta "Krung thep maha nakhon", a case-changed copy of the msgid) and mixed-script ones.
SCRIPTS = {
    "zh-Hans": lambda ch: "\u4e00" <= ch <= "\u9fff" or ch == "·",
    "th": lambda ch: "\u0e00" <= ch <= "\u0e7f",
    "lo": lambda ch: "\u0e80" <= ch <= "\u0eff",
    "km": lambda ch: "\u1780" <= ch <= "\u17ff",
    "my": lambda ch: "\u1000" <= ch <= "\u109f",
    "ta": lambda ch: "\u0b80" <= ch <= "\u0bff",
}
LATIN = lambda ch: unicodedata.name(ch, "").startswith("LATIN ") or unicodedata.category(ch) == "Mn"  # noqa: E731
SEPARATORS = set(" -'’.")

# Translations that pass the automatic checks but are wrong, each checked by hand: (ISO code, lang) -> (the rejected
# name, reason); the script fails if the catalogue no longer gives that name. The Tamil catalogue (PO revision
# 2025-12-24) renders most names sound by sound from the English; in these six a syllable of the name was translated
# as an English (or French) word instead.
REJECTED = {
    ("BN-BM", "zh-Hans"): ("穆阿拉", "'Muara' only (the district's port town), not Brunei-Muara (文莱-摩拉区)"),
    ("KH-17", "ta"): ("சீம் அறுவடை", "அறுவடை is the Tamil word 'harvest' (English 'reap'), not the name Reab"),
    ("MM-18", "ta"): ("இல்லை பை டவ்", "இல்லை is the Tamil word 'no' (English 'nay'), not the name Nay"),
    ("TH-13", "ta"): ("பாதை தானி", "பாதை is the Tamil word 'path', not the name Pathum"),
    ("TH-45", "ta"): ("ரோய் மற்றும்", "மற்றும் is the Tamil word 'and' (French 'et'), not the name Et"),
    ("TH-73", "ta"): ("நக்கோன் நோய்க்குறி", "நோய்க்குறி is the Tamil word 'syndrome', not the name Pathom"),
    ("VN-44", "ta"): ("ஒரு சியாங்", "ஒரு is the Tamil word 'a, one' (English article 'an'), not the name An"),
}


def check_name(lang: str, name: str) -> str | None:
    """Returns why `name` is not used for `lang`, or None when it is used."""
    script = SCRIPTS.get(lang, LATIN)
    letters = [ch for ch in name if ch not in SEPARATORS]
    if not letters or not all(script(ch) for ch in letters):
        return "not written (only) in the language's script"
    if lang == "zh-Hans":
        try:
            name.encode("gb2312")
        except UnicodeEncodeError:
            return "a character outside GB 2312 (Traditional or rare form)"
    if lang == "ta":
        # A Tamil vowel sign (U+0BBE..U+0BCC, U+0BD7) or the virama (U+0BCD) must follow a consonant (U+0B95..U+0BB9)
        # (names are NFC, so a two-part vowel is one code point); "உு" (vowel letter + vowel sign) is malformed.
        previous = ""
        for ch in name:
            if ("\u0bbe" <= ch <= "\u0bcd" or ch == "\u0bd7") and not ("\u0b95" <= previous <= "\u0bb9"):
                return "malformed Tamil (a vowel sign or virama not after a consonant)"
            previous = ch
        # A Tamil independent vowel letter (U+0B85..U+0B94) stands only at the start of a word; inside a word the vowel
        # is written as a sign on the consonant, so "சொஓர்" (Johor) or "பிரேஆ" (Preah) are letter-by-letter renderings.
        for word in re.split(r"[ \-]+", name):
            if any("\u0b85" <= ch <= "\u0b94" for ch in word[1:]):
                return "malformed Tamil (an independent vowel letter inside a word)"
    return None


def catalogues() -> dict:
    base = Path(pycountry.__file__).resolve().parent / "locales"
    out = {}
    for lang, locale in LOCALES.items():
        path = base / locale / "LC_MESSAGES" / "iso3166-2.mo"
        if not path.exists() and lang in FALLBACK_LOCALES:
            locale = FALLBACK_LOCALES[lang]
            path = base / locale / "LC_MESSAGES" / "iso3166-2.mo"
        if path.exists():
            with path.open("rb") as f:
                out[lang] = (locale, gettext.GNUTranslations(f))
    return out


def main() -> None:
    if version("pycountry") != PYCOUNTRY_VERSION:
        raise SystemExit(f"pycountry {PYCOUNTRY_VERSION} is required, found {version('pycountry')}")
    root = Path(__file__).resolve().parent.parent
    with (root / "cities" / "cities.csv").open(encoding="utf-8") as f:
        cities = list(csv.DictReader(f))
    pair_cities = defaultdict(set)
    empty = Counter()
    for city in cities:
        if city["admin1"]:
            pair_cities[(city["country"], city["admin1"])].add(city["id"])
        else:
            empty[city["country"]] += 1
    pairs = sorted(pair_cities)

    matched = {}
    unmatched = []
    for country, admin1 in pairs:
        candidates = [s for s in level(country) if normalise(s.name) == normalise(admin1)]
        alias = ALIASES.get((country, admin1))
        if alias:
            code, only = alias
            if len(candidates) == 1:
                raise SystemExit(f"alias {country} {admin1!r} is not needed: the normaliser finds {candidates[0].code}")
            if only is not None and pair_cities[(country, admin1)] != only:
                raise SystemExit(f"alias {country} {admin1!r} was checked for {sorted(only)} only")
            subdivision = pycountry.subdivisions.get(code=code)
            assert subdivision is not None and subdivision in level(country), code
            matched[(country, admin1)] = subdivision
        elif len(candidates) == 1:
            matched[(country, admin1)] = candidates[0]
        else:
            reason = "ambiguous: " + ", ".join(s.code for s in candidates) if candidates else "no subdivision"
            unmatched.append((country, admin1, reason, sorted(pair_cities[(country, admin1)])))
    unused = set(ALIASES) - set(pairs)
    if unused:
        raise SystemExit(f"aliases for pairs not in cities.csv: {sorted(unused)}")

    books = catalogues()
    rows = []
    dropped = []
    used_rejections = set()
    for (country, admin1), subdivision in sorted(matched.items()):
        for lang, (locale, book) in books.items():
            name = book.gettext(subdivision.name)
            if name == subdivision.name:
                continue
            name = unicodedata.normalize("NFC", name.strip())
            why = check_name(lang, name)
            if (subdivision.code, lang) in REJECTED:
                rejected, why = REJECTED[(subdivision.code, lang)]
                if rejected != name:
                    raise SystemExit(f"REJECTED {subdivision.code} {lang}: the catalogue now gives {name!r}")
                used_rejections.add((subdivision.code, lang))
            if why:
                dropped.append((subdivision.code, lang, name, why))
                continue
            source = f"Debian iso-codes, ISO 3166-2 translation {locale} (pycountry {PYCOUNTRY_VERSION} iso3166-2.mo)"
            rows.append((country, admin1, subdivision.code, lang, name, source, LICENCE))
    rows.sort()
    if set(REJECTED) - used_rejections:
        raise SystemExit(f"REJECTED entries not met: {sorted(set(REJECTED) - used_rejections)}")

    out = root / "cities" / "province_names.csv"
    with out.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["country", "admin1", "iso3166_2", "lang", "name", "source", "licence"])
        writer.writerows(rows)

    print(f"{out}: {len(rows)} names, pycountry {PYCOUNTRY_VERSION}")
    skipped = ", ".join(f"{c} {n}" for c, n in sorted(empty.items()))
    print(f"pairs matched: {len(matched)} / {len(pairs)} (cities with an empty admin1, not counted: {skipped})")
    for country, admin1, reason, ids in unmatched:
        print(f"  unmatched {country} {admin1!r}: {reason} (cities: {', '.join(ids)})")
    per_lang = Counter(row[3] for row in rows)
    print("lang\tcatalogue\tpairs with a name")
    for lang in LOCALES:
        locale = books[lang][0] if lang in books else "(no catalogue)"
        if lang in books and len(books[lang][1]._catalog) <= 1:
            locale += " (empty)"
        print(f"{lang}\t{locale}\t{per_lang[lang]} / {len(pairs)}")
    for code, lang, name, why in sorted(dropped):
        print(f"  dropped {code} {lang} {name!r}: {why}")


if __name__ == "__main__":
    sys.exit(main())
