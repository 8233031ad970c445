-- Observations keyed by numbers: the city, indicator and source of each observation refer to a row of a small
-- numbering table, so the unique key (city, indicator, year, source) is four integers instead of three strings.
-- The key index is then a fraction of the size and an import writes it in order. The index on (indicator, year)
-- goes: the analytics panel reads every observation in key order, and an insert into a second index in another
-- order cost more than all the rest of an import.
-- The observations' numbers carry no foreign keys: only the store's import writes them, taking each number from its
-- numbering table in the same transaction, and cities and indicators are never deleted. On PostgreSQL each such key
-- costs a trigger run per row, which made an import of millions of rows several times slower.
-- The PostgreSQL file of the same name makes the same change; keep the two in step.

create table observation_cities (
    num integer primary key,
    city_id text not null unique references cities (id) on delete cascade
);

create table observation_indicators (
    num integer primary key,
    indicator_id text not null unique references indicators (id)
);

-- '' when the submitter named no source.
create table observation_sources (
    num integer primary key,
    source text not null unique
);

insert into observation_cities (city_id) select distinct city_id from observations order by city_id;
insert into observation_indicators (indicator_id) select distinct indicator_id from observations order by indicator_id;
insert into observation_sources (source) select distinct source from observations order by source;

create table observations_keyed (
    -- The rowid; observations are never deleted, so ids are not reused.
    id integer primary key,
    city integer not null,
    indicator integer not null,
    year integer not null,
    -- Part of the key, so two sources for one year can coexist.
    source integer not null,
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
    unique (city, indicator, year, source)
);

insert into observations_keyed (id, city, indicator, year, source, value, unit, original_value, original_unit, note,
                                status, status_reason, submitted_by, submitted_at, reviewed_by, reviewed_at)
select o.id, c.num, i.num, o.year, s.num, o.value, o.unit, o.original_value, o.original_unit, o.note, o.status,
       o.status_reason, o.submitted_by, o.submitted_at, o.reviewed_by, o.reviewed_at
from observations o
join observation_cities c on c.city_id = o.city_id
join observation_indicators i on i.indicator_id = o.indicator_id
join observation_sources s on s.source = o.source
order by o.id;

drop table observations;
alter table observations_keyed rename to observations;
