-- 罚没金额 by legal basis (issue 23, item 3). A decision may impose fines under several laws (the trademark law's
-- article 60 and, say, the product quality law's article 54), each under its own cap. The published 罚没金额 of an
-- IP case counts all of them (罚没收入: every fine and confiscated sum the decision imposes), so the fines and
-- confiscations columns stay as they are; these parallel arrays split the same amounts by the provision each item was
-- imposed under (a family of the fine rule book, '' when unstated), for officials who ask `by=provision`.
alter table ledger.totals_changes
    add column provisions text[] not null default '{}',
    add column provision_fines numeric(18, 2)[] not null default '{}',
    add column provision_confiscations numeric(18, 2)[] not null default '{}',
    add constraint totals_changes_provisions_parallel check (
        cardinality(provisions) = cardinality(provision_fines) and cardinality(provisions) = cardinality(provision_confiscations));

-- The rows already there have no split: start the projection again from the first event, so every change row carries
-- it. The runner refolds the log on its next pass (`ledger projections rebuild penalty_totals` does it in one
-- transaction, faster); until then the totals read as empty rather than wrong.
delete from ledger.totals_changes;
delete from ledger.totals_monthly;
update ledger.projections
set transaction_id = '0', position = 0, events_applied = 0, last_recorded_at = null, updated_at = now()
where name = 'penalty_totals';
