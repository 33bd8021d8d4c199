-- Asynchronous projections and the penalty totals officials publish.
--
-- ledger.projections holds each projection's place in the commit-ordered log. A runner advances it in the same
-- transaction as the rows it writes, with a guarded update (where the place is still the one it started from),
-- so a crash loses nothing and counts nothing twice, and two runners cannot both advance it.
--
-- Penalty totals are kept twice, for two kinds of question:
--   totals_changes  one signed row per change of what a case adds to a caliber: "+1 case, +5,000 fine in county
--                   150102, trademark infringement, closed on 2020-06-03", recorded at the instant of the event
--                   that made the change. A correction or a varied fine is a -old row and a +new row. Summing the
--                   rows recorded up to an instant gives the totals as the ledger knew them then, and the rows
--                   between two instants are exactly the events that explain a difference.
--   totals_monthly  the same rows summed per month of the period, per month in which they were recorded, per kind,
--                   for provinces and cities (by code prefix), so a national five-year query reads a few thousand
--                   rows, not millions. The recorded month lets an as-of query take whole months from here and only
--                   the last, partial month from totals_changes. Counties, flags and campaigns are not summed here:
--                   a county has few cases a month, and every combination of flags and campaigns would make the
--                   sums as many as the changes; those questions read totals_changes through its indexes.
-- Both are read models: rebuilt from the events at any time, hence updatable, unlike the events.

create table ledger.projections (
    name             text primary key check (name ~ '^[a-z][a-z0-9_]*$'),
    -- (transaction_id, position) of the last event applied; (0, 0) before the first.
    transaction_id   xid8 not null default '0',
    position         bigint not null default 0,
    events_applied   bigint not null default 0 check (events_applied >= 0),
    -- recorded_at of the last event applied: how far the projection's knowledge reaches.
    last_recorded_at timestamptz,
    updated_at       timestamptz not null default now(),
    rebuilt_at       timestamptz
);

insert into ledger.projections (name) values ('penalty_totals');

create table ledger.totals_changes (
    position       bigint not null,
    seq            smallint not null,
    recorded_at    timestamptz not null,
    case_id        text not null,
    caliber        text not null check (caliber in ('filed', 'decided', 'closed')),
    -- the case's own bureau (any level); rolled up by prefix
    region         text not null check (region ~ '^[0-9]{6}$'),
    kind           text not null,
    -- the date that places the case in a period under this caliber
    period_on      date not null,
    flags          text[] not null,
    campaigns      text[] not null,
    cases          smallint not null check (cases in (-1, 1)),
    case_value     numeric(18, 2) not null,
    fines          numeric(18, 2) not null,
    confiscations  numeric(18, 2) not null,
    police         smallint not null check (police in (-1, 0, 1)),
    primary key (position, seq)
);

create index totals_changes_period on ledger.totals_changes (caliber, period_on);
create index totals_changes_region on ledger.totals_changes (caliber, region, period_on);
create index totals_changes_recorded on ledger.totals_changes (recorded_at);

create table ledger.totals_monthly (
    caliber         text not null,
    -- 1 province ("150000"), 2 city ("150100"; a province bureau's own cases sit under the province code here too)
    level           smallint not null check (level between 1 and 2),
    region          text not null,
    kind            text not null,
    month           date not null check (extract(day from month) = 1),
    -- month (Asia/Shanghai) in which the changes summed here were recorded
    recorded_month  date not null check (extract(day from recorded_month) = 1),
    cases           bigint not null,
    case_value      numeric(20, 2) not null,
    fines           numeric(20, 2) not null,
    confiscations   numeric(20, 2) not null,
    police          bigint not null,
    primary key (caliber, level, region, month, kind, recorded_month)
);

-- The runner works as the application role; read models, unlike events, may be rewritten and rebuilt.
grant select, insert, delete, truncate on ledger.totals_changes to ledger_app;
grant select, insert, update, delete, truncate on ledger.totals_monthly to ledger_app;
grant select, update on ledger.projections to ledger_app;
