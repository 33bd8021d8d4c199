-- Who may use the HTTP API, and what they read.
--
-- Users hold bearer tokens issued by `ledger users add`. Only the SHA-256 of a token is stored: a copy of this
-- table (a backup, a replica) lets nobody act as a user. A token is 32 random bytes, so a plain hash is enough
-- (no salt or stretching is needed against guessing a 256-bit secret). A user is never deleted — the case history
-- names them as actor — only revoked, once, and a revoked user stays revoked.
create table ledger.api_users (
    user_id uuid primary key,
    name text not null,
    role text not null,
    -- The GB/T 2260 code the user works in (and everything under it); null for a national scope.
    region text,
    -- The law-enforcement certificate number (执法证号) of an officer; the domain identifies handlers, reviewers
    -- and approvers by it, so separation of duties is checked against it when present.
    certificate_number text,
    token_hash bytea not null,
    created_at timestamptz not null default now(),
    created_by text not null,
    revoked_at timestamptz,
    revoked_by text,
    constraint api_users_name_shape check (length(name) between 1 and 100 and name !~ '[[:cntrl:]]'),
    constraint api_users_role_known check (role in ('recorder', 'reviewer', 'approver', 'auditor', 'official', 'publisher')),
    constraint api_users_region_shape check (region is null or region ~ '^[0-9]{6}$'),
    constraint api_users_certificate_shape check (certificate_number is null or (length(certificate_number) between 1 and 64
        and certificate_number !~ '[[:cntrl:]]')),
    constraint api_users_token_hash_length check (octet_length(token_hash) = 32),
    constraint api_users_revocation_whole check ((revoked_at is null) = (revoked_by is null))
);

create unique index api_users_token_hash on ledger.api_users (token_hash);
-- One active user per name: the name is what case histories show as the actor.
create unique index api_users_active_name on ledger.api_users (name) where revoked_at is null;

create function ledger.guard_user_change() returns trigger
language plpgsql
as $$
begin
    if tg_op in ('DELETE', 'TRUNCATE') then
        raise exception using errcode = 'LE003', message = format(
            '%s on ledger.api_users is refused: users are never removed, only revoked (case histories name them)', tg_op);
    end if;
    if old.revoked_at is not null
       or new.user_id <> old.user_id or new.name <> old.name or new.role <> old.role
       or new.region is distinct from old.region or new.certificate_number is distinct from old.certificate_number
       or new.token_hash <> old.token_hash or new.created_at <> old.created_at or new.created_by <> old.created_by then
        raise exception using errcode = 'LE003', message =
            'UPDATE on ledger.api_users is refused: a user can only be revoked, once (issue a new user for a new role, region or token)';
    end if;
    return new;
end
$$;

create trigger api_users_guard_update before update on ledger.api_users
    for each row execute function ledger.guard_user_change();
create trigger api_users_no_delete before delete on ledger.api_users
    for each row execute function ledger.guard_user_change();
create trigger api_users_no_truncate before truncate on ledger.api_users
    for each statement execute function ledger.guard_user_change();

-- Every read of a case through the API: who, when, which case, through which endpoint, and the purpose the
-- reader stated (《个人信息保护法》 art. 6 — personal data is processed for a stated purpose; auditors check it).
-- Append-only like the ledger: a read that happened stays recorded.
create table ledger.case_reads (
    read_id bigint generated always as identity primary key,
    read_at timestamptz not null default now(),
    user_id uuid not null references ledger.api_users (user_id),
    user_name text not null,
    role text not null,
    case_id text not null,
    -- The case's region when read, so auditors of a region see the reads of its cases without a join.
    region text not null,
    endpoint text not null,
    purpose text,
    constraint case_reads_purpose_length check (purpose is null or length(purpose) <= 500)
);

create index case_reads_case on ledger.case_reads (case_id, read_id);
create index case_reads_user on ledger.case_reads (user_id, read_id);
create index case_reads_region on ledger.case_reads (region, read_id);

create function ledger.refuse_read_log_rewrite() returns trigger
language plpgsql
as $$
begin
    raise exception using errcode = 'LE003', message = format(
        '%s on ledger.case_reads is refused: the record of who read a case is never changed or removed', tg_op);
end
$$;

create trigger case_reads_no_update before update on ledger.case_reads
    for each row execute function ledger.refuse_read_log_rewrite();
create trigger case_reads_no_delete before delete on ledger.case_reads
    for each row execute function ledger.refuse_read_log_rewrite();
create trigger case_reads_no_truncate before truncate on ledger.case_reads
    for each statement execute function ledger.refuse_read_log_rewrite();

grant select, insert, update on ledger.api_users to ledger_app;
grant select, insert on ledger.case_reads to ledger_app;
