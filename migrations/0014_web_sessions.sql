-- Sessions of the web pages served by `ledger serve` (issue 25).
--
-- A user signs in once with the token `ledger users add` issued; the server answers with a session cookie holding a
-- fresh random secret (32 bytes), HttpOnly so that no script on the page can read it. As with tokens, only the
-- SHA-256 of the secret is stored: a copy of this table lets nobody act as a user. Every request looks the session
-- up, joined with its user, so signing out, expiry and revoking the user each take effect on the next request, on
-- every `ledger serve` process of the database alike.
--
-- Sessions are kept, not deleted, when they end: who was signed in when is part of what an auditor may ask.
create table ledger.web_sessions (
    session_hash bytea primary key,
    user_id uuid not null references ledger.api_users (user_id),
    created_at timestamptz not null default now(),
    expires_at timestamptz not null,
    signed_out_at timestamptz,
    constraint web_sessions_hash_length check (octet_length(session_hash) = 32),
    constraint web_sessions_expire_after_creation check (expires_at > created_at)
);

create index web_sessions_user on ledger.web_sessions (user_id, created_at);

-- A session only ends: signed out once, nothing else changes, nothing is removed.
create function ledger.guard_web_session_change() returns trigger
language plpgsql
as $$
begin
    if tg_op in ('DELETE', 'TRUNCATE') then
        raise exception using errcode = 'LE003', message = format(
            '%s on ledger.web_sessions is refused: sessions are kept when they end', tg_op);
    end if;
    if old.signed_out_at is not null or new.signed_out_at is null
       or new.session_hash <> old.session_hash or new.user_id <> old.user_id
       or new.created_at <> old.created_at or new.expires_at <> old.expires_at then
        raise exception using errcode = 'LE003', message =
            'UPDATE on ledger.web_sessions is refused: a session can only be signed out, once';
    end if;
    return new;
end
$$;

create trigger web_sessions_guard_update before update on ledger.web_sessions
    for each row execute function ledger.guard_web_session_change();
create trigger web_sessions_no_delete before delete on ledger.web_sessions
    for each row execute function ledger.guard_web_session_change();
create trigger web_sessions_no_truncate before truncate on ledger.web_sessions
    for each statement execute function ledger.guard_web_session_change();

grant select, insert, update (signed_out_at) on ledger.web_sessions to ledger_app;

analyze ledger.web_sessions;
