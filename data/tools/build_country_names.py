#!/usr/bin/env python3
"""Writes data/country_names.csv: the names of Mitra's eleven countries in the interface languages other than English
and Chinese (whose names are in countries.csv), from Unicode CLDR 49 as shipped in the PyPI package babel 2.19.0.

Usage: pip install babel==2.19.0 && python3 data/tools/build_country_names.py
"""

import csv
from pathlib import Path

import babel
from babel import Locale

LANGUAGES = {"id": "id", "ms": "ms", "fil": "fil", "vi": "vi", "th": "th", "km": "km", "lo": "lo", "my": "my", "ta": "ta"}


def main() -> None:
    if babel.__version__ != "2.19.0":
        raise SystemExit(f"babel 2.19.0 is required (CLDR 49), found {babel.__version__}")
    root = Path(__file__).resolve().parent.parent
    with (root / "countries.csv").open(encoding="utf-8") as f:
        codes = [row["iso2"] for row in csv.DictReader(f)]
    rows = []
    for tag, locale in LANGUAGES.items():
        names = Locale.parse(locale).territories
        for code in codes:
            rows.append((code, tag, names[code]))
    out = root / "country_names.csv"
    with out.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["iso2", "lang", "name"])
        writer.writerows(rows)
    print(f"{out}: {len(rows)} names, babel {babel.__version__}")


if __name__ == "__main__":
    main()
