-- Observations: a city's value for an indicator in a year, as submitted and reviewed; and each indicator's direction
-- (whether a lower or a higher value is better), which peer rankings respect.
-- The PostgreSQL file of the same name creates the same tables; keep the two in step.

alter table indicators add column direction text;

create table observations (
    -- The rowid; observations are never deleted, so ids are not reused.
    id integer primary key,
    city_id text not null references cities (id) on delete cascade,
    indicator_id text not null references indicators (id),
    year integer not null,
    -- '' when the submitter named no source; part of the key, so two sources for one year can coexist.
    source text not null,
    -- In the indicator's declared unit.
    value real not null,
    unit text,
    -- As submitted, when a unit conversion was applied.
    original_value real,
    original_unit text,
    note text,
    -- submitted, verified or rejected.
    status text not null,
    status_reason text,
    submitted_by text not null,
    submitted_at text not null,
    reviewed_by text,
    reviewed_at text,
    unique (city_id, indicator_id, year, source)
);
create index observations_indicator on observations (indicator_id, year);

-- A development tier set by a platform admin, in place of the one derived from income group and population.
create table city_tiers (
    city_id text primary key references cities (id) on delete cascade,
    tier text not null,
    set_by text not null,
    set_at text not null
);
