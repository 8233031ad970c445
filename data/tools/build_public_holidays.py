#!/usr/bin/env python3
"""Writes data/holidays/public_holidays.csv: the public holidays of the eleven countries (the ten ASEAN members and
China) for a range of years, from the PyPI package `holidays` (MIT licence), in English.

Usage: pip install holidays==0.109 && python3 data/tools/build_public_holidays.py [FIRST_YEAR LAST_YEAR]
"""

import csv
import sys
from pathlib import Path

import holidays

COUNTRIES = ["BN", "KH", "CN", "ID", "LA", "MY", "MM", "PH", "SG", "TH", "VN"]


def main() -> None:
    first, last = (int(sys.argv[1]), int(sys.argv[2])) if len(sys.argv) == 3 else (2025, 2030)
    out = Path(__file__).resolve().parent.parent / "holidays" / "public_holidays.csv"
    rows = []
    for country in COUNTRIES:
        days = holidays.country_holidays(country, years=range(first, last + 1), language="en_US")
        for day, name in sorted(days.items()):
            # Several holidays on one day are joined by "; " in the package's output.
            rows.append((country, day.isoformat(), name))
    rows.sort()
    with out.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["country", "date", "name"])
        writer.writerows(rows)
    print(f"{out}: {len(rows)} rows, holidays {holidays.__version__}, {first}-{last}")


if __name__ == "__main__":
    main()
