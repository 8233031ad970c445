-- Files attached to entries. The bytes live in the data directory under their SHA-256, so one file attached to two
-- entries is kept once; this table says which entry shows which file, under what name and type.
-- The PostgreSQL file of the same name makes the same change; keep the two in step.

create table attachments (
    entry_id text not null references entries (id) on delete cascade,
    sha256 text not null,
    name text not null,
    content_type text not null,
    size integer not null,
    created_by text not null,
    created_at text not null,
    primary key (entry_id, sha256)
);

create index attachments_by_file on attachments (sha256);
