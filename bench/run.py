#!/usr/bin/env python3
"""Mitra's benchmarks, each side by side with the tool a user would pick instead, in one run.

    python3 bench/run.py                 # both benchmarks at full size (40 M and 10 M rows)
    python3 bench/run.py --scale 0.01    # the same at 1 % of the rows, for a quick look
    python3 bench/run.py panel           # only the percentile benchmark
    python3 bench/run.py import --skip-postgres
    python3 bench/run.py search          # multilingual search on 1 M entries against SQLite FTS5 and PostgreSQL
    python3 bench/run.py matching        # 50 000 projects against 5 000 funding calls, against DuckDB SQL
    python3 bench/run.py load            # requests per second at 1/16/64/256 connections: Mitra and Datasette on the
                                         # same SQLite file (JSON and HTML), then Mitra's home, city and assessment pages
    python3 bench/run.py soak            # 8 readers of city and assessment pages and 1 writer for 30 minutes
                                         # (--soak-seconds): p99 per page and the server's memory over the run
    python3 bench/run.py similar         # the 10 nearest of each of 50 000 cities (50 features), against scikit-learn,
                                         # then one city's partner recommendations over HTTP at 50 000 cities

Percentile ranks within peer groups: Mitra's analytics panel against DuckDB (from PyPI, installed into
bench/.venv) running the equivalent SQL, on 20 000 cities x 200 indicators x 10 years of seeded synthetic values.
Both compute the same ranks; a weighted checksum of the results must agree.

Validated import: `mitra import observations` of a generated file against `sqlite3 .import` of the same file
into SQLite, and against PostgreSQL's COPY (through psql) when PostgreSQL answers at MITRA_BENCH_POSTGRES_URL
(default postgres://postgres@127.0.0.1:5432/postgres). For scale, each engine also loads the file into a table with
Mitra's key, and writes the same number of ready rows, in key order, into Mitra's own table: the engine's floor.

Matching: every one of 50 000 seeded synthetic projects against 5 000 funding calls (eligibility, then the fit,
the top 10 per project with reasons) by Mitra's funding index, against DuckDB computing the same top 10s in SQL;
the two sides' lists must be equal (ids, and scores to 1e-9).

City similarity: 50 000 seeded synthetic cities x 50 features on very different scales, standardised, and the 10
nearest other cities of every city by Euclidean distance: Mitra's `similarity::FeatureMatrix::nearest` against
scikit-learn's brute-force `NearestNeighbors` (from PyPI, into bench/.venv); the neighbour sets must agree row by row,
except on exact ties at the 10th place, which are counted.

Generated data goes to bench/data (ignored by git) and is reused when it exists. Times are wall-clock seconds of
the measured step; memory is the peak resident set of the process, read from the operating system.
"""

import argparse
import csv
import json
import os
import shutil
import subprocess
import socket
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
DATA = BENCH / "data"
VENV = BENCH / ".venv"
RELEASE = ROOT / "target" / "release"


def step(message: str) -> None:
    print(f"-- {message}", file=sys.stderr, flush=True)


def run_child(args: list[str], env: dict | None = None) -> tuple[str, float, float]:
    """Runs a process; returns its standard output, wall seconds and peak resident MiB."""
    start = time.perf_counter()
    process = subprocess.Popen(args, stdout=subprocess.PIPE, env=env, text=True)
    out = process.stdout.read() if process.stdout else ""
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(args)} failed")
    return out, seconds, usage.ru_maxrss / 1024.0


def last_json(out: str) -> dict:
    return json.loads([line for line in out.splitlines() if line.startswith("{")][-1])


def build(which: str) -> None:
    # Every benchmark runs mitra-bench, and the `mitra` binary for its HTTP or import leg.
    packages = ["mitra", "mitra-bench"]
    step(f"building {' and '.join(packages)} (release)")
    subprocess.run(
        ["cargo", "build", "--release", "--quiet"] + [arg for p in packages for arg in ("-p", p)],
        cwd=ROOT,
        check=True,
    )


def bench_python(probe: str, packages: list[str]) -> str:
    """bench/.venv's Python, with `packages` from PyPI installed unless `import {probe}` already works."""
    python = VENV / "bin" / "python"
    if not python.exists():
        step("creating bench/.venv")
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    if subprocess.run([str(python), "-c", f"import {probe}"], capture_output=True).returncode != 0:
        step(f"installing {' and '.join(packages)} from PyPI into bench/.venv")
        subprocess.run([str(VENV / "bin" / "pip"), "install", "--quiet", *packages], check=True)
    return str(python)


def python_with_duckdb() -> str:
    """bench/.venv's Python, with the peers' packages from PyPI: DuckDB, and psycopg for PostgreSQL."""
    return bench_python("duckdb, psycopg", ["duckdb", "psycopg[binary]"])


SCIKIT_LEARN = "scikit-learn==1.6.1"


def python_with_sklearn() -> str:
    """bench/.venv's Python, with scikit-learn (and NumPy) from PyPI."""
    return bench_python("sklearn, numpy", [SCIKIT_LEARN])


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}x" if b > 0 else "n/a"


def table(title: str, rows: list[tuple], ratios: list[str]) -> None:
    print(f"\n{title}")
    print(f"  {'tool':<44} {'seconds':>10} {'peak MiB':>10}")
    for name, seconds, mib in rows:
        print(f"  {name:<44} {seconds:>10.2f} {mib:>10.0f}")
    for line in ratios:
        print(f"  {line}")


