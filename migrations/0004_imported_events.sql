-- Imports: records kept before the ledger (or in another system of record) are appended with the instant their
-- source recorded them, so the ledger answers "as of" questions about the time before it held them (the totals a
-- bureau published in 2021 from its old system) — through the same function, the same checks and the same chain.
--
-- ledger.append_events gains p_recorded_in_source. When it is null nothing changes: recorded_at is the server clock.
-- When it is given:
--   * recorded_at is that instant; it may not be in the future, nor before the stream's last event (LE004);
--   * metadata must name the source system (metadata.source), and the function adds metadata.imported_at, the
--     server-clock instant the ledger received the events — so the hash covers both, and no writer can supply
--     imported_at itself;
--   * commit order (and the Merkle log over it) still shows when the ledger actually received every event.
-- A retried import compares metadata without imported_at, so it finds its first attempt and writes nothing.

drop function ledger.append_events(text, text, bigint, uuid[], text[], jsonb[], jsonb);

create function ledger.append_events(
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
        v_new := not v_second_pass and (p_expected_version = 0 or (p_expected_version = -1
                 and not exists (select from ledger.streams s where s.stream_id = p_stream_id)));
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

grant execute on function ledger.append_events(text, text, bigint, uuid[], text[], jsonb[], jsonb, timestamptz) to ledger_app;
