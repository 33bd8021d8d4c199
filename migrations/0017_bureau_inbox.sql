-- Referrals between authorities (issue 22): a lead transferred to the bureau that has jurisdiction (异地移送), a related
-- lead referred (线索移送, seed 002), an invitation to handle a case jointly, a case transferred to another bureau, to the
-- public security organ (行刑衔接) or to another organ. The sending command's transaction stores a Wolverine message
-- (wolverine.wolverine_incoming_envelopes); the node that delivers it records it here, once: the key is the id of the
-- event that made the referral. The receiving region's users read it (GET /inbox, `ledger inbox`). A transfer to the
-- police or another organ without a region of its own is addressed to that organ at the sending bureau's region.
create table ledger.bureau_inbox (
    event_id      uuid        primary key,
    kind          text        not null check (kind in ('lead_transferred', 'related_lead_referred', 'joint_handling_invited',
                                                       'case_transferred', 'police_transfer', 'agency_transfer')),
    from_case_id  text        not null,
    from_region   text        not null,
    to_region     text        not null,
    to_agency     text,
    on_date       date        not null,
    summary       text        not null,
    received_at   timestamptz not null default now()
);
create index bureau_inbox_to_region on ledger.bureau_inbox (to_region, received_at);

grant select, insert on ledger.bureau_inbox to ledger_app;
