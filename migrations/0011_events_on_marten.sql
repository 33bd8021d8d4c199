-- The ledger's events move into Marten's tables (0010), and keep every guarantee they had.
--
-- Marten appends (the application calls it, Quick mode); the database makes each row an audit record, whoever
-- inserts it: ledger.record_event, a BEFORE INSERT trigger on mt_events, stamps the server's clock (recorded_at),
-- the transaction id (commit-order reading) and the event's link in its stream's hash chain, and refuses what the
-- ledger would not record. Triggers keep both tables append-only for every role, the owner included. Existing
-- events are copied with their positions, instants, transaction ids and hashes, so every chain, leaf, checkpoint
-- and proof stays valid; the old tables stay, renamed and frozen (events are never deleted). The old append
-- functions are dropped: no path appends outside Marten.
--
-- ledger.events and ledger.streams become views of Marten's tables under the old column names, so readers (the
-- verifiable log, projections, the verifier, case reads) read them as before.

-- What the ledger adds to Marten's event row. Marten lists the columns it writes, so these are filled by the
-- trigger below; AutoCreate.None keeps Marten from dropping them (it would under CreateOrUpdate).
alter table ledger.mt_events
    add column recorded_at timestamptz not null,
    add column transaction_id xid8 not null default pg_current_xact_id(),
    add column previous_hash ledger.sha256_digest not null,
    add column hash ledger.sha256_digest not null;

-- The column rules of 0001/0008 (stream id and type shape, versions, type names, JSON objects) are checked by the
-- triggers below, not by table CHECK constraints on Marten's columns (whose types are Marten's, so no domain either):
-- PostgreSQL reads a table's CHECK constraints back from their stored text and compiles them for every INSERT
-- statement, and Marten inserts a new stream's rows as plain statements. Measured with asynchronous commits, Marten
-- appending to these tables did 1,312 single-event appends/s with the constraints and 2,822/s without
-- (docs/performance.md). A trigger function's expressions are compiled once per session.

