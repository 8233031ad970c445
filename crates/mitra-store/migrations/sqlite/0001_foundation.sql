-- Mitra's first schema: reference data (countries, cities, standards, indicators, crosswalk, focus areas) and the
-- journal (audit log and change feed) that every later write appends to in the same transaction.
-- The PostgreSQL file of the same name creates the same tables; keep the two in step.

-- Who did what, when, with the entity before and after (JSON). Read by people: admins, auditors.
create table audit_log (
    id integer primary key autoincrement,
    occurred_at text not null,
    actor text not null,
    action text not null,
    entity text not null,
    entity_id text not null,
    before_json text,
    after_json text
);
create index audit_log_entity on audit_log (entity, entity_id);

-- What changed, in commit order. Read by machines: the search index and analytics caches follow it by `seq`.
create table change_feed (
    seq integer primary key autoincrement,
    occurred_at text not null,
    entity text not null,
    entity_id text not null,
    operation text not null
);

-- Which version of the shipped reference data was loaded, so a start with the same data does nothing.
create table reference_loads (
    id integer primary key autoincrement,
    version integer not null,
    content_hash text not null,
    loaded_at text not null,
    summary text not null
);

-- Demo packs loaded by `serve --demo`; each is loaded once.
create table demo_loads (
    pack text primary key,
    loaded_at text not null
);

create table countries (
    code text primary key,
    iso3 text not null,
    name_en text not null,
    name_zh text,
    region text not null
);

create table cities (
    id text primary key,
    name_en text not null,
    name_zh text,
    name_local text,
    local_lang text,
    country text not null references countries (code),
    admin1 text,
    latitude real not null,
    longitude real not null,
    timezone text not null,
    population integer,
    population_year integer,
    population_source text,
    geonames_id integer,
    wup_city_code integer
);
create index cities_country on cities (country);

create table city_networks (
    city_id text not null references cities (id) on delete cascade,
    network text not null,
    primary key (city_id, network)
);
create index city_networks_network on city_networks (network, city_id);

create table city_populations (
    city_id text not null references cities (id) on delete cascade,
    year integer not null,
    population integer not null,
    kind text not null,
    source text not null,
    primary key (city_id, year, source)
);

create table standards (
    id text primary key,
    code text not null,
    title text not null,
    publisher text not null,
    coverage_note text not null,
    source text not null
);

create table indicators (
    id text primary key,
    standard_id text not null references standards (id),
    code text not null,
    title_en text not null,
    title_zh text,
    -- 'published' when the English title is the standard's own wording, 'translation' when it is a translation.
    title_en_origin text not null,
    theme text not null,
    sub_theme text,
    kind text not null,
    unit text,
    parent_id text references indicators (id),
    weight_percent real,
    position integer not null,
    source text not null
);
create index indicators_standard on indicators (standard_id, position);

create table crosswalk (
    from_indicator_id text not null references indicators (id),
    to_indicator_id text not null references indicators (id),
    relation text not null,
    basis text not null,
    note text not null,
    source text not null,
    primary key (from_indicator_id, to_indicator_id)
);
create index crosswalk_to on crosswalk (to_indicator_id);

create table focus_areas (
    id text primary key,
    name_en text not null,
    position integer not null,
    source text not null
);