def bench_panel(scale: float) -> None:
    cities, indicators, years = max(int(20_000 * scale), 50), 200, 10
    grouping = "country"
    directory = DATA / f"panel-{cities}x{indicators}x{years}"
    if not (directory / "panel.csv").exists():
        step(f"generating {cities * indicators * years:,} values in {directory}")
        run_child([str(RELEASE / "mitra-bench"), "generate-panel", str(directory), str(cities), str(indicators), str(years), "20261128"])
    python = python_with_duckdb()
    step("Mitra: percentile ranks within peer groups")
    out, _, mitra_mib = run_child([str(RELEASE / "mitra-bench"), "panel", str(directory), grouping])
    mitra = last_json(out)
    step("DuckDB: the same in SQL")
    out, _, duck_mib = run_child([python, str(BENCH / "duckdb_panel.py"), str(directory), grouping])
    duck = last_json(out)
    # Mitra keeps ranks as f32 (seven significant digits), so the sums agree to about that.
    same = all(abs(mitra["checksum"] - run["checksum"]) <= 1e-6 * abs(run["checksum"]) for run in duck["runs"])
    table(
        f"Percentile ranks by {grouping}, {mitra['rows']:,} values "
        f"({cities:,} cities x {indicators} indicators x {years} years); DuckDB {duck['version']}",
        [("Mitra panel", mitra["seconds"], mitra_mib)]
        + [(f"DuckDB SQL: {run['sql']}", run["seconds"], duck_mib) for run in duck["runs"]],
        [
            f"time: Mitra / DuckDB's faster SQL ({duck['sql']}) = {ratio(mitra['seconds'], duck['seconds'])} "
            f"(goal <= 0.20x)",
            f"peak memory: Mitra / DuckDB = {ratio(mitra_mib, duck_mib)} (goal <= 0.50x)",
            f"loading the CSV (not timed above): Mitra {mitra['load_seconds']:.1f} s, DuckDB {duck['load_seconds']:.1f} s",
            f"same ranks: {'yes' if same else 'NO'} (checksums: Mitra {mitra['checksum']:.6f}, DuckDB "
            + ", ".join(f"{run['checksum']:.6f}" for run in duck["runs"]) + ")",
            "DuckDB's peak memory is that of its process over both statements",
        ],
    )
    if not same:
        raise SystemExit("the two sides computed different ranks")


def city_ids() -> list[str]:
    with open(ROOT / "data" / "cities" / "cities.csv", newline="", encoding="utf-8") as f:
        return [row["id"] for row in csv.DictReader(f)]


def floor_sql(rows: int, engine: str) -> str:
    """SQL that makes the engine itself write `rows` ready observations into Mitra's table, in key order, in one
    transaction: the least any import into that table can take. Row i has the distinct key
    (i / 20000, i / 1000 mod 20, 1901 + i / 5 mod 200, i mod 5), so keys rise with i."""
    columns = "city, indicator, year, source, value, unit, status, submitted_by, submitted_at"
    values = "i / 20000, (i / 1000) % 20, 1901 + (i / 5) % 200, i % 5, (i % 1001) / 10.0, '%', 'submitted', 'operator'"
    if engine == "sqlite":
        return (
            "pragma journal_mode = wal; pragma synchronous = normal; pragma cache_size = -65536;\n"
            "begin;\n"
            f"with recursive n(i) as (select 0 union all select i + 1 from n where i < {rows - 1})\n"
            f"insert into observations ({columns}) select {values}, '2026-11-28T00:00:00Z' from n;\n"
            "commit;\npragma wal_checkpoint(truncate);\n"
        )
    return (
        "begin;\n"
        f"insert into observations ({columns}) select {values}, now() from generate_series(0, {rows - 1}) i;\n"
        "commit;\n"
    )


def postgres_url() -> str:
    return os.environ.get("MITRA_BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")


def postgres_answers(url: str) -> bool:
    return shutil.which("psql") is not None and subprocess.run(
        ["psql", url, "-qAtc", "select 1"], capture_output=True
    ).returncode == 0


