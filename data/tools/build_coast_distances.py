#!/usr/bin/env python3
"""Writes data/cities/city_coast.csv: each city's distance from its point (cities.csv latitude and longitude) to the
nearest sea coastline, in kilometres, from Natural Earth's 1:10m land polygons (public domain) as redistributed in the
npm package `world-atlas` 2.0.2 (ISC licence; Natural Earth 4.1.0, file `land-10m.json`).

The coastline is the outer ring of every land polygon; inner rings (lakes and inland seas cut out of the land) are not
sea coast and are left out. Distances are measured on a local equirectangular projection around the city, which is
within a fraction of a per cent of the great-circle distance at the few hundred kilometres that matter here.

Usage: (cd /tmp && npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz)
       python3 data/tools/build_coast_distances.py /tmp/package/land-10m.json
"""

import csv
import json
import math
import sys
from collections import defaultdict
from pathlib import Path

KM_PER_DEGREE = 111.195  # mean Earth radius 6 371.0 km
CELL = 1.0  # degrees per grid cell of the segment index


def decode_arcs(topology):
    scale = topology["transform"]["scale"]
    translate = topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * scale[0] + translate[0], y * scale[1] + translate[1]))
        arcs.append(points)
    return arcs


def ring_points(arcs, ring):
    points = []
    for index in ring:
        arc = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
        points.extend(arc if not points else arc[1:])
    return points


def outer_rings(topology, arcs):
    for geometry in topology["objects"]["land"]["geometries"]:
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        for polygon in polygons:
            yield ring_points(arcs, polygon[0])


def segment_index(rings):
    cells = defaultdict(list)
    for ring in rings:
        for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
            for cx in range(math.floor(min(x1, x2) / CELL), math.floor(max(x1, x2) / CELL) + 1):
                for cy in range(math.floor(min(y1, y2) / CELL), math.floor(max(y1, y2) / CELL) + 1):
                    cells[(cx, cy)].append((x1, y1, x2, y2))
    return cells


def distance_km(lon, lat, segment):
    k = math.cos(math.radians(lat))
    x1, y1, x2, y2 = segment
    ax, ay = (x1 - lon) * k, y1 - lat
    bx, by = (x2 - lon) * k, y2 - lat
    dx, dy = bx - ax, by - ay
    length = dx * dx + dy * dy
    t = 0.0 if length == 0 else max(0.0, min(1.0, -(ax * dx + ay * dy) / length))
    return math.hypot(ax + t * dx, ay + t * dy) * KM_PER_DEGREE


def nearest_km(cells, lon, lat):
    cx, cy = math.floor(lon / CELL), math.floor(lat / CELL)
    best = math.inf
    for radius in range(0, 60):
        # A segment in ring `radius` is at least (radius - 1) cells away north-south.
        if best < (radius - 1) * CELL * KM_PER_DEGREE * math.cos(math.radians(min(abs(lat) + radius, 89))):
            break
        for gx in range(cx - radius, cx + radius + 1):
            for gy in range(cy - radius, cy + radius + 1):
                if max(abs(gx - cx), abs(gy - cy)) != radius:
                    continue
                for segment in cells.get((gx, gy), ()):
                    best = min(best, distance_km(lon, lat, segment))
    return best


def main() -> None:
    land = Path(sys.argv[1])
    root = Path(__file__).resolve().parent.parent
    topology = json.loads(land.read_text(encoding="utf-8"))
    cells = segment_index(outer_rings(topology, decode_arcs(topology)))
    rows = []
    with (root / "cities" / "cities.csv").open(encoding="utf-8") as f:
        for city in csv.DictReader(f):
            km = nearest_km(cells, float(city["longitude"]), float(city["latitude"]))
            rows.append((city["id"], f"{km:.1f}"))
    rows.sort()
    out = root / "cities" / "city_coast.csv"
    with out.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["city_id", "coast_km"])
        writer.writerows(rows)
    print(f"{out}: {len(rows)} cities from {land.name}")


if __name__ == "__main__":
    main()
