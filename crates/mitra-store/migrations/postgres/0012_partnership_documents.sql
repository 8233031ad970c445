-- The signed agreement of a partnership, uploaded as a file. The bytes live in the data directory under their SHA-256,
-- beside the files attached to entries; a partnership keeps one document, and a new upload replaces it.
-- The SQLite file of the same name makes the same change; keep the two in step.

create table partnership_documents (
    partnership_id text collate "C" primary key references partnerships (id) on delete cascade,
    sha256 text collate "C" not null,
    name text not null,
    content_type text not null,
    size bigint not null,
    created_by text not null,
    created_at timestamptz not null
);

create index partnership_documents_by_file on partnership_documents (sha256);
