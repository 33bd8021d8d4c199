-- Issue 21: the append path's own look-ups always use their index.
--
-- PL/pgSQL plans each statement of a function once per connection and, after five calls, keeps a generic plan.
-- On a fresh database that plan is made while ledger.mt_events and ledger.mt_streams hold a handful of rows (their
-- statistics say 0: migration 0011 analysed them empty), so it is a sequential scan, and the connection keeps it
-- until the next ANALYZE of the table. A 20,000-action import into a fresh database made 10,031 sequential scans of
-- mt_events (50 M rows read) and 12,112 of mt_streams, and ran at a fifth of its rate on the same database after
-- autovacuum had analysed it (docs/performance.md).
--
-- With seq scans disabled while these functions run, every plan they cache looks the previous event, the stream
-- and the appended ids up through the primary keys and unique indexes, whatever the statistics say; the cost is a
-- setting saved and restored per call (about 1.5 µs, measured). Only point look-ups run inside these functions.
alter function ledger.record_event() set enable_seqscan = off;
alter function ledger.guard_marten_stream() set enable_seqscan = off;
alter function ledger.append_outcome(text, text, uuid[]) set enable_seqscan = off;
alter function ledger.recorded_append(text, uuid[], text[], jsonb[], jsonb) set enable_seqscan = off;
alter function ledger.record_stream_types(text[], text) set enable_seqscan = off;
-- Marten's own append function (mt_quick_append_events) and the foreign-key check of each event row look the stream up
-- the same way, but they stay as Marten creates them: Weasel compares a function's settings too, so altering Marten's
-- function would part the schema from Marten's (MartenSchemaTests), and a foreign-key check runs under the session's
-- settings. Both go over to index scans at the first autovacuum ANALYZE (the private cluster looks every 2 s).
