-- Legal deadlines that remind (issue 22). A reminder is a durable Wolverine message scheduled for the day after a
-- deadline falls due, kept in Wolverine's tables below from the moment the command that set the deadline commits (it is
-- written in the same transaction) until a node handles it. What follows up to the ledger's own tables is Wolverine's
-- DDL for the ledger's options, exported by `ledger db wolverine-schema` (Wolverine creates nothing at run time:
-- AutoBuildMessageStorageOnStartup = None; a test compares this with what Wolverine expects).
create schema if not exists wolverine;

CREATE TABLE IF NOT EXISTS wolverine.wolverine_outgoing_envelopes (
    id              uuid                        NOT NULL,
    owner_id        integer                     NOT NULL,
    destination     varchar                     NOT NULL,
    deliver_by      timestamp with time zone    NULL,
    body            bytea                       NOT NULL,
    attempts        integer                     NULL DEFAULT 0,
    message_type    varchar                     NOT NULL,
CONSTRAINT pkey_wolverine_outgoing_envelopes_id PRIMARY KEY (id)
);

CREATE INDEX idx_wolverine_outgoing_envelopes_owner ON wolverine.wolverine_outgoing_envelopes USING btree (owner_id) WHERE (owner_id <> 0);

CREATE INDEX idx_wolverine_outgoing_envelopes_recover ON wolverine.wolverine_outgoing_envelopes USING btree (destination) WHERE (owner_id = 0);
CREATE TABLE IF NOT EXISTS wolverine.wolverine_incoming_envelopes (
    id                uuid                        NOT NULL,
    status            varchar                     NOT NULL,
    owner_id          integer                     NOT NULL,
    execution_time    timestamp with time zone    NULL DEFAULT NULL,
    attempts          integer                     NULL DEFAULT 0,
    body              bytea                       NOT NULL,
    message_type      varchar                     NOT NULL,
    received_at       varchar                     NULL,
    keep_until        timestamp with time zone    NULL,
CONSTRAINT pkey_wolverine_incoming_envelopes_id PRIMARY KEY (id)
);

CREATE INDEX idx_wolverine_incoming_envelopes_owner ON wolverine.wolverine_incoming_envelopes USING btree (owner_id) WHERE (owner_id <> 0);

CREATE INDEX idx_wolverine_incoming_envelopes_recover ON wolverine.wolverine_incoming_envelopes USING btree (received_at) WHERE (status = 'Incoming' AND owner_id = 0);

CREATE INDEX idx_wolverine_incoming_envelopes_keep_until ON wolverine.wolverine_incoming_envelopes USING btree (keep_until) WHERE (status = 'Handled');

CREATE INDEX idx_wolverine_incoming_envelopes_scheduled ON wolverine.wolverine_incoming_envelopes USING btree (execution_time) WHERE (status = 'Scheduled');
CREATE TABLE IF NOT EXISTS wolverine.wolverine_dead_letters (
    id                   uuid                        NOT NULL,
    execution_time       timestamp with time zone    NULL DEFAULT NULL,
    body                 bytea                       NOT NULL,
    message_type         varchar                     NOT NULL,
    received_at          varchar                     NULL,
    source               varchar                     NULL,
    exception_type       varchar                     NULL,
    exception_message    varchar                     NULL,
    sent_at              timestamp with time zone    NULL,
    replayable           boolean                     NULL,
    failure_group        varchar(100)                NULL,
    failure_title        varchar(500)                NULL,
    failed_at            timestamp with time zone    NULL,
    first_failed_at      timestamp with time zone    NULL,
    replay_count         integer                     NULL,
    last_replayed_at     timestamp with time zone    NULL,
    archived_at          timestamp with time zone    NULL,
CONSTRAINT pkey_wolverine_dead_letters_id PRIMARY KEY (id)
);

CREATE INDEX idx_wolverine_dead_letters_replayable ON wolverine.wolverine_dead_letters USING btree (replayable) WHERE (replayable = true);

CREATE INDEX idx_wolverine_dead_letters_failure_group ON wolverine.wolverine_dead_letters USING btree (failure_group);
CREATE TABLE IF NOT EXISTS wolverine.wolverine_dead_letter_history (
    id                  uuid                        NOT NULL,
    replay_count        integer                     NULL,
    last_replayed_at    timestamp with time zone    NULL,
    first_failed_at     timestamp with time zone    NULL,
CONSTRAINT pkey_wolverine_dead_letter_history_id PRIMARY KEY (id)
);

