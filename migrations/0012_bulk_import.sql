-- Issue 21: bulk imports through Marten. LedgerEventStore.ImportAsync appends many streams in one Marten session
-- (simulated cases for benchmarks and tests, and any large import of records kept elsewhere), so every row goes
-- through ledger.record_event like any other append. Marten writes no stream type for a plain Append; this records
-- the type of the streams such an import created, once per import and type, in the same round trip, and refuses an
-- import into streams of another type (LE005, as ledger.append_outcome does for a single append).
create function ledger.record_stream_types(p_stream_ids text[], p_stream_type text)
returns void
language plpgsql
as $$
declare
    v_id text;
    v_type text;
begin
    select s.id, s.type into v_id, v_type from ledger.mt_streams s
    where s.id = any (p_stream_ids) and s.type is not null and s.type <> p_stream_type
    limit 1;
    if found then
        raise exception using errcode = 'LE005', message = format(
            'stream_type %s does not match stream %s, which is of type %s', p_stream_type, v_id, v_type);
    end if;
    update ledger.mt_streams s set type = p_stream_type where s.id = any (p_stream_ids) and s.type is null;
end
$$;

revoke execute on function ledger.record_stream_types(text[], text) from public;
grant execute on function ledger.record_stream_types(text[], text) to ledger_app;
