-- Entries of organisations that are not approved yet wait for a platform admin, as the organisations themselves
-- do: only approved entries are searched, fed and shown to everyone; a rejected one carries the reason its
-- authors read. Entries written before this change were all published by approved organisations or the platform.
-- The PostgreSQL file of the same name makes the same change; keep the two in step.

alter table entries add column status text not null default 'approved';
alter table entries add column rejection_reason text;

create index entries_by_status on entries (status, id);
