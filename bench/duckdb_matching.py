"""DuckDB's side of the matching benchmark: the same projects and calls, the same eligibility filters and fit score
in SQL, the top 10 per project; then the comparison with Mitra's top 10s (`mitra-top10.csv`, written by
`mitra-bench matching`).

Run by bench/run.py as `python duckdb_matching.py DIR TODAY`; prints one JSON line.
"""

import json
import sys
import time

import duckdb

# The weights and terms of mitra_domain::matching (see the module's documentation), as the same f64 values.
W_FOCUS, W_CHALLENGE, W_AMOUNT, W_READINESS, W_COUNTRY = 0.35, 0.15, 0.15, 0.2, 0.15
FOCUS_OPEN, AMOUNT_UNCHECKED, COUNTRY_OPEN = 0.5, 0.5, 0.5
READINESS_CRITERIA = 8
# Scores agree to this; the two sides compute each in the same order of the same operations on doubles.
TOLERANCE = 1e-9


def d(x: float) -> str:
    return f"{x!r}::double"


def score(p: str, c: str) -> str:
    """The fit, term by term in Mitra's order."""
    return f"""(
        {d(W_FOCUS)} * (case when {c}.focus_mask = 0 then {d(FOCUS_OPEN)}
                         else bit_count({p}.focus_mask & {c}.focus_mask)::double / bit_count({p}.focus_mask)::double end)
      + {d(W_CHALLENGE)} * (case when {p}.challenge_mask = 0 then 0::double
                         else bit_count({p}.challenge_mask & {c}.challenge_mask)::double
                              / bit_count({p}.challenge_mask)::double end)
      + {d(W_AMOUNT)} * (case when {p}.capital_usd is not null and {c}.min_usd is not null and {c}.max_usd is not null
                         then 1::double else {d(AMOUNT_UNCHECKED)} end)
      + {d(W_READINESS)} * (least({p}.readiness, {READINESS_CRITERIA})::double / {READINESS_CRITERIA}::double)
      + {d(W_COUNTRY)} * (case when len({c}.countries) > 0 then 1::double else {d(COUNTRY_OPEN)} end)
    )"""


def filters(p: str, c: str) -> str:
    """Eligibility other than the country and the stage, which each statement handles its own way."""
    return f"""({c}.focus_mask = 0 or ({p}.focus_mask & {c}.focus_mask) <> 0)
        and ({p}.capital_usd is null
             or (({c}.min_usd is null or {p}.capital_usd >= {c}.min_usd)
                 and ({c}.max_usd is null or {p}.capital_usd <= {c}.max_usd)))"""


def main() -> None:
    directory, today = sys.argv[1], sys.argv[2]
    con = duckdb.connect()
    load = time.perf_counter()
    con.execute(
        f"create table projects as select * from read_csv('{directory}/projects.csv', header = true, columns = {{"
        "'id': 'VARCHAR', 'country': 'VARCHAR', 'focus': 'VARCHAR', 'focus_mask': 'BIGINT', 'challenges': 'VARCHAR', "
        "'challenge_mask': 'BIGINT', 'stage': 'VARCHAR', 'capital_usd': 'DOUBLE', 'readiness': 'INTEGER'})"
    )
    con.execute(
        f"create table calls as select * exclude (countries), "
        "list_filter(string_split(coalesce(countries, ''), ';'), lambda x: x <> '') as countries "
        f"from read_csv('{directory}/calls.csv', header = true, columns = {{"
        "'id': 'VARCHAR', 'instrument': 'VARCHAR', 'min_usd': 'DOUBLE', 'max_usd': 'DOUBLE', 'countries': 'VARCHAR', "
        "'focus': 'VARCHAR', 'focus_mask': 'BIGINT', 'challenges': 'VARCHAR', 'challenge_mask': 'BIGINT', "
        "'deadline': 'DATE'})"
    )
    con.execute(
        f"create table stage_fits as select * from read_csv('{directory}/stage_fits.csv', header = true, "
        "columns = {'instrument': 'VARCHAR', 'stage': 'VARCHAR'})"
    )
    con.execute(
        f"create table mitra as select * from read_csv('{directory}/mitra-top10.csv', header = true, "
        "columns = {'project': 'VARCHAR', 'rank': 'INTEGER', 'call': 'VARCHAR', 'score': 'DOUBLE'})"
    )
    loaded = time.perf_counter() - load
    open_call = f"(c.deadline is null or c.deadline >= date '{today}')"
    def top10(pairs: str) -> str:
        return f"""
        create or replace table top10 as
        select *, row_number() over (partition by project order by score desc, call) as rank
        from ({pairs}) as pairs
        qualify rank <= 10
        """

    statements = {
        # The form: every pair, the filters in the where clause, row_number() per project.
        "every pair, filters in where": top10(f"""
        select p.id as project, c.id as call, {score('p', 'c')} as score
        from projects p, calls c
        where (len(c.countries) = 0 or list_contains(c.countries, p.country))
          and {open_call}
          and exists (select 1 from stage_fits s where s.instrument = c.instrument and s.stage = p.stage)
          and {filters('p', 'c')}
        """),
        # Filing calls by country as Mitra does: hash joins on the country (or '*' for calls open to all) and on
        # the stage table, so only the calls a project may be eligible for by country and stage are paired.
        "hash joins on country and stage": top10(f"""
        with open_calls as (select * from calls c where {open_call}),
        call_keys as (
            select c.*, unnest(case when len(c.countries) = 0 then ['*'] else c.countries end) as key
            from open_calls c
        ),
        project_keys as (select p.*, unnest([p.country, '*']) as key from projects p)
        select p.id as project, c.id as call, {score('p', 'c')} as score
        from project_keys p
        join stage_fits s on s.stage = p.stage
        join call_keys c on c.key = p.key and c.instrument = s.instrument
        where {filters('p', 'c')}
        """),
    }
    runs = []
    for name, sql in statements.items():
        start = time.perf_counter()
        con.execute(sql)
        seconds = time.perf_counter() - start
        rows = con.execute("select count(*) from top10").fetchone()[0]
        different = con.execute(
            f"""select count(*) from top10 t full outer join mitra m on m.project = t.project and m.rank = t.rank
                where t.call is distinct from m.call or m.score is null or t.score is null
                   or abs(m.score - t.score) > {TOLERANCE}"""
        ).fetchone()[0]
        max_difference = con.execute(
            "select coalesce(max(abs(m.score - t.score)), 0) from top10 t join mitra m using (project, rank)"
        ).fetchone()[0]
        runs.append(
            {"sql": name, "seconds": round(seconds, 3), "rows": rows, "different": different,
             "max_score_difference": max_difference}
        )
    fastest = min(runs, key=lambda r: r["seconds"])
    print(
        json.dumps(
            {
                "tool": "duckdb",
                "version": duckdb.__version__,
                "load_seconds": round(loaded, 3),
                "seconds": fastest["seconds"],
                "sql": fastest["sql"],
                "rows": fastest["rows"],
                "mitra_rows": con.execute("select count(*) from mitra").fetchone()[0],
                "runs": runs,
            }
        )
    )


if __name__ == "__main__":
    main()
