-- Entries of the knowledge exchange. The entry itself (texts per language, header, details of its kind) is one JSON
-- document, checked by the domain before it is written; the columns beside it are what the store looks up by.
-- Listing, filtering and facets go through the search index, which is built from this table and the change feed.
-- The PostgreSQL file of the same name makes the same change; keep the two in step.

create table entries (
    id text primary key,
    kind text not null,
    -- The organisation that publishes it; null for entries loaded with the platform (demo content).
    owner_org text references organisations (id) on delete set null,
    document text not null,
    created_by text not null,
    created_at text not null,
    updated_by text not null,
    updated_at text not null
);

create index entries_by_kind on entries (kind, id);
create index entries_by_owner on entries (owner_org, id);