-- Commit-order reading (Emmett's technique, as in 0001): (transaction id, position).
create index mt_events_commit_order on ledger.mt_events (transaction_id, seq_id);

-- The existing record, unchanged. Imported events' Marten timestamp is when the ledger received them.
insert into ledger.mt_streams (id, type, version, timestamp, created)
select stream_id, stream_type, version, updated_at, created_at from ledger.streams;
insert into ledger.mt_events (seq_id, id, stream_id, version, data, type, timestamp, headers,
                              recorded_at, transaction_id, previous_hash, hash)
select position, event_id, stream_id, version, data, event_type,
       coalesce((metadata ->> 'imported_at')::timestamptz, recorded_at), metadata,
       recorded_at, transaction_id, previous_hash, hash
from ledger.events order by position;
select setval('ledger.mt_events_sequence', coalesce((select max(position) from ledger.events), 1),
              exists (select from ledger.events));

drop function ledger.append_first_event(text, text, uuid, text, jsonb, jsonb);
drop function ledger.append_events(text, text, bigint, uuid[], text[], jsonb[], jsonb, timestamptz);
alter table ledger.events rename to events_before_marten;
alter table ledger.streams rename to streams_before_marten;
revoke all on ledger.events_before_marten, ledger.streams_before_marten from ledger_app;

-- The audit record of one event, made by the database whoever inserts it:
--   * metadata (Marten's headers) is a JSON object naming the actor; imported_at is the ledger's to stamp;
--   * recorded_at is the server's clock, never earlier than the stream's previous event, and the same for every
--     event one transaction appends to a stream (one instant per append, as before). An import passes its source's
--     instant in the header recorded_in_source: never in the future, never before the previous event, and with the
--     source named; the header is removed and imported_at (the server's clock) added, inside what the hash covers;
--   * Marten's own timestamp is the server's clock too (Quick mode would write local time as UTC, 8 hours early
--     under Asia/Shanghai);
--   * transaction_id is the inserting transaction's, whatever was supplied; Marten's CLR type name is not kept;
--   * previous_hash is the hash of the stream's previous version (32 zero bytes before version 1), and hash is
--     ledger.event_hash over the row as stored, so a verifier recomputes it from the row alone.
create function ledger.record_event() returns trigger
language plpgsql
as $$
declare
    v_now timestamptz := clock_timestamp();
    v_previous_hash bytea;
    v_previous_recorded timestamptz;
    v_previous_transaction xid8;
    v_source timestamptz;
begin
    -- The column rules, each named as the constraint it replaces.
    if NEW.stream_id is null or NEW.id is null or NEW.type is null or NEW.data is null or NEW.version is null then
        raise exception using errcode = 'not_null_violation',
            message = 'an event names its stream, id, type, version and data: the hash covers each';
    end if;
    if length(NEW.stream_id) not between 1 and 200 or NEW.stream_id ~ '[[:cntrl:]]' then
        raise exception using errcode = 'check_violation', constraint = 'stream_id_shape', message =
            'event breaks rule "stream_id_shape": a stream id has 1 to 200 characters, none a control character';
    end if;
    if NEW.version < 1 then
        raise exception using errcode = 'check_violation', constraint = 'event_version_positive', message =
            format('event breaks rule "event_version_positive": versions count from 1 (got %s)', NEW.version);
    end if;
    if length(NEW.type) > 100 or NEW.type !~ '^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*\.v[1-9][0-9]*$' then
        raise exception using errcode = 'check_violation', constraint = 'event_type_shape', message = format(
            'event breaks rule "event_type_shape": a type is an explicit versioned name such as case_filed.v1 (got %s)', NEW.type);
    end if;
    if jsonb_typeof(NEW.data) <> 'object' or NEW.headers is null or jsonb_typeof(NEW.headers) <> 'object' then
        raise exception using errcode = 'check_violation', constraint = 'json_value_is_object', message =
            'event breaks rule "json_value_is_object": its data and its metadata are JSON objects';
    end if;
    if jsonb_typeof(NEW.headers -> 'actor') is distinct from 'string' or btrim(NEW.headers ->> 'actor') = '' then
        raise exception using errcode = 'LE006', message = 'metadata.actor is required: every event records who recorded it';
    end if;
    if NEW.headers ? 'imported_at' then
        raise exception using errcode = 'LE006', message = 'metadata.imported_at is stamped by the ledger on import, never supplied by the writer';
    end if;

    if NEW.version = 1 then
        v_previous_hash := '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea;
    else
        select e.hash, e.recorded_at, e.transaction_id into v_previous_hash, v_previous_recorded, v_previous_transaction
        from ledger.mt_events e where e.stream_id = NEW.stream_id and e.version = NEW.version - 1;
        if not found then
            raise exception using errcode = 'LE007', message = format(
                'stream %s has no version %s before version %s: a stream''s versions are contiguous', NEW.stream_id, NEW.version - 1, NEW.version);
        end if;
    end if;

    if NEW.headers ? 'recorded_in_source' then
        if jsonb_typeof(NEW.headers -> 'source') is distinct from 'string' or btrim(NEW.headers ->> 'source') = '' then
            raise exception using errcode = 'LE004', message =
                'an import with a source recording instant names its source system in metadata.source';
        end if;
        v_source := (NEW.headers ->> 'recorded_in_source')::timestamptz;
        if v_source > v_now then
            raise exception using errcode = 'LE004', message = format(
                'the source recording instant %s is later than the ledger''s clock (%s): nothing is recorded in the future',
                v_source, v_now);
        end if;
        if v_source < v_previous_recorded then
            raise exception using errcode = 'LE004', message = format(
                'the source recording instant %s is earlier than the last event of stream %s (%s): a stream''s events are recorded in order',
                v_source, NEW.stream_id, v_previous_recorded);
        end if;
        NEW.recorded_at := v_source;
        NEW.headers := (NEW.headers - 'recorded_in_source')
            || jsonb_build_object('imported_at', to_char(v_now at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'));
    elsif v_previous_transaction = pg_current_xact_id() then
        NEW.recorded_at := v_previous_recorded;
    else
        NEW.recorded_at := greatest(v_now, v_previous_recorded);
    end if;

    NEW.timestamp := v_now;
    -- Marten also writes the CLR type's name (mt_dotnet_type) to fall back on for a type it cannot name; the ledger
    -- stores explicit names only, so that code can be renamed without rewriting history.
    NEW.mt_dotnet_type := null;
    NEW.transaction_id := pg_current_xact_id();
    NEW.previous_hash := v_previous_hash;
    -- ledger.event_hash, inlined (a call costs more than the hashing); the contract tests recompute every stored hash
    -- with ledger.event_hash, so the two cannot drift apart unseen.
    NEW.hash := sha256(v_previous_hash || convert_to(
        'ledger.event.v1' || E'\n' || NEW.stream_id || E'\n' || NEW.version::text || E'\n' || NEW.id::text
        || E'\n' || NEW.type || E'\n' || ((extract(epoch from NEW.recorded_at) * 1000000)::bigint)::text
        || E'\n' || NEW.data::text || E'\n' || NEW.headers::text, 'UTF8'));
    return NEW;
end
$$;

create trigger mt_events_record before insert on ledger.mt_events
    for each row execute function ledger.record_event();

-- Append-only, for every role, the owner included. This prevents; the hash chain and the verifiable log detect what a
-- superuser does with triggers off. Marten features that update or delete event rows are therefore refused here and
-- never used: archiving (mt_archive_stream), tombstoning, masking/overwriting, compacting, Clean.
create function ledger.refuse_marten_event_rewrite() returns trigger
language plpgsql
as $$
begin
    raise exception using errcode = 'LE003', message = format(
        '%s on ledger.mt_events is refused: the event store is append-only; record a correcting event instead', TG_OP);
end
$$;

create trigger mt_events_no_update before update on ledger.mt_events
    for each row execute function ledger.refuse_marten_event_rewrite();
create trigger mt_events_no_delete before delete on ledger.mt_events
    for each row execute function ledger.refuse_marten_event_rewrite();
create trigger mt_events_no_truncate before truncate on ledger.mt_events
    for each statement execute function ledger.refuse_marten_event_rewrite();

-- A stream row keeps the column rules, and may only move forward: Marten raises its version (to one its events reach)
-- and timestamp, and the ledger records the type of a stream Marten created without one. Nothing else changes, and no
-- stream row goes away.
create function ledger.guard_marten_stream() returns trigger
language plpgsql
as $$
begin
    if TG_OP in ('DELETE', 'TRUNCATE') then
        raise exception using errcode = 'LE003', message = format(
            '%s on ledger.mt_streams is refused: streams are never removed', TG_OP);
    end if;
    if length(NEW.id) not between 1 and 200 or NEW.id ~ '[[:cntrl:]]' then
        raise exception using errcode = 'check_violation', constraint = 'stream_id_shape', message =
            'stream breaks rule "stream_id_shape": a stream id has 1 to 200 characters, none a control character';
    end if;
    if NEW.type !~ '^[a-z][a-z0-9_]{0,62}$' then
        raise exception using errcode = 'check_violation', constraint = 'stream_type_shape', message = format(
            'stream breaks rule "stream_type_shape": a stream type is lower case, digits and underscores, at most 63 (got %s)', NEW.type);
    end if;
    if NEW.version < 0 then
        raise exception using errcode = 'check_violation', constraint = 'stream_version_not_negative', message =
            format('stream breaks rule "stream_version_not_negative" (got %s)', NEW.version);
    end if;
    if TG_OP = 'INSERT' then
        return NEW;
    end if;
    if NEW.version < OLD.version then
        raise exception using errcode = 'LE003', message = format(
            'stream %s: its version only moves forward (%s to %s refused)', OLD.id, OLD.version, NEW.version);
    end if;
    -- Marten raises the version after inserting the events it counts: a version with no event behind it is refused.
    if NEW.version > OLD.version
       and not exists (select from ledger.mt_events e where e.stream_id = NEW.id and e.version = NEW.version) then
        raise exception using errcode = 'LE003', message = format(
            'stream %s has no event at version %s: a stream''s version counts its events', OLD.id, NEW.version);
    end if;
    if NEW.id is distinct from OLD.id or NEW.created is distinct from OLD.created
       or NEW.tenant_id is distinct from OLD.tenant_id or NEW.compacted_version is distinct from OLD.compacted_version
       or NEW.is_archived is distinct from OLD.is_archived or (OLD.type is not null and NEW.type is distinct from OLD.type) then
        raise exception using errcode = 'LE003', message = format(
            'stream %s: only version, timestamp and a missing type may change', OLD.id);
    end if;
    return NEW;
end
$$;

create trigger mt_streams_guard before insert or update on ledger.mt_streams
    for each row execute function ledger.guard_marten_stream();
create trigger mt_streams_no_delete before delete on ledger.mt_streams
    for each row execute function ledger.guard_marten_stream();
create trigger mt_streams_no_truncate before truncate on ledger.mt_streams
    for each statement execute function ledger.guard_marten_stream();

-- Runs in the append's round trip, after Marten's statements: records the type of a stream Marten just created
-- (Marten writes none for a plain Append), refuses an append to a stream of another type, and reports for each
-- appended event what the database stamped (its version, position and recorded_at).
create function ledger.append_outcome(p_stream_id text, p_stream_type text, p_event_ids uuid[])
returns table (event_id uuid, event_version bigint, event_position bigint, event_recorded_at timestamptz)
language plpgsql
as $$
declare
    v_type text;
begin
    select s.type into v_type from ledger.mt_streams s where s.id = p_stream_id;
    if v_type is null then
        update ledger.mt_streams s set type = p_stream_type where s.id = p_stream_id;
    elsif v_type <> p_stream_type then
        raise exception using errcode = 'LE005', message = format(
            'stream_type %s does not match stream %s, which is of type %s', p_stream_type, p_stream_id, v_type);
    end if;
    return query select e.id, e.version, e.seq_id, e.recorded_at from ledger.mt_events e where e.id = any (p_event_ids);
end
$$;

-- After an append failed as a conflict or on a taken event id: is it a retry of an append that committed while its
-- writer did not hear of it? recorded = 0: none of the ids is recorded. mismatch set: some are, but not as this append
-- (another stream, version order, type, data or metadata; or only part of the batch). Otherwise: the original outcome.
create function ledger.recorded_append(
    p_stream_id text, p_event_ids uuid[], p_event_types text[], p_data jsonb[], p_metadata jsonb,
    out recorded int, out mismatch text, out stream_version bigint, out first_position bigint, out last_position bigint,
    out recorded_at timestamptz)
language plpgsql
stable
as $$
begin
    select count(*) into recorded from ledger.mt_events e where e.id = any (p_event_ids);
    if recorded = 0 then
        return;
    end if;
    select format('events[%s] (id %s)', i - 1, p_event_ids[i]) into mismatch
    from generate_subscripts(p_event_ids, 1) as i
    left join ledger.mt_events e on e.id = p_event_ids[i]
    where e.id is null or e.stream_id <> p_stream_id or e.type <> p_event_types[i]
       or e.data <> p_data[i] or (e.headers - 'imported_at') <> p_metadata
       or e.version <> (select min(f.version) from ledger.mt_events f where f.id = any (p_event_ids)) + i - 1
    order by i limit 1;
    if mismatch is not null then
        mismatch := format(
            'event id reused: %s differs from what was recorded under these ids (stream, version, type, data or metadata), '
            || 'or the batch is only partly recorded; an event id names exactly one event and a retry must repeat its batch exactly',
            mismatch);
        return;
    end if;
    select max(e.version), min(e.seq_id), max(e.seq_id), min(e.recorded_at)
    into stream_version, first_position, last_position, recorded_at
    from ledger.mt_events e where e.id = any (p_event_ids);
end
$$;

-- The old names, for readers. A stream's head hash, creation and last change are its events' (Marten's own timestamps
-- are the transaction's start). A stream row with no event (Marten's mt_tombstone bookkeeping row) is not a stream.
create view ledger.events as
select seq_id as position, id as event_id, stream_id, version, type as event_type, data, headers as metadata,
       recorded_at, transaction_id, previous_hash, hash
from ledger.mt_events;

create view ledger.streams as
select s.id as stream_id, s.type as stream_type, s.version, coalesce(head.hash, '\x'::bytea) as head_hash,
       coalesce(first.recorded_at, s.created) as created_at, coalesce(head.recorded_at, s.timestamp) as updated_at
from ledger.mt_streams s
left join ledger.mt_events head on head.stream_id = s.id and head.version = s.version
left join ledger.mt_events first on first.stream_id = s.id and first.version = 1
where s.version > 0;

-- Least privilege for the application role: read and append, never rewrite. Marten's Quick mode inserts the stream
-- row and events of a new stream itself, calls mt_quick_append_events for an existing one, and raises the stream's
-- version; the triggers above hold whatever it writes to the ledger's rules.
grant select, insert on ledger.mt_events to ledger_app;
grant select, insert, update on ledger.mt_streams to ledger_app;
grant usage on sequence ledger.mt_events_sequence to ledger_app;
grant select on ledger.events, ledger.streams to ledger_app;
revoke execute on function ledger.mt_quick_append_events(varchar, varchar, varchar, uuid[], varchar[], varchar[], jsonb[], bytea[], jsonb[], bigint) from public;
revoke execute on function ledger.mt_archive_stream(varchar) from public;
grant execute on function ledger.mt_quick_append_events(varchar, varchar, varchar, uuid[], varchar[], varchar[], jsonb[], bytea[], jsonb[], bigint) to ledger_app;
-- A new function is executable by PUBLIC unless revoked.
revoke execute on function ledger.append_outcome(text, text, uuid[]) from public;
revoke execute on function ledger.recorded_append(text, uuid[], text[], jsonb[], jsonb) from public;
grant execute on function ledger.append_outcome(text, text, uuid[]) to ledger_app;
grant execute on function ledger.recorded_append(text, uuid[], text[], jsonb[], jsonb) to ledger_app;

analyze ledger.mt_events;
analyze ledger.mt_streams;
