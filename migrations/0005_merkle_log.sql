-- The verifiable log: one Merkle tree (RFC 9162 §2.1) over every event in commit order, built by a background
-- integrator, with signed checkpoints. The per-stream hash chain (0001) shows a stream was not edited; the log
-- shows no stream was cut short, no event removed or reordered, and that what an auditor was shown yesterday is
-- a prefix of what the ledger holds today (consistency proofs).
--
-- Leaf i is the i-th event in commit order (transaction id, position). Its input (UTF-8, fields joined by a
-- line feed): 'ledger.leaf.v1', position, stream id, version, the event's chain hash in lower-case hex. The chain
-- hash covers the event's whole content, so the leaf commits to it; stream id and version are repeated so that
-- a leaf whose event has gone missing still says which event it was.
--
-- Nothing here is an event: every row is derived from ledger.events and recomputed by `ledger verify`. The rows
-- still only grow (triggers below), so a mistake or an intruder shows as a discrepancy, never as silent repair.

-- The log itself: one row. Its algorithms are fixed when it is created (GB/T 39786 assessments ask which
-- algorithms protect which data, so they are recorded, not implied).
create table ledger.merkle_log (
    log_id smallint primary key default 1,
    -- Names the log inside every signed checkpoint, so a checkpoint of one bureau's ledger cannot pass for another's.
    origin text not null,
    tree_hash text not null,
    signature_algorithm text not null,
    created_at timestamptz not null default now(),
    tree_size bigint not null default 0,
    root_hash bytea not null,
    -- The integrator's place in the commit-ordered log of events (see PostgresEventStore.ReadAllAsync).
    integrated_transaction_id xid8 not null default '0'::xid8,
    integrated_position bigint not null default 0,
    integrated_at timestamptz,
    constraint merkle_log_is_one check (log_id = 1),
    constraint merkle_log_origin_shape check (length(origin) between 1 and 200 and origin !~ '[[:cntrl:]]'),
    constraint merkle_log_tree_hash_known check (tree_hash in ('sha-256', 'sm3')),
    constraint merkle_log_signature_known check (signature_algorithm in ('ecdsa-p256-sha256', 'sm2-sm3')),
    constraint merkle_log_size_not_negative check (tree_size >= 0),
    constraint merkle_log_root_length check (octet_length(root_hash) = 32)
);

create table ledger.merkle_leaves (
    leaf_index bigint primary key,
    position bigint not null,
    stream_id text not null,
    version bigint not null,
    constraint merkle_leaves_position_unique unique (position),
    constraint merkle_leaves_index_not_negative check (leaf_index >= 0)
);