def bench_import(scale: float, skip_postgres: bool) -> None:
    rows = max(int(10_000_000 * scale), 1000)
    file = DATA / f"import-{rows}.csv"
    if not file.exists():
        step(f"generating an import file of {rows:,} rows")
        DATA.mkdir(parents=True, exist_ok=True)
        run_child([str(RELEASE / "mitra-bench"), "generate-import", str(file), str(rows), "20261128", *city_ids()])
    mitra = str(RELEASE / "mitra")
    env = dict(os.environ, MITRA_LOG="error")
    results = []

    # SQLite: Mitra's validated, upserting import against the sqlite3 shell's .import into a plain table.
    work = DATA / "sqlite-run"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    step("Mitra on SQLite: preparing a fresh database (migrations and reference data, not timed)")
    run_child([mitra, "--data-dir", str(work), "migrate"], env)
    tiny = work / "tiny.csv"
    tiny.write_text("city,indicator,year,value\nbangkok,iso37120-2014:5.1,2019,1\n", encoding="utf-8")
    run_child([mitra, "--data-dir", str(work), "import", "observations", str(tiny), "--dry-run"], env)
    # The engine's own floor: the same number of ready rows, in key order, written by SQLite itself into Mitra's
    # table (a copy of the migrated database, with Mitra's settings). No file is read and nothing is checked.
    floor_db = work / "floor.db"
    for suffix in ("", "-wal"):
        if (work / f"mitra.db{suffix}").exists():
            shutil.copy(work / f"mitra.db{suffix}", work / f"floor.db{suffix}")
    step("Mitra on SQLite: import")
    _, mitra_sqlite, mitra_sqlite_mib = run_child([mitra, "--data-dir", str(work), "import", "observations", str(file)], env)
    plain = work / "plain.db"
    script = (
        "create table observations (city text, indicator text, year integer, value real, unit text, source text);\n"
        f".import --csv --skip 1 {file} observations\n"
    )
    step("sqlite3 .import")
    start = time.perf_counter()
    subprocess.run(["sqlite3", str(plain)], input=script, text=True, check=True)
    sqlite_import = time.perf_counter() - start
    # The same into a table with Mitra's key, to show what keeping one costs the engine itself.
    keyed = work / "keyed.db"
    keyed_script = (
        "create table observations (city text, indicator text, year integer, value real, unit text, source text, "
        "unique (city, indicator, year, source));\n"
        f".import --csv --skip 1 {file} observations\n"
    )
    step("sqlite3 .import into a keyed table")
    start = time.perf_counter()
    subprocess.run(["sqlite3", str(keyed)], input=keyed_script, text=True, check=True)
    sqlite_keyed = time.perf_counter() - start
    step("SQLite alone: ready rows in key order into Mitra's table")
    start = time.perf_counter()
    subprocess.run(["sqlite3", str(floor_db)], input=floor_sql(rows, "sqlite"), text=True, check=True, capture_output=True)
    sqlite_floor = time.perf_counter() - start
    results.append(("SQLite", mitra_sqlite, mitra_sqlite_mib, "sqlite3 .import", sqlite_import, sqlite_keyed, sqlite_floor))

    url = postgres_url()
    postgres = not skip_postgres and postgres_answers(url)
    if postgres:
        base = url.rsplit("/", 1)[0]
        for name in ("mitra_bench", "mitra_bench_copy", "mitra_bench_floor"):
            subprocess.run(["psql", url, "-qc", f"drop database if exists {name}"], check=True, capture_output=True)
            subprocess.run(["psql", url, "-qc", f"create database {name}"], check=True, capture_output=True)
        pg_env = dict(env, MITRA_DATABASE_URL=f"{base}/mitra_bench")
        step("Mitra on PostgreSQL: preparing (not timed)")
        run_child([mitra, "--data-dir", str(work), "import", "observations", str(tiny), "--dry-run"], pg_env)
        step("Mitra on PostgreSQL: import")
        _, mitra_pg, mitra_pg_mib = run_child([mitra, "--data-dir", str(work), "import", "observations", str(file)], pg_env)
        copy_url = f"{base}/mitra_bench_copy"
        subprocess.run(
            ["psql", copy_url, "-qc",
             "create table observations (city text, indicator text, year integer, value double precision, unit text, source text)"],
            check=True,
        )
        step("PostgreSQL COPY (psql \\copy)")
        start = time.perf_counter()
        subprocess.run(["psql", copy_url, "-qc", f"\\copy observations from '{file}' with (format csv, header true)"], check=True)
        copy = time.perf_counter() - start
        subprocess.run(
            ["psql", copy_url, "-qc",
             "create table keyed (city text collate \"C\", indicator text collate \"C\", year integer, "
             "value double precision, unit text, source text collate \"C\", unique (city, indicator, year, source))"],
            check=True,
        )
        step("PostgreSQL COPY into a keyed table")
        start = time.perf_counter()
        subprocess.run(["psql", copy_url, "-qc", f"\\copy keyed from '{file}' with (format csv, header true)"], check=True)
        copy_keyed = time.perf_counter() - start
        floor_url = f"{base}/mitra_bench_floor"
        run_child([mitra, "--data-dir", str(work), "migrate"], dict(env, MITRA_DATABASE_URL=floor_url))
        step("PostgreSQL alone: ready rows in key order into Mitra's table")
        start = time.perf_counter()
        subprocess.run(["psql", floor_url, "-qX", "-v", "ON_ERROR_STOP=1"], input=floor_sql(rows, "postgres"), text=True, check=True)
        pg_floor = time.perf_counter() - start
        results.append(("PostgreSQL", mitra_pg, mitra_pg_mib, "COPY", copy, copy_keyed, pg_floor))
    else:
        print("\nPostgreSQL: SKIPPED (--skip-postgres, or no server answers; set MITRA_BENCH_POSTGRES_URL)")

    for engine, mitra_s, mitra_mib, peer, peer_s, keyed_s, floor_s in results:
        table(
            f"Import of {rows:,} rows into {engine}",
            [
                ("mitra import observations", mitra_s, mitra_mib),
                (f"{engine} alone, ready rows, Mitra's table", floor_s, 0.0),
                (f"{peer}, with Mitra's key", keyed_s, 0.0),
                (f"{peer}, plain table", peer_s, 0.0),
            ],
            [
                f"time: Mitra / the engine's own floor = {ratio(mitra_s, floor_s)} (goal <= 1.50x): the floor is "
                f"{engine} itself writing the same number of ready rows into Mitra's table in key order, before "
                f"any reading or checking",
                f"time: Mitra / {peer} into a table with Mitra's key = {ratio(mitra_s, keyed_s)} (goal <= 0.50x): "
                f"Mitra reads, validates, converts and upserts every row",
                f"time: Mitra / {peer} into a plain table = {ratio(mitra_s, peer_s)} (for scale: unchecked text "
                f"appended without a key)",
            ],
        )


def storage_of(db: Path) -> str:
    """What the entries and their audit records take in the SQLite file `db`, and the file itself."""
    import sqlite3
    con = sqlite3.connect(db)
    entries, documents = con.execute("select count(*), sum(length(document)) from entries").fetchone()
    records, images = con.execute(
        "select count(*), sum(coalesce(length(before_json), 0) + coalesce(length(after_json), 0)) from audit_log "
        "where entity = 'entry'").fetchone()
    con.close()
    files = sum(p.stat().st_size for p in db.parent.glob(db.name + "*"))
    mib = 1024 * 1024
    return (f"{entries:,} entries, their documents {documents / mib:.0f} MiB; {records:,} audit records of entries, "
            f"{(images or 0) / mib:.0f} MiB of JSON; database files {files / mib:.0f} MiB in all")


def serve(mitra: str, work: Path, env: dict, demo: bool = False) -> tuple[subprocess.Popen, str, int]:
    """Starts `mitra serve` (with `--demo`, the demo data loaded into `work`) on a free port of the loopback with the
    data directory `work`; returns the process and where it listens, once it does."""
    server = subprocess.Popen([mitra, "--data-dir", str(work), "serve", *(["--demo"] if demo else []),
                               "--bind", "127.0.0.1:0"], stdout=subprocess.PIPE, env=env, text=True)
    while True:
        line = server.stdout.readline() if server.stdout else ""
        if not line:
            server.wait()
            raise SystemExit("mitra serve stopped before listening")
        if "listening on http://" in line:
            host, port = line.split("listening on http://", 1)[1].split()[0].rsplit(":", 1)
            # Drain what it prints on, so that a full pipe never blocks it.
            threading.Thread(target=lambda: server.stdout.read(), daemon=True).start()
            return server, host, int(port)


