-- 罚没金额 by legal basis (issue 23, item 3). A decision may impose fines under several laws (the trademark law's
-- article 60 and, say, the product quality law's article 54), each under its own cap. The published 罚没金额 of an
-- IP case counts all of them (罚没收入: every fine and confiscated sum the decision imposes), so the fines and
-- confiscations columns stay as they are; these parallel arrays split the same amounts by the provision each item was
-- imposed under (a family of the fine rule book), for officials who ask `by=provision`.
alter table ledger.totals_changes
    add column provisions text[] not null default '{}',
    add column provision_fines numeric(18, 2)[] not null default '{}',
    add column provision_confiscations numeric(18, 2)[] not null default '{}',
    add constraint totals_changes_provisions_parallel check (
        cardinality(provisions) = cardinality(provision_fines) and cardinality(provisions) = cardinality(provision_confiscations));

-- The rows already there were made from decisions recorded before items named their provision, when a decision held
-- one fine: the projection counts such items under the case kind's own provision when the kind has exactly one, else
-- as 'unstated' (PenaltyItems.ByProvision, Law/FineRules.cs). The same here, row by row, so the split of every
-- existing row is what a rebuild would write, and no reset leaves the totals empty or partial while it runs.
update ledger.totals_changes
set provisions = array[case kind
        when 'trademark_infringement' then 'trademark-infringement'
        when 'geographical_indication' then 'trademark-infringement'
        when 'trademark_agency' then 'trademark-agency'
        when 'patent_counterfeiting' then 'patent-counterfeiting'
        when 'patent_agency' then 'patent-agency'
        else 'unstated' end],
    provision_fines = array[fines],
    provision_confiscations = array[confiscations]
where fines <> 0 or confiscations <> 0;