-- Hashes of complete subtrees in tiles (the layout of Go's tlog and of C2SP tiles): tile (L, N) holds the hashes
-- of tree level 8·L, nodes 256·N … 256·N+255, left to right; everything between two tile levels is recomputed
-- from them. 10 million leaves need about 39,000 tiles, and any proof reads a handful of them in one query.
-- The rightmost tile of a level is partial and grows as the log does.
create table ledger.merkle_tiles (
    tile_level smallint not null,
    tile_index bigint not null,
    hashes bytea not null,
    primary key (tile_level, tile_index),
    constraint merkle_tiles_shape check (tile_level between 0 and 7 and tile_index >= 0
        and octet_length(hashes) between 32 and 8192 and octet_length(hashes) % 32 = 0)
);
-- Hashes do not compress: store them out of line without trying.
alter table ledger.merkle_tiles alter column hashes set storage external;

-- A signed statement "the log of <origin> holds <size> leaves with root <root>". The note is the exact text
-- signed; the columns repeat it for queries, and verification checks that they agree.
create table ledger.merkle_checkpoints (
    tree_size bigint primary key,
    root_hash bytea not null,
    issued_at timestamptz not null,
    key_id text not null,
    signature_algorithm text not null,
    note text not null,
    signature bytea not null,
    constraint merkle_checkpoints_size_positive check (tree_size >= 1),
    constraint merkle_checkpoints_root_length check (octet_length(root_hash) = 32)
);

-- Public keys that have signed checkpoints, for reference. Verification trusts the key files it is given, never
-- this table: whoever can write here could add a key of their own.
create table ledger.signing_keys (
    key_id text primary key,
    algorithm text not null,
    public_key text not null,
    first_used_at timestamptz not null default now()
);

grant select, insert, update on ledger.merkle_log to ledger_app;
grant select, insert on ledger.merkle_leaves to ledger_app;
grant select, insert, update on ledger.merkle_tiles to ledger_app;
grant select, insert on ledger.merkle_checkpoints to ledger_app;
grant select, insert on ledger.signing_keys to ledger_app;

create function ledger.refuse_log_rewrite() returns trigger
language plpgsql
as $$
begin
    raise exception using errcode = 'LE003', message = format(
        '%s on %s is refused: the verifiable log only grows (leaves, checkpoints and keys are never changed or removed)',
        tg_op, tg_table_name);
end
$$;

create trigger merkle_leaves_no_update before update on ledger.merkle_leaves
    for each row execute function ledger.refuse_log_rewrite();
create trigger merkle_leaves_no_delete before delete on ledger.merkle_leaves
    for each row execute function ledger.refuse_log_rewrite();
create trigger merkle_leaves_no_truncate before truncate on ledger.merkle_leaves
    for each statement execute function ledger.refuse_log_rewrite();
create trigger merkle_checkpoints_no_update before update on ledger.merkle_checkpoints
    for each row execute function ledger.refuse_log_rewrite();
create trigger merkle_checkpoints_no_delete before delete on ledger.merkle_checkpoints
    for each row execute function ledger.refuse_log_rewrite();
create trigger merkle_checkpoints_no_truncate before truncate on ledger.merkle_checkpoints
    for each statement execute function ledger.refuse_log_rewrite();
create trigger signing_keys_no_update before update on ledger.signing_keys
    for each row execute function ledger.refuse_log_rewrite();
create trigger signing_keys_no_delete before delete on ledger.signing_keys
    for each row execute function ledger.refuse_log_rewrite();
create trigger signing_keys_no_truncate before truncate on ledger.signing_keys
    for each statement execute function ledger.refuse_log_rewrite();
create trigger merkle_tiles_no_delete before delete on ledger.merkle_tiles
    for each row execute function ledger.refuse_log_rewrite();
create trigger merkle_tiles_no_truncate before truncate on ledger.merkle_tiles
    for each statement execute function ledger.refuse_log_rewrite();
create trigger merkle_log_no_delete before delete on ledger.merkle_log
    for each row execute function ledger.refuse_log_rewrite();
create trigger merkle_log_no_truncate before truncate on ledger.merkle_log
    for each statement execute function ledger.refuse_log_rewrite();

-- A partial tile may only be extended: what it held stays its prefix.
create function ledger.guard_tile_growth() returns trigger
language plpgsql
as $$
begin
    if new.tile_level <> old.tile_level or new.tile_index <> old.tile_index
       or octet_length(new.hashes) < octet_length(old.hashes)
       or substring(new.hashes from 1 for octet_length(old.hashes)) <> old.hashes then
        raise exception using errcode = 'LE003', message = format(
            'UPDATE on merkle_tiles is refused for tile (%s, %s): a tile may only be extended, never changed',
            old.tile_level, old.tile_index);
    end if;
    return new;
end
$$;

create trigger merkle_tiles_only_grow before update on ledger.merkle_tiles
    for each row execute function ledger.guard_tile_growth();

-- The log's identity and algorithms never change, and it only grows.
create function ledger.guard_log_growth() returns trigger
language plpgsql
as $$
begin
    if new.origin <> old.origin or new.tree_hash <> old.tree_hash or new.signature_algorithm <> old.signature_algorithm
       or new.created_at <> old.created_at or new.tree_size < old.tree_size
       or (new.integrated_transaction_id, new.integrated_position) < (old.integrated_transaction_id, old.integrated_position) then
        raise exception using errcode = 'LE003', message =
            'UPDATE on merkle_log is refused: origin, algorithms and creation time are fixed, and the tree only grows';
    end if;
    return new;
end
$$;

create trigger merkle_log_only_grows before update on ledger.merkle_log
    for each row execute function ledger.guard_log_growth();
