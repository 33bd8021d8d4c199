-- The artefacts of typical-case publications (十大典型案例), byte for byte as published.
--
-- The publication event records each artefact's SHA-256; the bytes are kept here so that an official can hand out
-- exactly what was published and an auditor can check it against the event (and render the edition again from the
-- selection's stream and compare). A corrected edition is a new row set; an earlier edition is never changed or
-- removed. Written in the same transaction as the publication event.
create table ledger.published_artefacts (
    stream_id text not null,
    edition integer not null,
    format text not null,
    media_type text not null,
    sha256 text not null,
    content bytea not null,
    recorded_at timestamptz not null default now(),
    primary key (stream_id, edition, format),
    constraint published_artefacts_edition_positive check (edition >= 1),
    constraint published_artefacts_format_known check (format in ('html', 'markdown', 'json')),
    constraint published_artefacts_hash_shape check (sha256 ~ '^[0-9a-f]{64}$'),
    -- The stored bytes are the bytes hashed: a row cannot claim a hash its content does not have.
    constraint published_artefacts_hash_matches check (encode(sha256(content), 'hex') = sha256)
);

create function ledger.refuse_artefact_rewrite() returns trigger
language plpgsql
as $$
begin
    raise exception using errcode = 'LE003', message = format(
        '%s on ledger.published_artefacts is refused: a published edition is never changed or removed; a correction is a new edition', tg_op);
end
$$;

create trigger published_artefacts_no_update before update on ledger.published_artefacts
    for each row execute function ledger.refuse_artefact_rewrite();
create trigger published_artefacts_no_delete before delete on ledger.published_artefacts
    for each row execute function ledger.refuse_artefact_rewrite();
create trigger published_artefacts_no_truncate before truncate on ledger.published_artefacts
    for each statement execute function ledger.refuse_artefact_rewrite();

grant select, insert on ledger.published_artefacts to ledger_app;
