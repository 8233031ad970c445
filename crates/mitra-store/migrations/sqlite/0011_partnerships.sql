-- City partnerships: a tie between two cities, proposed by one city's government to the other (or recorded from a
-- published list of ties), discussed in a thread, signed, worked on through dated activities, and ended. Only the
-- two cities' governments act on it, so rights follow the cities and no organisation is copied here but the one
-- that proposed it, for the record. At most one partnership per pair of cities is going (not completed or
-- declined), whichever city proposed it.
-- Notifications now tell about partnerships as well as expressions of interest: each names exactly one of them,
-- and a notification Mitra itself sends (a dormancy alert) names no acting organisation.
-- The PostgreSQL file of the same name makes the same change; keep the two in step.

create table partnerships (
    id text primary key,
    -- The proposing city (the first city of a recorded tie) and the invited one.
    city_a text not null references cities (id),
    city_b text not null references cities (id),
    -- The pair in id order, for the one-going rule whichever side proposed.
    pair_low text not null,
    pair_high text not null,
    kind text not null,
    status text not null,
    origin text not null,
    -- For a recorded tie: the file and line it comes from.
    source text,
    title text not null,
    proposed_by_org text references organisations (id) on delete set null,
    signed_on text,
    signatories text,
    document text,
    work_plan text,
    -- The last day of the latest activity, or the signing day: what dormancy counts from.
    last_active_on text,
    created_by text not null,
    created_at text not null,
    updated_at text not null,
    check (city_a <> city_b)
);

create unique index partnerships_one_going on partnerships (pair_low, pair_high)
    where status not in ('completed', 'declined');
create index partnerships_by_city_a on partnerships (city_a, updated_at);
create index partnerships_by_city_b on partnerships (city_b, updated_at);
create index partnerships_by_status on partnerships (status, last_active_on);

-- The thread of a partnership, in the order written; `side` is proposer or invited.
create table partnership_messages (
    partnership_id text not null references partnerships (id) on delete cascade,
    position integer not null,
    side text not null,
    author text references accounts (id) on delete set null,
    body text not null,
    created_at text not null,
    primary key (partnership_id, position)
);

-- What the two cities did together.
create table partnership_activities (
    id text primary key,
    partnership_id text not null references partnerships (id) on delete cascade,
    kind text not null,
    title text not null,
    starts_on text not null,
    ends_on text,
    host text,
    participants integer,
    participant_names text,
    description text,
    -- An event entry that announces it, when there is one.
    event_entry_id text references entries (id) on delete set null,
    created_by text not null,
    author text references accounts (id) on delete set null,
    created_at text not null
);

create index partnership_activities_by_partnership on partnership_activities (partnership_id, starts_on);
create index partnership_activities_by_event on partnership_activities (event_entry_id);

-- Indicators a partnership means to move, for one of its cities: before and after values are read from the
-- observations at every query, never copied.
create table partnership_outcomes (
    partnership_id text not null references partnerships (id) on delete cascade,
    city_id text not null references cities (id),
    indicator_id text not null,
    note text,
    created_by text not null,
    created_at text not null,
    primary key (partnership_id, city_id, indicator_id)
);

create table notifications_new (
    id integer primary key autoincrement,
    account_id text not null references accounts (id) on delete cascade,
    kind text not null,
    interest_id text references interests (id) on delete cascade,
    partnership_id text references partnerships (id) on delete cascade,
    from_org text references organisations (id) on delete cascade,
    created_at text not null,
    read_at text,
    mailed_at text,
    check ((interest_id is null) <> (partnership_id is null))
);

insert into notifications_new (id, account_id, kind, interest_id, from_org, created_at, read_at, mailed_at)
    select id, account_id, kind, interest_id, from_org, created_at, read_at, mailed_at from notifications;
drop table notifications;
alter table notifications_new rename to notifications;

create index notifications_by_account on notifications (account_id, id);
create index notifications_to_mail on notifications (account_id, id) where mailed_at is null;
