-- Enrolments in training entries. Seats are not stored per enrolment: the first `seats` enrolments in order of
-- enrolment hold a seat and the rest wait, so a withdrawal or more seats moves the waiting list up by itself.
-- The PostgreSQL file of the same name makes the same change; keep the two in step.

create table enrolments (
    entry_id text not null references entries (id) on delete cascade,
    account_id text not null references accounts (id) on delete cascade,
    enrolled_at text not null,
    primary key (entry_id, account_id)
);

create index enrolments_in_order on enrolments (entry_id, enrolled_at, account_id);
