"""DuckDB's side of the percentile benchmark: the same data and the same ranks in SQL.

Run by bench/run.py as `python duckdb_panel.py DIR GROUPING`; prints one JSON line.
"""

import json
import sys
import time

import duckdb


def main() -> None:
    directory, grouping = sys.argv[1], sys.argv[2]
    con = duckdb.connect()
    load = time.perf_counter()
    con.execute(
        f"create table panel as select * from read_csv('{directory}/panel.csv', header = true, "
        "columns = {'city': 'INTEGER', 'indicator': 'INTEGER', 'year': 'INTEGER', 'value': 'DOUBLE'})"
    )
    con.execute(
        f"create table groups as select * from read_csv('{directory}/groups.csv', header = true, "
        "columns = {'city': 'INTEGER', 'region': 'INTEGER', 'country': 'INTEGER', 'band': 'INTEGER', 'tier': 'INTEGER'})"
    )
    con.execute(
        f"create table directions as select * from read_csv('{directory}/directions.csv', header = true, "
        "columns = {'indicator': 'INTEGER', 'lower_is_better': 'INTEGER'})"
    )
    loaded = time.perf_counter() - load
    keyed = f"""
        with keyed as (
            select p.city, p.indicator, p.year, g.{grouping} as grp,
                   case when d.lower_is_better = 1 then -p.value else p.value end as k
            from panel p join groups g using (city) join directions d using (indicator)
        )"""
    # Two equivalent statements of the mid-rank percentile (values worse than this one, plus half the ties, itself
    # included, over the group size); DuckDB is measured on both and the faster counts.
    statements = {
        # rank() plus a second window over the ties.
        "rank and ties": f"""
        create or replace table ranks as {keyed}
        select city, indicator, year,
               100.0 * ((rank() over (partition by indicator, year, grp order by k) - 1)
                        + 0.5 * count(*) over (partition by indicator, year, grp, k))
                     / count(*) over (partition by indicator, year, grp) as percentile
        from keyed
        """,
        # One window: rank() - 1 counts the values below, cume_dist() * n those below and equal, so
        # ((rank - 1) + cume_dist * n) / 2n is (below + equal / 2) / n.
        "one window (rank, cume_dist)": f"""
        create or replace table ranks as {keyed}
        select city, indicator, year,
               100.0 * ((rank() over w - 1) + cume_dist() over w * count(*) over w) / (2 * count(*) over w)
                   as percentile
        from keyed
        window w as (partition by indicator, year, grp order by k
                     rows between unbounded preceding and unbounded following)
        """,
    }
    runs = []
    for name, sql in statements.items():
        start = time.perf_counter()
        con.execute(sql)
        seconds = time.perf_counter() - start
        rows, checksum = con.execute(
            "select count(*), sum(percentile * (city % 97 + 1)) from ranks"
        ).fetchone()
        runs.append({"sql": name, "seconds": round(seconds, 3), "rows": rows, "checksum": checksum})
    fastest = min(runs, key=lambda r: r["seconds"])
    print(
        json.dumps(
            {
                "tool": "duckdb",
                "version": duckdb.__version__,
                "rows": fastest["rows"],
                "load_seconds": round(loaded, 3),
                "seconds": fastest["seconds"],
                "sql": fastest["sql"],
                "checksum": fastest["checksum"],
                "runs": runs,
            }
        )
    )


if __name__ == "__main__":
    main()
