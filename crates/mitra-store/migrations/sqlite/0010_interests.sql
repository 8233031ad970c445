-- Expressions of interest in opportunities (projects, solutions, funding calls), their threads, and what the parties
-- are told about them. A thread belongs to the opportunity and to the organisation that expressed interest; the
-- publishing side is always the opportunity's current owner, so rights follow the entry and are not copied here.
-- At most one thread per opportunity and organisation is still going (open, in discussion or agreed); a closed one
-- stays readable and a new one may start.
-- The PostgreSQL file of the same name makes the same change; keep the two in step.

create table interests (
    id text primary key,
    entry_id text not null references entries (id) on delete cascade,
    interested_org text not null references organisations (id) on delete cascade,
    status text not null,
    created_by text not null,
    created_at text not null,
    updated_at text not null
);

create unique index interests_one_going on interests (entry_id, interested_org)
    where status in ('open', 'in-discussion', 'agreed');
create index interests_by_org on interests (interested_org, updated_at);
create index interests_by_entry on interests (entry_id, updated_at);

-- The messages of a thread in the order written; `side` says for which party. The author is an account, or null for
-- the operator at the command line.
create table interest_messages (
    interest_id text not null references interests (id) on delete cascade,
    position integer not null,
    side text not null,
    author text references accounts (id) on delete set null,
    body text not null,
    created_at text not null,
    primary key (interest_id, position)
);

-- What happened in a thread, told to each account of the other side: read in the app, mailed as it happens or in
-- daily or weekly digests.
create table notifications (
    id integer primary key autoincrement,
    account_id text not null references accounts (id) on delete cascade,
    kind text not null,
    interest_id text not null references interests (id) on delete cascade,
    -- The organisation whose action it reports.
    from_org text not null references organisations (id) on delete cascade,
    created_at text not null,
    read_at text,
    mailed_at text
);

create index notifications_by_account on notifications (account_id, id);
create index notifications_to_mail on notifications (account_id, id) where mailed_at is null;

-- How often an account is mailed; an account without a row is mailed a daily digest.
create table notification_settings (
    account_id text primary key references accounts (id) on delete cascade,
    mail text not null,
    last_digest_at text
);
