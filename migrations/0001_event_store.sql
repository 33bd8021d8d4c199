-- The event store: streams, events, the per-stream hash chain, and append-only enforcement.
--
-- Growth. The events table is deliberately NOT partitioned. Its two correctness guarantees are
-- global unique indexes: (stream_id, version) for optimistic concurrency and event_id for idempotent
-- retries. PostgreSQL enforces a unique index on a partitioned table only when it contains the
-- partition key, so partitioning by year or region would turn both into per-partition guarantees.
-- Sizing: a province-level bureau records on the order of 10^5 case actions a year; our benchmark
-- load (10^7 events, ten years of a large province) is a few GB. The scale-out path is one database
-- per province (replicated to a national one with logical replication), not partitions. When a
-- single database nears 10^9 events, the plan is a new events table per era attached read-only
-- behind a view, which keeps every event (never deleted) without rewriting history.

create schema if not exists ledger;

-- The application role may read and append (through ledger.append_events), never rewrite. Roles are
-- cluster-wide, so create it once; two databases of one cluster migrating at the same moment can race
-- here, hence the handler.
do $$
begin
    if not exists (select from pg_roles where rolname = 'ledger_app') then
        create role ledger_app login;
    end if;
exception when duplicate_object or unique_violation then
    null;
end
$$;

grant usage on schema ledger to ledger_app;

create table ledger.streams (
    stream_id text primary key,
    stream_type text not null,
    -- version = number of events in the stream; a stream row exists only once it has an event.
    version bigint not null,
    -- hash of the newest event: the tip of the stream's hash chain.
    head_hash bytea not null,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    constraint streams_stream_id_shape check (length(stream_id) between 1 and 200 and stream_id !~ '[[:cntrl:]]'),
    constraint streams_stream_type_shape check (stream_type ~ '^[a-z][a-z0-9_]{0,62}$'),
    constraint streams_version_not_negative check (version >= 0),
    constraint streams_head_hash_is_sha256 check (octet_length(head_hash) = 32)
);

