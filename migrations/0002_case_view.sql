-- The case view: one row per case, the current state of each case as officials and handlers list it.
-- It is written in the same transaction as the events that change it (by the command handler), so it is
-- never behind the ledger; it is a read model and can always be rebuilt from the events, so unlike the
-- events it may be updated. Amounts are numeric yuan with two decimals: exact, and summable in SQL.

create table ledger.case_view (
    case_id              text primary key,
    version              bigint not null check (version >= 1),
    procedure            text not null,
    status               text not null,
    kind                 text not null,
    region               text not null check (region ~ '^[0-9]{6}$'),
    city                 text not null check (city ~ '^[0-9]{4}00$'),
    province             text not null check (province ~ '^[0-9]{2}0000$'),
    party_name           text,
    party_kind           text,
    right_name           text,
    right_holder         text,
    flags                text[] not null default '{}',
    campaigns            text[] not null default '{}',
    legal_bases          text[] not null default '{}',
    lead_on              date,
    violation_on         date,
    filed_on             date,
    decided_on           date,
    closed_on            date,
    decision_kind        text,
    decision_number      text,
    transferred_to       text,
    case_value           numeric(18, 2) not null default 0 check (case_value >= 0),
    fines                numeric(18, 2) not null default 0 check (fines >= 0),
    confiscations        numeric(18, 2) not null default 0 check (confiscations >= 0),
    paid                 numeric(18, 2) not null default 0 check (paid >= 0),
    outstanding          numeric(18, 2) not null default 0 check (outstanding >= 0),
    -- The earliest deadline not yet met, so "overdue" is a query on the current date, not a stale flag.
    next_due_name        text,
    next_due_on          date,
    -- Every deadline as computed at the last change: name, rule, due_on, met_on, status.
    deadlines            jsonb not null default '[]',
    updated_at           timestamptz not null
);

create index case_view_region on ledger.case_view (region text_pattern_ops);
create index case_view_next_due on ledger.case_view (next_due_on) where next_due_on is not null;

grant select, insert, update on ledger.case_view to ledger_app;