def rss_mib(pid: int) -> float:
    """The resident set of process `pid` now, in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024.0
    return 0.0


def load(address: str, requests: list[tuple[str, str]], connections: int, seconds: float) -> dict:
    """Runs mitra-bench's load client over `requests` ((label, path) pairs); returns its report."""
    DATA.mkdir(parents=True, exist_ok=True)
    listing = DATA / "load-requests.tsv"
    listing.write_text("".join(f"{label}\t{path}\n" for label, path in requests), encoding="utf-8")
    out, _, _ = run_child([str(RELEASE / "mitra-bench"), "load", address, str(listing), str(connections),
                           str(seconds)])
    report = last_json(out)
    if report["errors"]:
        raise SystemExit(f"load on {address}: {report['errors']} errors, the first: {report['first_error']}")
    return report


def python_with_datasette() -> str:
    """bench/.venv's Python, with Datasette from PyPI."""
    return bench_python("datasette", [DATASETTE])


DATASETTE = "datasette==0.65.5"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(host: str, port: int, path: str) -> None:
    import http.client
    for _ in range(600):
        try:
            conn = http.client.HTTPConnection(host, port, timeout=5)
            conn.request("GET", path)
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise SystemExit(f"nothing answers {path} at {host}:{port}")


LOAD_CONNECTIONS = [1, 16, 64, 256]


def demo_server(name: str) -> tuple[subprocess.Popen, str, int, Path]:
    """`mitra serve --demo` (release build) on a fresh data directory `bench/data/NAME`, once it answers; returns the
    process, where it listens, and the directory."""
    work = DATA / name
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    step("Mitra: serve --demo (release build)")
    server, host, port = serve(str(RELEASE / "mitra"), work, dict(os.environ, MITRA_LOG="error"), demo=True)
    try:
        wait_for(host, port, "/api/v1/cities?limit=1")
    except BaseException:
        server.terminate()
        raise
    return server, host, port, work