create table ledger.events (
    -- bigint everywhere: Marten's int positions overflowed in production.
    position bigint generated always as identity primary key,
    event_id uuid not null,
    -- No foreign key to ledger.streams: the only writer is ledger.append_events, which writes the stream
    -- row first in the same transaction, and the application role cannot insert rows itself. The check
    -- would cost every append a locking look-up (about 7 % of a single-event append) to guard against
    -- the owner writing by hand, which chain verification reports anyway.
    stream_id text not null,
    version bigint not null,
    -- explicit, versioned type names (case_filed.v1), never CLR names, so code can be renamed freely.
    event_type text not null,
    data jsonb not null,
    metadata jsonb not null,
    -- server clock, taken after the stream lock so it never decreases within a stream.
    recorded_at timestamptz not null,
    -- commit-order reading (Emmett's technique): only rows whose transaction is older than every
    -- running transaction are handed out, so a late commit on a low position is never skipped.
    transaction_id xid8 not null default pg_current_xact_id(),
    previous_hash bytea not null,
    hash bytea not null,
    constraint events_event_id_unique unique (event_id),
    constraint events_stream_version_unique unique (stream_id, version),
    constraint events_version_positive check (version >= 1),
    constraint events_event_type_shape check (event_type ~ '^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*\.v[1-9][0-9]*$' and length(event_type) <= 100),
    constraint events_data_is_object check (jsonb_typeof(data) = 'object'),
    constraint events_metadata_is_object check (jsonb_typeof(metadata) = 'object'),
    constraint events_hashes_are_sha256 check (octet_length(previous_hash) = 32 and octet_length(hash) = 32)
);

create index events_commit_order on ledger.events (transaction_id, position);

-- Read only: the application role writes through ledger.append_events (security definer, below).
grant select on ledger.events to ledger_app;
grant select on ledger.streams to ledger_app;

-- The hash of one event, chained to its predecessor in the stream (32 zero bytes for the first).
-- Input (UTF-8, fields joined by a line feed, none of which can contain a raw line feed):
--   'ledger.event.v1', stream id, version, event id, type, recorded_at as integer microseconds
--   since the Unix epoch, data as jsonb text, metadata as jsonb text.
-- jsonb text is canonical for a stored value (keys sorted, duplicates removed, fixed separators),
-- so a verifier recomputes the hash from the stored row alone. Mirrored by EventHashChain (C#).
create function ledger.event_hash(
    previous_hash bytea, stream_id text, version bigint, event_id uuid, event_type text,
    recorded_at timestamptz, data jsonb, metadata jsonb)
returns bytea
-- plpgsql rather than sql: a non-inlinable SQL function is planned anew on every call, and this one
-- runs once per appended event.
language plpgsql stable strict parallel safe
as $$
begin
    return sha256(previous_hash || convert_to(
        'ledger.event.v1' || E'\n' || stream_id || E'\n' || version::text || E'\n' || event_id::text
        || E'\n' || event_type || E'\n' || ((extract(epoch from recorded_at) * 1000000)::bigint)::text
        || E'\n' || data::text || E'\n' || metadata::text, 'UTF8'));
end
$$;

-- Appends events to a stream in one round trip.
-- expected_version: -1 = any, 0 = the stream must not exist yet, N > 0 = the stream must be at N.
-- Errors (SQLSTATE): LE001 version conflict, LE002 event id reused with other content or a partial
-- retry, 22023 malformed arguments. Any error rolls the whole append back.
-- SECURITY DEFINER: this function is the only way the application role can write, so every event it
-- writes is versioned and chained here; the role itself holds no INSERT or UPDATE privilege.
create function ledger.append_events(
    p_stream_id text, p_stream_type text, p_expected_version bigint,
    p_event_ids uuid[], p_event_types text[], p_data jsonb[], p_metadata jsonb,
    out stream_version bigint, out first_position bigint, out last_position bigint,
    out recorded_at timestamptz, out already_recorded boolean)
language plpgsql
security definer
set search_path = ledger, pg_temp
as $$
declare
    v_count int := coalesce(cardinality(p_event_ids), 0);
    v_version bigint;
    v_head bytea;
    v_updated timestamptz;
    v_type text;
    v_found int;
    v_hashes bytea[];
    v_previous bytea[];
    v_mismatch text;
    v_new boolean;
    v_second_pass boolean := false;
    v_metadata_text text;
    v_recorded_micros text;
begin
    if p_expected_version is null or p_expected_version < -1 then
        raise exception using errcode = '22023', message = format(
            'expected_version %s is not valid: use -1 (any), 0 (no stream) or the exact current version', p_expected_version);
    end if;
    if coalesce(cardinality(p_event_types), 0) <> v_count or coalesce(cardinality(p_data), 0) <> v_count then
        raise exception using errcode = '22023',
            message = 'event_ids, event_types and data must have one entry per event';
    end if;
    if p_metadata is null or jsonb_typeof(p_metadata) <> 'object' then
        raise exception using errcode = '22023', message = 'metadata must be a JSON object';
    end if;
    already_recorded := false;

    if v_count = 0 then
        -- Nothing to write: report the version (or a conflict) without locking or creating anything,
        -- so an empty append can never hold up a stream.
        select s.version into v_version from ledger.streams s where s.stream_id = p_stream_id;
        stream_version := coalesce(v_version, 0);
        if p_expected_version <> -1 and p_expected_version <> stream_version then
            raise exception using errcode = 'LE001', message = format(
                'stream %s is at version %s, expected %s', p_stream_id, stream_version, p_expected_version);
        end if;
        return;
    end if;

    -- A new stream is written once, already carrying its final version and head hash. If another writer
    -- created it meanwhile, "on conflict do nothing" waits for that writer and the second pass takes the
    -- existing-stream path. (A new stream cannot hold a retried batch: a retry finds the stream its first
    -- attempt created.)
    loop
        -- A writer expecting no stream goes straight to the insert; 'any' looks first. The second pass
        -- (after losing the insert) always takes the existing-stream path.
        v_new := not v_second_pass and (p_expected_version = 0 or (p_expected_version = -1
                 and not exists (select from ledger.streams s where s.stream_id = p_stream_id)));
        if v_new then
            v_version := 0;
            v_head := '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea;
            recorded_at := clock_timestamp();
        else
            -- Lock the stream row: concurrent appenders (and concurrent retries of one append) queue here.
            select s.version, s.head_hash, s.updated_at, s.stream_type into v_version, v_head, v_updated, v_type
            from ledger.streams s where s.stream_id = p_stream_id for update;
            if not found then
                raise exception using errcode = 'LE001', message = format(
                    'stream %s is at version %s, expected %s', p_stream_id, 0, p_expected_version);
            end if;
            if v_type <> p_stream_type then
                raise exception using errcode = '22023', message = format(
                    'stream_type %s does not match stream %s, which is of type %s', p_stream_type, p_stream_id, v_type);
            end if;

            -- Idempotency: an append retried after an unseen commit finds its own events and returns them.
            select count(*) into v_found from ledger.events e where e.event_id = any (p_event_ids);
            if v_found > 0 then
                select format('events[%s] (id %s)', i - 1, p_event_ids[i]) into v_mismatch
                from generate_subscripts(p_event_ids, 1) as i
                left join ledger.events e on e.event_id = p_event_ids[i]
                where e.event_id is null or e.stream_id <> p_stream_id or e.event_type <> p_event_types[i]
                   or e.data <> p_data[i] or e.metadata <> p_metadata
                   or e.version <> (select min(f.version) from ledger.events f where f.event_id = any (p_event_ids)) + i - 1
                order by i limit 1;
                if v_mismatch is not null then
                    raise exception using errcode = 'LE002', message = format(
                        'event id reused: %s differs from what was recorded under these ids (stream, version, type, data or metadata), '
                        || 'or the batch is only partly recorded; an event id names exactly one event and a retry must repeat its batch exactly',
                        v_mismatch);
                end if;
                select max(e.version), min(e.position), max(e.position), min(e.recorded_at), true
                into stream_version, first_position, last_position, recorded_at, already_recorded
                from ledger.events e where e.event_id = any (p_event_ids);
                return;
            end if;

            -- The expected version is checked before any sequence number is taken: a loser leaves no gap.
            if p_expected_version <> -1 and p_expected_version <> v_version then
                raise exception using errcode = 'LE001', message = format(
                    'stream %s is at version %s, expected %s', p_stream_id, v_version, p_expected_version);
            end if;
            -- Never earlier than the stream's last event, so recorded_at is monotonic within a stream.
            recorded_at := greatest(clock_timestamp(), v_updated);
        end if;

        v_hashes := '{}';
        v_previous := '{}';
        v_metadata_text := p_metadata::text;
        v_recorded_micros := ((extract(epoch from recorded_at) * 1000000)::bigint)::text;
        for i in 1 .. v_count loop
            v_previous := v_previous || v_head;
            -- ledger.event_hash, inlined: a call per event costs more than the hashing. The contract tests
            -- recompute every stored hash with ledger.event_hash, so the two cannot drift apart unseen.
            v_head := sha256(v_head || convert_to(
                'ledger.event.v1' || E'\n' || p_stream_id || E'\n' || (v_version + i)::text || E'\n' || p_event_ids[i]::text
                || E'\n' || p_event_types[i] || E'\n' || v_recorded_micros
                || E'\n' || p_data[i]::text || E'\n' || v_metadata_text, 'UTF8'));
            v_hashes := v_hashes || v_head;
        end loop;
        stream_version := v_version + v_count;

        if not v_new then
            update ledger.streams s set version = stream_version, head_hash = v_head, updated_at = recorded_at
            where s.stream_id = p_stream_id;
            exit;
        end if;
        insert into ledger.streams (stream_id, stream_type, version, head_hash, created_at, updated_at)
        values (p_stream_id, p_stream_type, stream_version, v_head, recorded_at, recorded_at)
        on conflict (stream_id) do nothing;
        exit when found;
        v_second_pass := true;
    end loop;

    if v_count = 1 then
        -- The common case (one action on a case) as a plain single-row insert: pgbench measured about
        -- 16 % more single-event appends per second than through the set-based insert below.
        insert into ledger.events (event_id, stream_id, version, event_type, data, metadata, recorded_at,
                                   previous_hash, hash)
        values (p_event_ids[1], p_stream_id, stream_version, p_event_types[1], p_data[1], p_metadata, recorded_at,
                v_previous[1], v_head)
        returning events.position into first_position;
        last_position := first_position;
        return;
    end if;
    with inserted as (
        insert into ledger.events (event_id, stream_id, version, event_type, data, metadata, recorded_at,
                                   previous_hash, hash)
        select p_event_ids[i], p_stream_id, v_version + i, p_event_types[i], p_data[i], p_metadata, recorded_at,
               v_previous[i], v_hashes[i]
        from generate_series(1, v_count) as i
        order by i
        returning events.position
    )
    select min(inserted.position), max(inserted.position) into first_position, last_position from inserted;
end
$$;

grant execute on function ledger.append_events(text, text, bigint, uuid[], text[], jsonb[], jsonb) to ledger_app;
grant execute on function ledger.event_hash(bytea, text, bigint, uuid, text, timestamptz, jsonb, jsonb) to ledger_app;

-- Append-only, for every role including the owner: events are never updated or deleted;
-- a correction is a new event. (Triggers prevent; the hash chain and the Merkle log detect.)
create function ledger.refuse_event_rewrite() returns trigger
language plpgsql
as $$
begin
    raise exception using errcode = 'LE003', message = format(
        '%s on ledger.events is refused: the ledger is append-only (events are never updated or deleted; '
        || 'record a correcting event instead)', tg_op);
end
$$;

create trigger events_no_update before update on ledger.events
    for each row execute function ledger.refuse_event_rewrite();
create trigger events_no_delete before delete on ledger.events
    for each row execute function ledger.refuse_event_rewrite();
create trigger events_no_truncate before truncate on ledger.events
    for each statement execute function ledger.refuse_event_rewrite();

-- A stream row may only move forward: its version grows and its identity never changes.
create function ledger.guard_stream_change() returns trigger
language plpgsql
as $$
begin
    if tg_op in ('DELETE', 'TRUNCATE') then
        raise exception using errcode = 'LE003', message = format(
            '%s on ledger.streams is refused: streams are never removed (the ledger is append-only)', tg_op);
    end if;
    if new.stream_id <> old.stream_id or new.stream_type <> old.stream_type or new.version < old.version
       or new.created_at <> old.created_at then
        raise exception using errcode = 'LE003', message = format(
            'UPDATE on ledger.streams is refused for stream %s: only version, head hash and updated_at may change, '
            || 'and the version may only grow', old.stream_id);
    end if;
    return new;
end
$$;

create trigger streams_guard_update before update on ledger.streams
    for each row execute function ledger.guard_stream_change();
create trigger streams_no_delete before delete on ledger.streams
    for each row execute function ledger.guard_stream_change();
create trigger streams_no_truncate before truncate on ledger.streams
    for each statement execute function ledger.guard_stream_change();
