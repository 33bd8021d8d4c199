-- Provinces feed the nation (issue 27, item 4; docs/decisions/0010-provinces-feed-the-nation.md).
--
-- Each province runs its own ledger: its own database, verifiable log and signing key. PostgreSQL logical replication
-- publishes what the nation needs from it to a national server, where each province lands in a database of its own
-- (ledger_province_<code>) with this same schema: logical replication applies a row to the table of the same schema and
-- name, so two provinces' ledger.mt_events could only share one table, where their positions, leaf indexes and
-- checkpoint sizes collide.
--
-- What is published, and why:
--   mt_streams, mt_events                     the record itself (hash chains are in the rows);
--   merkle_log, merkle_leaves, merkle_tiles,  the verifiable log and what each province signed, so the nation verifies
--   merkle_checkpoints, signing_keys          them with the province's public key (signing_keys is for reference only:
--                                             verification trusts key files, never this table);
--   published_artefacts                       the typical-case lists as published (their SHA-256 recorded);
--   projections, totals_changes,              the penalty totals as the province counts them, so the nation answers
--   totals_monthly                            national questions with the same query and the same caliber.
-- Not published: users, sessions, case reads (who read what is the province's own access log), deadlines, the inbox,
-- the case view (a case's parties stay in the province; the nation asks for figures).
--
-- Every published table has a primary key (the replica identity of an update), and a publication costs nothing until a
-- subscription reads it: every ledger has this one, whether a nation subscribes or not. It only carries changes when
-- the server runs with wal_level = logical (the private cluster does; `ledger nation subscribe` says so otherwise).
create publication ledger_national_feed for table
    ledger.mt_streams, ledger.mt_events,
    ledger.merkle_log, ledger.merkle_leaves, ledger.merkle_tiles, ledger.merkle_checkpoints, ledger.signing_keys,
    ledger.published_artefacts,
    ledger.projections, ledger.totals_changes, ledger.totals_monthly;

-- Makes this (freshly migrated) database a province's national copy, before its subscription is created:
--   * the published tables start empty, so the subscription's first copy brings the province's rows (a migrated
--     database holds one row of its own: the totals projection's place);
--   * the triggers that keep the record append-only fire for the replication worker too (ENABLE ALWAYS; a worker
--     applies changes as session_replication_role = replica, which ordinary triggers skip). A province that changes or
--     removes a row it already published (with its own triggers off) sends that change: the national copy refuses it,
--     the subscription stops on the error (disable_on_error), and the nation keeps what was published. The triggers
--     that stamp and check new rows (mt_events_record, mt_streams_guard) stay off for the worker: the rows arrive
--     stamped by the province, and its hash chain is what the national verifier checks.
-- Superuser only (replica role, ALTER TABLE on every table), as creating the subscription is.
create function ledger.become_national_mirror() returns void
language plpgsql
set search_path = ledger, pg_temp
as $$
declare
    guard record;
begin
    if exists (select from ledger.mt_events) then
        raise exception using errcode = 'LE003', message =
            'this database records events of its own; a province''s national copy starts from an empty ledger';
    end if;
    perform set_config('session_replication_role', 'replica', true);
    truncate ledger.mt_streams, ledger.mt_events, ledger.merkle_log, ledger.merkle_leaves, ledger.merkle_tiles,
             ledger.merkle_checkpoints, ledger.signing_keys, ledger.published_artefacts,
             ledger.projections, ledger.totals_changes, ledger.totals_monthly;
    perform set_config('session_replication_role', 'origin', true);
    for guard in
        select t.tgname, c.relname
        from pg_trigger t
        join pg_class c on c.oid = t.tgrelid
        join pg_namespace n on n.oid = c.relnamespace
        join pg_publication_tables p on p.schemaname = n.nspname and p.tablename = c.relname and p.pubname = 'ledger_national_feed'
        where not t.tgisinternal
          and (t.tgname ~ '_no_(update|delete|truncate)$' or t.tgname in ('merkle_tiles_only_grow', 'merkle_log_only_grows'))
    loop
        execute format('alter table ledger.%I enable always trigger %I', guard.relname, guard.tgname);
    end loop;
end
$$;
revoke all on function ledger.become_national_mirror() from public;
