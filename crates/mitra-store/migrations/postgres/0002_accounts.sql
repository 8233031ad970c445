-- Accounts, organisations and what lets them act: memberships, sessions, one-time links and API tokens.
-- The SQLite file of the same name creates the same tables; keep the two in step.

create table organisations (
    id text collate "C" primary key,
    kind text not null,
    name_en text not null,
    name_zh text,
    country text not null references countries (code),
    city_id text collate "C" references cities (id),
    website text,
    description_en text not null,
    description_zh text,
    -- pending until a platform admin approves; content of a pending organisation is not public.
    status text not null,
    rejection_reason text,
    created_at timestamptz not null
);
create index organisations_status on organisations (status, id);

create table accounts (
    id text collate "C" primary key,
    -- Lower-cased by the domain, so one address is one account.
    email text not null unique,
    password_hash text not null,
    display_name text not null,
    language text not null,
    time_zone text not null,
    platform_role text,
    email_verified_at timestamptz,
    -- Failed sign-ins since the last success, and until when sign-in is refused (exponential back-off).
    failed_logins bigint not null default 0,
    locked_until timestamptz,
    created_at timestamptz not null
);

create table memberships (
    account_id text collate "C" not null references accounts (id) on delete cascade,
    org_id text collate "C" not null references organisations (id) on delete cascade,
    role text not null,
    created_at timestamptz not null,
    primary key (account_id, org_id)
);
create index memberships_org on memberships (org_id);

-- Sessions live in the database so that several app nodes share them. The cookie holds a random id; only its
-- SHA-256 is stored. Anonymous sessions carry the CSRF token of sign-in and sign-up forms.
create table sessions (
    id_hash text primary key,
    account_id text collate "C" references accounts (id) on delete cascade,
    csrf_token text not null,
    created_at timestamptz not null,
    expires_at timestamptz not null
);
create index sessions_account on sessions (account_id);

-- One-time links sent by e-mail: address verification, password reset, invitation. Only the hash is stored.
create table one_time_tokens (
    token_hash text primary key,
    purpose text not null,
    account_id text collate "C" references accounts (id) on delete cascade,
    email text,
    org_id text collate "C" references organisations (id) on delete cascade,
    role text,
    created_at timestamptz not null,
    expires_at timestamptz not null,
    used_at timestamptz
);

create table api_tokens (
    id text collate "C" primary key,
    account_id text collate "C" not null references accounts (id) on delete cascade,
    name text not null,
    token_hash text not null unique,
    scope text not null,
    created_at timestamptz not null,
    last_used_at timestamptz,
    revoked_at timestamptz
);
create index api_tokens_account on api_tokens (account_id);

create index audit_log_actor on audit_log (actor, id);
create index audit_log_occurred on audit_log (occurred_at);
