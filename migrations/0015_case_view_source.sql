-- Where a case's lead came from (检查发现, 投诉, 举报, 移送, 交办: LeadSource), in the case view, for the cockpit's
-- 来源分析 (issue 25). Written by CaseViewWriter with every append from now on; the rows already there take it from
-- their stream's first event, the lead's registration, which is where the state's source comes from (a dispute, opened
-- by a party's request, has none).
alter table ledger.case_view add column source text;

update ledger.case_view v
set source = e.data ->> 'source'
from ledger.mt_events e
where e.stream_id = v.case_id and e.version = 1 and e.type = 'lead_registered.v1';

-- 流程分析 and 高发分析 select a period of leads by their registration date.
create index case_view_lead_on on ledger.case_view (lead_on);

analyze ledger.case_view;
