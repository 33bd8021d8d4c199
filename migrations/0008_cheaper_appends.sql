-- Cheaper appends: the same rules, enforced where PostgreSQL checks them at less cost per statement.
--
-- 1. Column rules become domains. A table CHECK constraint is read back from its stored text (stringToNode),
--    planned and compiled on every INSERT or UPDATE statement that touches the table; with single-event appends that
--    was about a fifth of the server's work per append (perf on pgbench, 8 clients). A domain's constraints are
--    planned once per session and cached with the type, so the same rules cost only their evaluation. Every rule of
--    0001 is kept (a violation names the domain and the rule) and still binds every writer, the owner
--    included, COPY too.
--    Changing a column to a domain with constraints makes PostgreSQL rewrite the table once, checking every stored
--    row against the rules; positions, transaction ids and hashes are copied unchanged, and no row trigger fires
--    (the append-only triggers guard rows, not this one-time change of column types).
-- 2. ledger.append_events decides "new stream?" without an expression holding a subquery (see the function).
--
-- The wire is unchanged: PostgreSQL describes a domain-typed column by its base type, so readers see text, bigint,
-- bytea and jsonb as before.

create domain ledger.stream_key as text
    constraint stream_id_shape check (length(value) between 1 and 200 and value !~ '[[:cntrl:]]');
create domain ledger.stream_type_name as text
    constraint stream_type_shape check (value ~ '^[a-z][a-z0-9_]{0,62}$');
create domain ledger.stream_version as bigint
    constraint stream_version_not_negative check (value >= 0);
create domain ledger.event_version as bigint
    constraint event_version_positive check (value >= 1);
create domain ledger.event_type_name as text
    constraint event_type_shape check (value ~ '^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*\.v[1-9][0-9]*$' and length(value) <= 100);
create domain ledger.json_object as jsonb
    constraint json_value_is_object check (jsonb_typeof(value) = 'object');
create domain ledger.sha256_digest as bytea
    constraint hash_is_sha256 check (octet_length(value) = 32);

alter table ledger.streams
    drop constraint streams_stream_id_shape,
    drop constraint streams_stream_type_shape,
    drop constraint streams_version_not_negative,
    drop constraint streams_head_hash_is_sha256,
    alter column stream_id type ledger.stream_key,
    alter column stream_type type ledger.stream_type_name,
    alter column version type ledger.stream_version,
    alter column head_hash type ledger.sha256_digest;

alter table ledger.events
    drop constraint events_version_positive,
    drop constraint events_event_type_shape,
    drop constraint events_data_is_object,
    drop constraint events_metadata_is_object,
    drop constraint events_hashes_are_sha256,
    alter column stream_id type ledger.stream_key,
    alter column version type ledger.event_version,
    alter column event_type type ledger.event_type_name,
    alter column data type ledger.json_object,
    alter column metadata type ledger.json_object,
    alter column previous_hash type ledger.sha256_digest,
    alter column hash type ledger.sha256_digest;

-- Changing a column's type drops its statistics.
analyze ledger.streams;
analyze ledger.events;

-- Unchanged from 0004 but for how v_new is decided.
create or replace function ledger.append_events(
    p_stream_id text, p_stream_type text, p_expected_version bigint,
    p_event_ids uuid[], p_event_types text[], p_data jsonb[], p_metadata jsonb,
    p_recorded_in_source timestamptz default null,
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
    v_metadata jsonb;
    -- The instant of the call: when the ledger received an import. A native append takes the clock after the stream
    -- lock, as before, so its recorded_at never runs behind the stream.
    v_now timestamptz := clock_timestamp();
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
    if p_metadata ? 'imported_at' then
        raise exception using errcode = '22023', message = 'metadata.imported_at is stamped by the ledger on import, never supplied by the writer';
    end if;
    v_metadata := p_metadata;
    if p_recorded_in_source is not null then
        -- An import of records kept before the ledger (or in another system of record): the event carries the
        -- instant the source recorded it, which is what "as of" questions about the past must see; the instant the
        -- ledger received it is stamped here, from the server clock, into the metadata the hash covers.
        if jsonb_typeof(p_metadata -> 'source') is distinct from 'string' or length(p_metadata ->> 'source') = 0 then
            raise exception using errcode = 'LE004', message =
                'an import with a source recording instant names its source system in metadata.source';
        end if;
        if p_recorded_in_source > v_now then
            raise exception using errcode = 'LE004', message = format(
                'the source recording instant %s is later than the ledger''s clock (%s): nothing is recorded in the future',
                p_recorded_in_source, v_now);
        end if;
        v_metadata := p_metadata || jsonb_build_object('imported_at',
            to_char(v_now at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'));
    end if;

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
        -- Three branches rather than one boolean expression: an expression holding a subquery is run through the
        -- executor on every call even when short-circuiting never reaches the subquery, and the common writer (a
        -- new case, expecting no stream) should pay for no look-up at all.
        if v_second_pass then
            v_new := false;
        elsif p_expected_version = 0 then
            v_new := true;
        else
            v_new := p_expected_version = -1
                     and not exists (select from ledger.streams s where s.stream_id = p_stream_id);
        end if;
        if v_new then
            v_version := 0;
            v_head := '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea;
            recorded_at := coalesce(p_recorded_in_source, clock_timestamp());
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
                   or e.data <> p_data[i] or (e.metadata - 'imported_at') <> p_metadata
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
            -- Never earlier than the stream's last event, so recorded_at is monotonic within a stream. An import
            -- may not slip an action in before what the stream already holds.
            if p_recorded_in_source is not null and p_recorded_in_source < v_updated then
                raise exception using errcode = 'LE004', message = format(
                    'the source recording instant %s is earlier than the last event of stream %s (%s): a stream''s events are recorded in order',
                    p_recorded_in_source, p_stream_id, v_updated);
            end if;
            recorded_at := greatest(coalesce(p_recorded_in_source, clock_timestamp()), v_updated);
        end if;

        v_hashes := '{}';
        v_previous := '{}';
        v_metadata_text := v_metadata::text;
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
        values (p_event_ids[1], p_stream_id, stream_version, p_event_types[1], p_data[1], v_metadata, recorded_at,
                v_previous[1], v_head)
        returning events.position into first_position;
        last_position := first_position;
        return;
    end if;
    with inserted as (
        insert into ledger.events (event_id, stream_id, version, event_type, data, metadata, recorded_at,
                                   previous_hash, hash)
        select p_event_ids[i], p_stream_id, v_version + i, p_event_types[i], p_data[i], v_metadata, recorded_at,
               v_previous[i], v_hashes[i]
        from generate_series(1, v_count) as i
        order by i
        returning events.position
    )
    select min(inserted.position), max(inserted.position) into first_position, last_position from inserted;
end
$$;
