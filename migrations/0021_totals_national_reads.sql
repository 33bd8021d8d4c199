-- Indexes for the national questions at tens of millions of events (issue 27, item 6; plans measured at 30 million
-- events in docs/performance.md).
--
-- A national question by province ("2016–2020, every province") reads every province's monthly sums of the period:
-- about 28,000 rows at 30 million events. Through the primary key (caliber, level, region, …) those rows are spread
-- over the whole level and over thousands of heap pages. This index holds them in month order and carries the figures,
-- so the question is answered from the index alone (index-only scan, once vacuum has marked the pages visible).
create index totals_monthly_by_month on ledger.totals_monthly (caliber, level, month, recorded_month)
    include (region, kind, cases, case_value, fines, confiscations, police);

-- An as-of question reads the changes recorded in the as-of instant's own month (the monthly sums, kept by recorded
-- month, cannot split it). By recorded_at alone, every change of that month — all calibers, all periods — was fetched
-- from the heap and most were thrown away (85,000 fetched for 740 kept at 30 million). With the caliber and the period
-- in the index the scan keeps only the rows it needs before touching the heap. recorded_at stays first: rows are
-- written in recorded order, so the planner's estimate of the heap reads stays right.
drop index ledger.totals_changes_recorded;
create index totals_changes_recorded on ledger.totals_changes (recorded_at, caliber, period_on);