def bench_load(seconds: float) -> None:
    """Requests per second and latencies of Mitra's pages and API against Datasette serving the same SQLite file, at
    1, 16, 64 and 256 connections; then the home page, a city page and an assessment page of Mitra alone."""
    server, host, port, work = demo_server("load-run")
    python = python_with_datasette()
    datasette_port = free_port()
    step(f"Datasette ({DATASETTE}) on the same SQLite file")
    datasette = subprocess.Popen([python, "-m", "datasette", "serve", str(work / "mitra.db"), "--host", "127.0.0.1",
                                  "--port", str(datasette_port), "--setting", "max_returned_rows", "1000"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for("127.0.0.1", datasette_port, "/mitra/cities.json?_size=1")
        mitra_at, datasette_at = f"{host}:{port}", f"127.0.0.1:{datasette_port}"
        pairs = [
            ("JSON: 50 cities", ("/api/v1/cities?limit=50", "/mitra/cities.json?_size=50")),
            ("HTML: the list of cities", ("/cities", "/mitra/cities?_size=50")),
        ]
        print(f"\nMitra against Datasette on the same SQLite file ({len(LOAD_CONNECTIONS)} connection counts, "
              f"{seconds:.0f} s each; keep-alive GETs, every answer read whole; requests per second and p99 ms)")
        print(f"  {'request':<26} {'conns':>5} {'Mitra req/s':>12} {'p99 ms':>8} {'Datasette req/s':>16} "
              f"{'p99 ms':>8} {'ratio':>7}")
        for title, (mitra_path, datasette_path) in pairs:
            for connections in LOAD_CONNECTIONS:
                ours = load(mitra_at, [(title, mitra_path)], connections, seconds)["all"]
                theirs = load(datasette_at, [(title, datasette_path)], connections, seconds)["all"]
                print(f"  {title:<26} {connections:>5} {ours['per_second']:>12.0f} {ours['p99_ms']:>8.1f} "
                      f"{theirs['per_second']:>16.0f} {theirs['p99_ms']:>8.1f} "
                      f"{ratio(ours['per_second'], theirs['per_second']):>7}")
        print(f"\nMitra's own pages (no peer serves them)")
        print(f"  {'page':<26} {'conns':>5} {'req/s':>12} {'p50 ms':>8} {'p99 ms':>8}")
        for title, path in [("home (the map)", "/"), ("city: Bangkok", "/cities/bangkok"),
                            ("assessment: Bangkok", "/cities/bangkok/assessment")]:
            for connections in LOAD_CONNECTIONS:
                ours = load(mitra_at, [(title, path)], connections, seconds)["all"]
                print(f"  {title:<26} {connections:>5} {ours['per_second']:>12.0f} {ours['p50_ms']:>8.1f} "
                      f"{ours['p99_ms']:>8.1f}")
    finally:
        datasette.terminate()
        server.terminate()
        datasette.wait()
        server.wait()


def demo_token(host: str, port: int, role: str) -> str:
    """A write token of the demo account of `role` (`admin`, `editor`), made as a person makes one (the contract
    check's own way)."""
    import importlib.util
    spec = importlib.util.spec_from_file_location("contract_run", ROOT / "tests" / "contract" / "run.py")
    contract = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(contract)
    return contract.write_token(f"http://{host}:{port}", f"{role}@demo.mitra.invalid", f"demo-password-{role}")


def bench_soak(seconds: float) -> None:
    """8 readers of city and assessment pages and 1 writer of entries and values, for `seconds`: latency per page and
    the server's resident memory over the run."""
    import http.client

    server, host, port, _ = demo_server("soak-run")
    try:
        ids, cursor = [], ""
        while True:
            page = json.loads(urllib_get(host, port, f"/api/v1/cities?limit=500{cursor}"))
            ids += [c["id"] for c in page["cities"]]
            if not page.get("next_cursor"):
                break
            cursor = f"&cursor={page['next_cursor']}"
        requests = [(f"city page", f"/cities/{i}") for i in ids] + \
                   [(f"assessment page", f"/cities/{i}/assessment") for i in ids]
        admin, editor = demo_token(host, port, "admin"), demo_token(host, port, "editor")
        observed = json.loads(urllib_get(host, port, "/api/v1/observations?city=bangkok&limit=500"))["observations"]
        indicators = sorted({o["indicator"] for o in observed if not o["indicator"].startswith("mitra:")})
        hits = json.loads(urllib_get(host, port, "/api/v1/search?limit=50"))["hits"]
        entries = [json.loads(urllib_get(host, port, f"/api/v1/entries/{h['id']}"))["entry"]["entry"] for h in hits]
        stop = threading.Event()
        writes = {"done": 0, "failed": 0, "first": None}

        def writer() -> None:
            conn = http.client.HTTPConnection(host, port, timeout=60)
            n = 0
            while not stop.is_set():
                n += 1
                if n % 2 and indicators:
                    # Bangkok's government submits a value: the panels of every city page are then out of date.
                    body = f"city,indicator,year,value\nbangkok,{indicators[n % len(indicators)]},2019,{n % 97 + 1}\n"
                    conn.request("POST", "/api/v1/observations", body=body,
                                 headers={"Authorization": f"Bearer {editor}", "Content-Type": "text/csv"})
                else:
                    entry = dict(entries[n % len(entries)])
                    texts = [dict(t) for t in entry["texts"]]
                    texts[0]["summary"] = f"{texts[0].get('summary', '').split(' [rev ')[0]} [rev {n}]"[:2000]
                    entry["texts"] = texts
                    conn.request("PUT", f"/api/v1/entries/{entry['id']}", body=json.dumps(entry),
                                 headers={"Authorization": f"Bearer {admin}", "Content-Type": "application/json"})
                response = conn.getresponse()
                answer = response.read()
                if response.status == 200:
                    writes["done"] += 1
                else:
                    writes["failed"] += 1
                    writes["first"] = writes["first"] or f"{response.status} {answer[:300]!r}"
                time.sleep(0.2)

        samples: list[tuple[float, float]] = []

        def sampler() -> None:
            start = time.perf_counter()
            while not stop.is_set():
                samples.append((time.perf_counter() - start, rss_mib(server.pid)))
                stop.wait(5)

        threads = [threading.Thread(target=writer), threading.Thread(target=sampler)]
        for t in threads:
            t.start()
        step(f"soak: 8 readers over {len(requests)} pages and 1 writer for {seconds:.0f} s")
        try:
            report = load(f"{host}:{port}", requests, 8, seconds)
        finally:
            stop.set()
            for t in threads:
                t.join()
        print(f"\nSoak: 8 readers of {len(ids)} city pages and their assessment pages, 1 writer changing an entry or "
              f"submitting a value of Bangkok in turn, every 0.2 s, {seconds:.0f} s")
        print(f"  {'page':<20} {'requests':>9} {'req/s':>8} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} {'max ms':>8}")
        for label, r in report["labels"].items():
            print(f"  {label:<20} {r['requests']:>9} {r['per_second']:>8.1f} {r['p50_ms']:>8.1f} {r['p90_ms']:>8.1f} "
                  f"{r['p99_ms']:>8.1f} {r['max_ms']:>8.1f}")
        print(f"  writes: {writes['done']} done, {writes['failed']} failed"
              + (f" (the first: {writes['first']})" if writes["first"] else ""))
        if samples:
            half = [mib for at, mib in samples if at >= seconds / 2]
            print(f"  resident memory: {samples[0][1]:.0f} MiB at the start, {max(m for _, m in samples):.0f} MiB at "
                  f"most, {samples[-1][1]:.0f} MiB at the end")
            if len(half) >= 2:
                growth = (half[-1] - half[0]) / half[0] * 100
                print(f"  growth over the second half: {growth:+.1f} % ({half[0]:.0f} -> {half[-1]:.0f} MiB; "
                      f"goal < 10 %)")
        if writes["failed"]:
            raise SystemExit("the soak's writer failed")
    finally:
        server.terminate()
        server.wait()


def urllib_get(host: str, port: int, path: str) -> str:
    import http.client
    conn = http.client.HTTPConnection(host, port, timeout=60)
    conn.request("GET", path)
    response = conn.getresponse()
    body = response.read().decode("utf-8")
    if response.status != 200:
        raise SystemExit(f"GET {path}: {response.status} {body[:200]}")
    return body


def timed_get(conn, path: str) -> tuple[float, bytes]:
    """GETs `path` over the open connection; returns the seconds it took and the body. Anything but 200 stops the
    benchmark."""
    t = time.perf_counter()
    conn.request("GET", path)
    response = conn.getresponse()
    body = response.read()
    elapsed = time.perf_counter() - t
    if response.status != 200:
        raise SystemExit(f"GET {path}: {response.status} {body[:200]!r}")
    return elapsed, body


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def bench_search(scale: float, skip_postgres: bool) -> None:
    import http.client
    import statistics
    import urllib.parse

    entries = max(int(1_000_000 * scale), 1000)
    corpus = DATA / f"corpus-{entries}.csv"
    queries_file = DATA / f"corpus-{entries}-queries.txt"
    if not corpus.exists():
        step(f"generating a corpus of {entries:,} entries and 200 queries")
        DATA.mkdir(parents=True, exist_ok=True)
        run_child([str(RELEASE / "mitra-bench"), "generate-corpus", str(corpus), str(queries_file), str(entries), "200",
                   "20261128", *city_ids()])
    queries = [q for q in queries_file.read_text(encoding="utf-8").splitlines() if q.strip()]
    mitra = str(RELEASE / "mitra")
    env = dict(os.environ, MITRA_LOG="error")
    work = DATA / "search-run"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    step("Mitra: preparing a fresh database (not timed)")
    run_child([mitra, "--data-dir", str(work), "migrate"], env)
    step(f"Mitra: mitra import entries ({entries:,} entries)")
    _, import_s, import_mib = run_child([mitra, "--data-dir", str(work), "import", "entries", str(corpus)], env)
    storage = storage_of(work / "mitra.db")
    step("Mitra: mitra index rebuild")
    _, index_s, index_mib = run_child([mitra, "--data-dir", str(work), "index", "rebuild"], env)
    step("Mitra: serving, and searching over HTTP")
    server, host, port = serve(mitra, work, env)
    try:
        conn = http.client.HTTPConnection(host, port, timeout=60)
        latencies, hits = [], []
        for round_ in range(2):
            for q in queries:
                elapsed, body = timed_get(conn, "/api/v1/search?" + urllib.parse.urlencode({"q": q, "limit": 20}))
                if round_ == 1:
                    latencies.append(elapsed)
                    hits.append(json.loads(body)["total"])
    finally:
        server.terminate()
        server.wait()
    results = [("Mitra (HTTP API, tantivy)", index_s, latencies, hits)]
    python = python_with_duckdb()
    cities_csv = str(ROOT / "data" / "cities" / "cities.csv")
    step("SQLite FTS5: build and query")
    out, _, _ = run_child([python, str(BENCH / "search_peers.py"), "fts5", str(corpus), str(queries_file), cities_csv,
                           str(work)])
    fts5 = last_json(out)
    results.append((f"SQLite FTS5 (in-process, unicode61)", fts5["build_seconds"], fts5["latencies"], fts5["hits"]))
    url = postgres_url()
    postgres = not skip_postgres and postgres_answers(url)
    if postgres:
        base = url.rsplit("/", 1)[0]
        subprocess.run(["psql", url, "-qc", "drop database if exists mitra_bench_search"], check=True, capture_output=True)
        subprocess.run(["psql", url, "-qc", "create database mitra_bench_search"], check=True, capture_output=True)
        step("PostgreSQL full-text search: build and query")
        out, _, _ = run_child([python, str(BENCH / "search_peers.py"), "postgres", str(corpus), str(queries_file),
                               cities_csv, f"{base}/mitra_bench_search"])
        pg = last_json(out)
        results.append(("PostgreSQL FTS (tsvector, GIN, simple)", pg["build_seconds"], pg["latencies"], pg["hits"]))
    else:
        print("\nPostgreSQL: SKIPPED (--skip-postgres, or no server answers; set MITRA_BENCH_POSTGRES_URL)")

    print(f"\nSearch over {entries:,} synthetic entries in 5 languages, {len(queries)} queries (top 20 and facet counts "
          f"by kind, country, city, challenge, language and year); the second of two rounds is timed")
    print(f"  {'engine':<40} {'build s':>9} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'mean hits':>10}")
    for name, build, lat, found in results:
        ms = [x * 1000 for x in lat]
        print(f"  {name:<40} {build:>9.1f} {percentile(ms, 50):>8.2f} {percentile(ms, 95):>8.2f} "
              f"{percentile(ms, 99):>8.2f} {statistics.mean(found):>10.0f}")
    mitra_p95 = percentile(latencies, 95)
    print(f"  Mitra's import of the corpus (mitra import entries, not part of the index build): {import_s:.1f} s, "
          f"peak {import_mib:.0f} MiB; index rebuild peak {index_mib:.0f} MiB")
    print(f"  Storage after the import: {storage}")
    for name, build, lat, _ in results[1:]:
        goal = " (goal <= 0.10x)" if name.startswith("SQLite") else ""
        print(f"  p95: Mitra / {name.split(' (')[0]} = {ratio(mitra_p95, percentile(lat, 95))}{goal}")
        goal = " (goal <= 1x)" if name.startswith("SQLite") else ""
        print(f"  build: Mitra / {name.split(' (')[0]} = {ratio(index_s, build)}{goal}")
    print("  Mitra's latency includes HTTP and JSON; FTS5 runs in the benchmark's own process. FTS5 and PostgreSQL's "
          "'simple' configuration do not cut Chinese or Thai into words, so they find fewer entries for those queries.")


MATCHING_TODAY = "2026-12-01"


def bench_matching(scale: float) -> None:
    projects, calls = max(int(50_000 * scale), 100), max(int(5_000 * scale), 50)
    directory = DATA / f"matching-{projects}x{calls}"
    if not (directory / "calls.csv").exists():
        step(f"generating {projects:,} projects and {calls:,} funding calls in {directory}")
        run_child([str(RELEASE / "mitra-bench"), "generate-matching", str(directory), str(projects), str(calls),
                   MATCHING_TODAY, "20261128"])
    python = python_with_duckdb()
    step("Mitra: matching every project against the open calls")
    out, _, mitra_mib = run_child([str(RELEASE / "mitra-bench"), "matching", str(directory), MATCHING_TODAY])
    mitra = last_json(out)
    step("DuckDB: the same in SQL, and the comparison")
    out, _, duck_mib = run_child([python, str(BENCH / "duckdb_matching.py"), str(directory), MATCHING_TODAY])
    duck = last_json(out)
    same = duck["mitra_rows"] == mitra["matches"] and all(run["different"] == 0 for run in duck["runs"])
    table(
        f"Matching {projects:,} projects against {calls:,} funding calls ({mitra['open_calls']:,} open on "
        f"{MATCHING_TODAY}), top 10 each; DuckDB {duck['version']}",
        [(f"Mitra FundingIndex ({mitra['threads']} threads), with reasons", mitra["seconds"], mitra_mib)]
        + [(f"DuckDB SQL: {run['sql']}", run["seconds"], duck_mib) for run in duck["runs"]],
        [
            f"time: Mitra / DuckDB's faster SQL ({duck['sql']}) = {ratio(mitra['seconds'], duck['seconds'])} "
            f"(goal <= 0.20x)",
            f"loading the CSV (not timed above): Mitra {mitra['load_seconds']:.2f} s, DuckDB {duck['load_seconds']:.2f} s",
            f"same top 10s: {'yes' if same else 'NO'} ({mitra['matches']:,} matches, {mitra['reasons']:,} reasons; "
            + ", ".join(f"{run['sql']}: {run['different']} different, largest score difference "
                        f"{run['max_score_difference']:g}" for run in duck["runs"]) + ")",
            "DuckDB's peak memory is that of its process over both statements and the comparison",
        ],
    )
    if not same:
        raise SystemExit("the two sides matched differently")
    bench_matching_http(directory, projects, calls)


READINESS = ["in-city-plan", "feasibility-study", "cost-estimate", "finance-identified", "safeguards-assessed",
             "institutional-setup", "land-and-permits", "operation-plan"]


def matching_entries(directory: Path, out: Path) -> list[str]:
    """The generated projects and calls as Mitra entries (the API's JSON shape), each project in a shipped city of
    its country; returns the project ids."""
    by_country: dict[str, list[str]] = {}
    with open(ROOT / "data" / "cities" / "cities.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            by_country.setdefault(row["country"], []).append(row["id"])
    split = lambda raw: [v for v in raw.split(";") if v]
    entries, ids = [], []
    with open(directory / "projects.csv", encoding="utf-8") as f:
        for n, row in enumerate(csv.DictReader(f)):
            cities = by_country[row["country"]]
            needs = {"capital": {"amount": float(row["capital_usd"]), "currency": "USD"}} if row["capital_usd"] else {}
            ids.append(row["id"])
            entries.append({
                "id": row["id"], "example": True,
                "texts": [{"lang": "en", "origin": "original", "title": f"Synthetic project {n}",
                           "summary": "A generated project for the benchmark."}],
                "cities": [cities[n % len(cities)]], "focus_areas": split(row["focus"]),
                "challenges": split(row["challenges"]),
                "details": {"kind": "project", "stage": row["stage"], "needs": needs,
                            "readiness": READINESS[:int(row["readiness"])]},
            })
    with open(directory / "calls.csv", encoding="utf-8") as f:
        for n, row in enumerate(csv.DictReader(f)):
            money = lambda v: {"amount": float(v), "currency": "USD"} if v else None
            entries.append({
                "id": row["id"], "example": True,
                "texts": [{"lang": "en", "origin": "original", "title": f"Synthetic funding call {n}",
                           "summary": "A generated funding call for the benchmark."}],
                "focus_areas": split(row["focus"]), "challenges": split(row["challenges"]),
                "details": {"kind": "funding", "funder": "Synthetic funder", "instrument": row["instrument"],
                            "amount_min": money(row["min_usd"]), "amount_max": money(row["max_usd"]),
                            "countries": split(row["countries"]), "sectors": [],
                            "deadline": row["deadline"] or None},
            })
    out.write_text(json.dumps(entries), encoding="utf-8")
    return ids


def bench_matching_http(directory: Path, projects: int, calls: int) -> None:
    """One project's explained funding matches through the HTTP API of a server holding every project and call."""
    import http.client
    import random

    mitra = str(RELEASE / "mitra")
    env = dict(os.environ, MITRA_LOG="error")
    work = DATA / "matching-http-run"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    entries_file = work / "entries.json"
    ids = matching_entries(directory, entries_file)
    step(f"Mitra: importing {projects:,} projects and {calls:,} calls (not timed)")
    run_child([mitra, "--data-dir", str(work), "migrate"], env)
    run_child([mitra, "--data-dir", str(work), "import", "entries", str(entries_file)], env)
    step("Mitra: serving, and asking for one project's matches at a time over HTTP")
    server, host, port = serve(mitra, work, env)
    try:
        conn = http.client.HTTPConnection(host, port, timeout=120)
        sample = random.Random(20261204).sample(ids, min(500, len(ids)))
        latencies, matched = [], 0
        for round_ in range(2):
            for project in sample:
                elapsed, body = timed_get(conn, f"/api/v1/entries/{project}/matches")
                if round_ == 1:
                    latencies.append(elapsed * 1000)
                    matched += len(json.loads(body)["entries"])
    finally:
        server.terminate()
        server.wait()
    print(f"\nOne project's explained funding matches over HTTP ({projects:,} projects and {calls:,} calls stored; "
          f"{len(latencies)} projects, the second of two rounds timed; the first builds the matching inputs)")
    print(f"  p50 {percentile(latencies, 50):.2f} ms, p95 {percentile(latencies, 95):.2f} ms, "
          f"p99 {percentile(latencies, 99):.2f} ms (goal: p50 < 5 ms); {matched / len(latencies):.1f} matches each")


def bench_similar(scale: float) -> None:
    cities, features, k = max(int(50_000 * scale), 100), 50, 10
    file = DATA / f"cities-{cities}x{features}.csv"
    if not file.exists():
        step(f"generating {cities:,} cities x {features} features in {file}")
        DATA.mkdir(parents=True, exist_ok=True)
        run_child([str(RELEASE / "mitra-bench"), "generate-cities", str(file), str(cities), str(features), "20261128"])
    python = python_with_sklearn()
    out_file = DATA / f"cities-{cities}x{features}-mitra-top{k}.csv"
    step(f"Mitra: standardising and the {k} nearest of every city")
    out, _, mitra_mib = run_child([str(RELEASE / "mitra-bench"), "similar", str(file), str(k), str(out_file)])
    mitra = last_json(out)
    step("scikit-learn: the same, and the comparison")
    out, _, sk_mib = run_child([python, str(BENCH / "sklearn_similar.py"), str(file), str(k), str(out_file)])
    sk = last_json(out)
    same = sk["different"] == 0
    table(
        f"City similarity: {cities:,} cities x {features} features, standardised, the {k} nearest of each; "
        f"scikit-learn {sk['version']} (NumPy {sk['numpy']})",
        [
            (f"Mitra FeatureMatrix::nearest ({mitra['threads']} threads)", mitra["seconds"], mitra_mib),
            ("scikit-learn NearestNeighbors(algorithm='brute')", sk["seconds"], sk_mib),
        ],
        [
            f"time: Mitra / scikit-learn = {ratio(mitra['seconds'], sk['seconds'])} (goal <= 0.50x)",
            f"standardising (in the times above): Mitra {mitra['standardise_seconds']:.3f} s, "
            f"scikit-learn (NumPy) {sk['standardise_seconds']:.3f} s",
            f"loading the CSV (not timed above): Mitra {mitra['load_seconds']:.2f} s, scikit-learn's side "
            f"{sk['load_seconds']:.2f} s (with Mitra's results)",
            f"same neighbour sets: {'yes' if same else 'NO'} ({sk['rows'] - sk['ties'] - sk['different']:,} rows "
            f"identical, {sk['ties']} differing only by a tie at the {k}th place, {sk['different']} different"
            + (f"; e.g. {sk['examples']}" if sk["examples"] else "") + ")",
            "scikit-learn's peak memory is that of its process, with the comparison",
        ],
    )
    if not same:
        raise SystemExit("the two sides found different neighbours")


# The indicators the synthetic cities have values of, with the range each is drawn from (the indicator's unit).
PARTNER_INDICATORS = {"iso37120-2014:8.1": (5, 80), "iso37120-2014:8.2": (10, 150), "iso37120-2014:8.3": (0.5, 15),
                      "iso37120-2014:5.1": (1, 25), "mitra:population-density": (500, 20_000)}


def partner_cities(cities: int, work: Path) -> tuple[Path, list[str]]:
    """Adds `cities` seeded synthetic cities (spread over the eleven countries, near a shipped city of each) to the
    SQLite database in `work`, written directly (not timed), and writes a CSV of their values of
    PARTNER_INDICATORS for 2022 and 2023. Returns the file and the ids of the ASCN cities with declared
    priorities, whose recommendations the benchmark asks for."""
    import random
    import sqlite3

    rng = random.Random(20261204)
    shipped = []
    with open(ROOT / "data" / "cities" / "cities.csv", encoding="utf-8") as f:
        shipped = list(csv.DictReader(f))
    by_country: dict[str, list[dict]] = {}
    for row in shipped:
        by_country.setdefault(row["country"], []).append(row)
    countries = sorted(by_country)
    db = sqlite3.connect(work / "mitra.db")
    rows = []
    for n in range(cities):
        country = countries[n % len(countries)]
        near = rng.choice(by_country[country])
        rows.append((f"synthetic-city-{n:05d}", f"Synthetic city {n}", country,
                     float(near["latitude"]) + rng.uniform(-1.5, 1.5), float(near["longitude"]) + rng.uniform(-1.5, 1.5),
                     near["timezone"], rng.randint(300_000, 12_000_000), 2020))
    db.executemany("insert into cities (id, name_en, country, latitude, longitude, timezone, population, "
                   "population_year, population_source) values (?, ?, ?, ?, ?, ?, ?, ?, 'synthetic')", rows)
    db.commit()
    db.close()
    out = work / "partner-values.csv"
    with open(out, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["city", "indicator", "year", "value", "unit", "source"])
        every = [r["id"] for r in shipped] + [r[0] for r in rows]
        for city in every:
            for indicator, (low, high) in PARTNER_INDICATORS.items():
                base = rng.uniform(low, high)
                for year in (2022, 2023):
                    writer.writerow([city, indicator, year, f"{base * rng.uniform(0.9, 1.1):.3f}", "", "synthetic"])
    ascn = [r["id"] for r in shipped if "ascn" in r.get("networks", "")]
    return out, ascn


def bench_partners_http(scale: float) -> None:
    """One city's explained partner recommendations through the HTTP API of a server holding 50 000 cities."""
    import http.client
    import random
    import sqlite3

    cities = max(int(50_000 * scale), 200)
    mitra = str(RELEASE / "mitra")
    env = dict(os.environ, MITRA_LOG="error")
    work = DATA / "partners-http-run"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    step(f"Mitra: {cities:,} synthetic cities and their values (not timed)")
    run_child([mitra, "--data-dir", str(work), "index", "rebuild"], env)
    values, ascn = partner_cities(cities, work)
    run_child([mitra, "--data-dir", str(work), "import", "observations", str(values)], env)
    # The recommendations compare verified values only: the synthetic ones are marked so, as a verifier would.
    db = sqlite3.connect(work / "mitra.db")
    db.execute("update observations set status = 'verified' where source in "
               "(select num from observation_sources where source = 'synthetic')")
    db.commit()
    total = db.execute("select count(*) from cities").fetchone()[0]
    db.close()
    step("Mitra: serving, and asking for one ASCN city's partners at a time over HTTP")
    server, host, port = serve(mitra, work, env)
    try:
        conn = http.client.HTTPConnection(host, port, timeout=600)
        first, _ = timed_get(conn, f"/api/v1/cities/{ascn[0]}/partners")
        sample = [random.Random(20261204).choice(ascn) for _ in range(300)]
        latencies, partners = [], 0
        for city in sample:
            elapsed, body = timed_get(conn, f"/api/v1/cities/{city}/partners")
            latencies.append(elapsed * 1000)
            partners += len(json.loads(body)["partners"])
    finally:
        server.terminate()
        server.wait()
    print(f"\nOne city's explained partner recommendations over HTTP ({total:,} cities stored, "
          f"{len(PARTNER_INDICATORS)} indicators x 2 years each; {len(latencies)} requests for the {len(ascn)} ASCN "
          f"cities after one that builds the inputs, which took {first:.1f} s)")
    print(f"  p50 {percentile(latencies, 50):.2f} ms, p95 {percentile(latencies, 95):.2f} ms, "
          f"p99 {percentile(latencies, 99):.2f} ms (goal: p50 < 5 ms); {partners / len(latencies):.1f} partners each")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("which", nargs="?", default="all",
                        choices=["all", "panel", "import", "search", "matching", "similar", "load", "soak"])
    parser.add_argument("--seconds", type=float, default=10.0,
                        help="load: seconds at each connection count (default 10)")
    parser.add_argument("--soak-seconds", type=float, default=1800.0,
                        help="soak: length of the run (default 1800, 30 minutes)")
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the full row counts (default 1)")
    parser.add_argument("--skip-postgres", action="store_true", help="leave out the PostgreSQL import")
    args = parser.parse_args()
    build(args.which)
    if args.which in ("all", "panel"):
        bench_panel(args.scale)
    if args.which in ("all", "import"):
        bench_import(args.scale, args.skip_postgres)
    if args.which in ("all", "search"):
        bench_search(args.scale, args.skip_postgres)
    if args.which in ("all", "matching"):
        bench_matching(args.scale)
    if args.which in ("all", "similar"):
        bench_similar(args.scale)
        bench_partners_http(args.scale)
    if args.which in ("all", "load"):
        bench_load(args.seconds)
    if args.which in ("all", "soak"):
        bench_soak(args.soak_seconds)


if __name__ == "__main__":
    main()