CREATE INDEX idx_wolverine_dead_letter_history_last_replayed_at ON wolverine.wolverine_dead_letter_history USING btree (last_replayed_at);
CREATE TABLE IF NOT EXISTS wolverine.wolverine_nodes (
    id              uuid                        NOT NULL,
    node_number     serial                      NOT NULL,
    description     varchar                     NOT NULL,
    uri             varchar                     NOT NULL,
    started         timestamp with time zone    NOT NULL DEFAULT now(),
    health_check    timestamp with time zone    NOT NULL DEFAULT now(),
    version         varchar                     NULL,
    capabilities    text[]                      NULL,
CONSTRAINT pkey_wolverine_nodes_id PRIMARY KEY (id)
);
CREATE TABLE IF NOT EXISTS wolverine.wolverine_node_assignments (
    id         varchar                     NOT NULL,
    node_id    uuid                        NULL,
    started    timestamp with time zone    NOT NULL DEFAULT now(),
CONSTRAINT pkey_wolverine_node_assignments_id PRIMARY KEY (id)
);

DO $do$
BEGIN
ALTER TABLE wolverine.wolverine_node_assignments
ADD CONSTRAINT fkey_wolverine_node_assignments_node_id FOREIGN KEY(node_id)
REFERENCES wolverine.wolverine_nodes(id)ON DELETE CASCADE
;
EXCEPTION
    WHEN duplicate_object THEN NULL;
END
$do$;
CREATE TABLE IF NOT EXISTS wolverine.wolverine_control_queue (
    id              uuid                        NOT NULL,
    message_type    varchar                     NOT NULL,
    node_id         uuid                        NOT NULL,
    body            bytea                       NOT NULL,
    posted          timestamp with time zone    NOT NULL DEFAULT NOW(),
    expires         timestamp with time zone    NULL,
CONSTRAINT pkey_wolverine_control_queue_id PRIMARY KEY (id)
);
CREATE TABLE IF NOT EXISTS wolverine.wolverine_node_records (
    id             serial                      NOT NULL,
    node_number    integer                     NOT NULL,
    event_name     varchar                     NOT NULL,
    timestamp      timestamp with time zone    NOT NULL DEFAULT now(),
    description    varchar                     NULL,
CONSTRAINT pkey_wolverine_node_records_id PRIMARY KEY (id)
);
CREATE TABLE IF NOT EXISTS wolverine.wolverine_agent_restrictions (
    id      uuid       NOT NULL,
    uri     varchar    NOT NULL,
    type    varchar    NOT NULL,
    node    integer    NOT NULL DEFAULT 0,
CONSTRAINT pkey_wolverine_agent_restrictions_id PRIMARY KEY (id)
);

grant usage on schema wolverine to ledger_app;
grant select, insert, update, delete on all tables in schema wolverine to ledger_app;
grant usage, select on all sequences in schema wolverine to ledger_app;

-- Every reminder planned, one per deadline and due date: a deadline moved by an extension or an excluded period gets a
-- new row, and the reminder of the old date finds, when it fires, that it no longer holds. The key is what keeps two
-- commands, or two nodes re-planning a moved deadline, from scheduling one reminder twice. A read model, not the record:
-- the case's events are.
create table ledger.deadline_reminders (
    case_id      text        not null,
    deadline     text        not null,
    due_on       date        not null,
    region       text,
    rule         text        not null,
    fires_at     timestamptz not null,
    planned_at   timestamptz not null default now(),
    -- Filled when the reminder fired: overdue, kept (the step was taken) or moved (not due yet: reminded again later).
    fired_at     timestamptz,
    finding      text check (finding in ('overdue', 'kept', 'moved')),
    -- How many times it was handled: 1, unless a node died after handling it and before Wolverine marked it handled
    -- (delivery is at least once; the notice's key makes a second handling change nothing).
    times_fired  integer     not null default 0,
    primary key (case_id, deadline, due_on)
);
create index deadline_reminders_region on ledger.deadline_reminders (region, due_on);

-- deadline_overdue notices: a reminder fired and the step had not been taken. Kept apart from the case's stream (a
-- notice is the ledger's observation, not an act of the bureau); one per deadline and due date, however many nodes or
-- retries handle its reminder. A step taken late is still accepted, and the notice stays as the record that it was late.
create table ledger.deadline_notices (
    case_id      text        not null,
    deadline     text        not null,
    due_on       date        not null,
    kind         text        not null default 'deadline_overdue' check (kind = 'deadline_overdue'),
    region       text,
    rule         text        not null,
    noticed_at   timestamptz not null default now(),
    primary key (case_id, deadline, due_on)
);
create index deadline_notices_region on ledger.deadline_notices (region, noticed_at);

grant select, insert, update on ledger.deadline_reminders to ledger_app;
grant select, insert on ledger.deadline_notices to ledger_app;
