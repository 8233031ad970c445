"""scikit-learn's side of the city similarity benchmark: the same CSV, standardised the same way (z-scores with the
population standard deviation over the values present, a missing value set to 0 — the column's mean — and a column
without spread to 0), the K nearest other cities of every city by brute force, then the comparison with Mitra's
(`row,rank,neighbour`, written by `mitra-bench similar`).

Run by bench/run.py as `python sklearn_similar.py FILE K MITRA_OUT`; prints one JSON line.

The neighbour SETS are compared row by row. Both sides compute distances by the expansion |a|² + |b|² - 2a·b, which
can differ in the last bits from each other; a row whose sets differ is a tie when the neighbours in one set and not
the other are, by a direct computation on the standardised values, at the distance of the K-th (to 1e-9 relative).
Any other difference is a failure.
"""

import json
import sys
import time

import numpy as np
import sklearn
from sklearn.neighbors import NearestNeighbors

TIE = 1e-9


def load(path: str) -> np.ndarray:
    with open(path, encoding="utf-8") as f:
        next(f)
        rows = [[float(cell) if cell else np.nan for cell in line.rstrip("\n").split(",")[1:]] for line in f]
    return np.array(rows, dtype=np.float64)


def standardise(x: np.ndarray) -> np.ndarray:
    mean = np.nanmean(x, axis=0)
    std = np.nanstd(x, axis=0)  # ddof = 0: the population standard deviation
    safe = np.where(std > 0, std, 1.0)
    z = (x - mean) / safe
    z[:, std == 0] = 0.0
    return np.nan_to_num(z, nan=0.0)


def main() -> None:
    path, k, mitra_out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    start = time.perf_counter()
    raw = load(path)
    mitra = np.loadtxt(mitra_out, delimiter=",", skiprows=1, dtype=np.int64).reshape(-1, 3)
    loaded = time.perf_counter() - start

    start = time.perf_counter()
    x = standardise(raw)
    standardised = time.perf_counter() - start
    _, indices = NearestNeighbors(n_neighbors=k + 1, algorithm="brute").fit(x).kneighbors(x)
    seconds = time.perf_counter() - start

    n = x.shape[0]
    k = min(k, n - 1)
    # Drop each city itself (usually first; with duplicates possibly elsewhere, or not returned at all).
    ours = []
    for i in range(n):
        row = [j for j in indices[i] if j != i]
        ours.append(row[:k])
    theirs = [[] for _ in range(n)]
    for row, _, neighbour in mitra:
        theirs[row].append(neighbour)

    different, ties, examples = 0, 0, []
    for i in range(n):
        a, b = set(ours[i]), set(theirs[i])
        if a == b and len(theirs[i]) == k:
            continue
        d = lambda j: float(np.sum((x[i] - x[j]) ** 2))
        kth = max(d(j) for j in theirs[i]) if theirs[i] else 0.0
        if len(theirs[i]) == k and all(abs(d(j) - kth) <= TIE * max(kth, 1.0) for j in a ^ b):
            ties += 1
        else:
            different += 1
            if len(examples) < 5:
                examples.append({"row": i, "sklearn": sorted(map(int, a - b)), "mitra": sorted(map(int, b - a))})
    print(
        json.dumps(
            {
                "tool": "scikit-learn",
                "version": sklearn.__version__,
                "numpy": np.__version__,
                "load_seconds": round(loaded, 3),
                "standardise_seconds": round(standardised, 3),
                "seconds": round(seconds, 3),
                "rows": n,
                "ties": ties,
                "different": different,
                "examples": examples,
            }
        )
    )


if __name__ == "__main__":
    main()
