#!/usr/bin/env python3
"""The peers of Mitra's search benchmark: SQLite FTS5 and PostgreSQL full-text search on the same corpus and queries.

    python bench/search_peers.py fts5 CORPUS.csv QUERIES.txt CITIES.csv WORKDIR
    python bench/search_peers.py postgres CORPUS.csv QUERIES.txt CITIES.csv POSTGRES_URL

Each builds its index from the corpus (timed), then answers every query as Mitra's search API does: the 20 best
matches by rank, and the counts of the matching entries by kind, country, city, challenge, language and year.
Words are alternatives (OR), as in Mitra. Each peer finds the matches once and counts the facets from them (a
temporary table in SQLite, grouping sets in PostgreSQL). Every query runs twice and the second round is timed. Prints one JSON
object: build seconds, and each query's latency and number of matching entries.
"""

import csv
import json
import sys
import time
from pathlib import Path

FACETS = ["kind", "country", "city", "challenge", "lang", "year"]


def rows(corpus: str, countries: dict[str, str]):
    """(id, kind, lang, city, country, challenge, year, title, body) per entry; later rows of an id add text."""
    entries: dict[str, list] = {}
    with open(corpus, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["id"] in entries:
                entry = entries[row["id"]]
                entry[7] += " " + row["title"]
                entry[8] += " " + row["summary"]
            else:
                entries[row["id"]] = [row["id"], row["kind"], row["lang"], row["cities"], countries.get(row["cities"], ""),
                                      row["challenges"], int(row["year_from"]), row["title"], row["summary"]]
    return list(entries.values())


def fts5_query(text: str) -> str:
    return " OR ".join('"' + w.replace('"', '""') + '"' for w in text.split())


def run_fts5(corpus, queries, countries, workdir):
    import sqlite3

    path = Path(workdir) / "fts5.db"
    path.unlink(missing_ok=True)
    db = sqlite3.connect(path)
    db.execute("pragma journal_mode = wal")
    start = time.perf_counter()
    db.execute("create table docs (id text primary key, kind text, lang text, city text, country text, challenge text, "
               "year integer, title text, body text)")
    db.executemany("insert into docs values (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows(corpus, countries))
    db.execute("create virtual table fts using fts5(title, body, content='docs', content_rowid='rowid', "
               "tokenize='unicode61 remove_diacritics 2')")
    db.execute("insert into fts(fts) values ('rebuild')")
    db.commit()
    build = time.perf_counter() - start
    latencies, hits = [], []
    for q in queries + queries:
        match = fts5_query(q)
        t = time.perf_counter()
        top = db.execute(
            "select d.id, snippet(fts, 1, '<mark>', '</mark>', '…', 24) from fts join docs d on d.rowid = fts.rowid "
            "where fts match ? order by bm25(fts, 2.0, 1.0) limit 20", (match,)).fetchall()
        # The matches are found once into a temporary table; the total and each facet count read it.
        db.execute("drop table if exists temp.m")
        db.execute(f"create temp table m as select {', '.join('d.' + f for f in FACETS)} from fts "
                   "join docs d on d.rowid = fts.rowid where fts match ?", (match,))
        total = db.execute("select count(*) from temp.m").fetchone()[0]
        for facet in FACETS:
            db.execute(f"select {facet}, count(*) from temp.m group by {facet} order by 2 desc").fetchall()
        latencies.append(time.perf_counter() - t)
        hits.append(total)
        assert len(top) <= 20
    return build, latencies, hits


def run_postgres(corpus, queries, countries, url):
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("drop table if exists docs")
        start = time.perf_counter()
        conn.execute("create table docs (id text primary key, kind text, lang text, city text, country text, "
                     "challenge text, year integer, title text, body text, "
                     "search tsvector generated always as (setweight(to_tsvector('simple', title), 'A') || "
                     "to_tsvector('simple', body)) stored)")
        with conn.cursor().copy("copy docs (id, kind, lang, city, country, challenge, year, title, body) from stdin") as copy:
            for row in rows(corpus, countries):
                copy.write_row(row)
        conn.execute("create index docs_search on docs using gin (search)")
        conn.execute("analyze docs")
        build = time.perf_counter() - start
        latencies, hits = [], []
        for q in queries + queries:
            text = " or ".join(q.split())
            t = time.perf_counter()
            conn.execute("select id, ts_headline('simple', body, q) from (select id, body, q from docs, "
                         "websearch_to_tsquery('simple', %s) q where search @@ q order by ts_rank(search, q) desc "
                         "limit 20) top", (text,)).fetchall()
            # One pass over the matches gives the total and every facet's counts (grouping sets).
            counts = conn.execute(
                f"with m as materialized (select {', '.join(FACETS)} from docs "
                "where search @@ websearch_to_tsquery('simple', %s)) "
                f"select grouping({', '.join(FACETS)}), {', '.join(FACETS)}, count(*) from m "
                f"group by grouping sets ((), {', '.join('(' + f + ')' for f in FACETS)})", (text,)).fetchall()
            total = next((row[-1] for row in counts if row[0] == (1 << len(FACETS)) - 1), 0)
            latencies.append(time.perf_counter() - t)
            hits.append(total)
        conn.execute("drop table docs")
    return build, latencies, hits


def main():
    engine, corpus, queries_file, cities_file, target = sys.argv[1:6]
    with open(cities_file, newline="", encoding="utf-8") as f:
        countries = {r["id"]: r["country"] for r in csv.DictReader(f)}
    queries = [q for q in Path(queries_file).read_text(encoding="utf-8").splitlines() if q.strip()]
    run = run_fts5 if engine == "fts5" else run_postgres
    build, latencies, hits = run(corpus, queries, countries, target)
    # Every query ran twice; the first round warmed the caches and is not counted.
    n = len(queries)
    print(json.dumps({"engine": engine, "build_seconds": build, "latencies": latencies[n:], "hits": hits[n:]}))


if __name__ == "__main__":
    main()
