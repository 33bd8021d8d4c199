using System.Globalization;
using System.Text;
using Ledger.Application.Projections;
using Ledger.Domain;
using NodaTime;
using Npgsql;
using NpgsqlTypes;

namespace Ledger.Application.Totals;

/// <summary>Case count, case value (案值), fines, confiscated gains, and cases transferred to the police.</summary>
public sealed record TotalsFigures(long Cases, Money CaseValue, Money Fines, Money Confiscations, long TransferredToPolice)
{
    /// <summary>Nothing counted.</summary>
    public static TotalsFigures Zero { get; } = new(0, Money.Zero, Money.Zero, Money.Zero, 0);

    /// <summary>罚没金额: fines plus confiscated gains.</summary>
    public Money FinesAndConfiscations => Fines + Confiscations;

    /// <summary>The figures of two disjoint sets of cases together.</summary>
    public TotalsFigures Plus(TotalsFigures other) => new(
        Cases + other.Cases, CaseValue + other.CaseValue, Fines + other.Fines, Confiscations + other.Confiscations,
        TransferredToPolice + other.TransferredToPolice);
}

/// <summary>One line of a breakdown: its key (a region code, a kind, "2020-Q1"…), label, figures and the compared figures.</summary>
public sealed record TotalsLine(string Key, string Label, TotalsFigures Figures, TotalsFigures? Compared);

/// <summary>
/// An answer with everything needed to reproduce it: the question, the instant the figures are as of (the time of
/// the query when it asked for the present), the caliber (in the query), and the projection's place in the log.
/// </summary>
public sealed record TotalsReport(
    TotalsQuery Query, Instant AsOf, bool Current, DateInterval? ComparedPeriod, IReadOnlyList<TotalsLine> Lines, TotalsLine Total,
    ProjectionStatus Projection);

/// <summary>
/// Answers <see cref="TotalsQuery"/> from the penalty totals projection: whole months from the monthly sums (the
/// region level chosen by the query), partial months — and, for an as-of query, the changes recorded in the as-of
/// instant's own month — from the change log. Both are sums of the same signed changes, so the parts add up exactly.
/// </summary>
public sealed class TotalsReader(NpgsqlDataSource dataSource, IClock clock)
{
    /// <summary>Answers a query.</summary>
    public async Task<TotalsReport> QueryAsync(TotalsQuery query, CancellationToken ct = default)
    {
        var projection = await ProjectionRunner.StatusAsync(dataSource, PenaltyTotalsProjection.ProjectionName, ct);
        var asOf = query.AsOf ?? clock.GetCurrentInstant();

        var current = await SumAsync(query, query.Period, query.By, ct);
        var total = Overlapping(query.By)
            ? (await SumAsync(query, query.Period, TotalsGrouping.None, ct)).GetValueOrDefault("", TotalsFigures.Zero)
            : current.Values.Aggregate(TotalsFigures.Zero, (sum, next) => sum.Plus(next));

        var comparedPeriod = query.ComparedPeriod;
        Dictionary<string, TotalsFigures>? compared = null;
        TotalsFigures? comparedTotal = null;
        if (comparedPeriod is not null)
        {
            compared = await SumAsync(query, comparedPeriod, query.By, ct);
            comparedTotal = Overlapping(query.By)
                ? (await SumAsync(query, comparedPeriod, TotalsGrouping.None, ct)).GetValueOrDefault("", TotalsFigures.Zero)
                : compared.Values.Aggregate(TotalsFigures.Zero, (sum, next) => sum.Plus(next));
        }

        var lines = query.By switch
        {
            TotalsGrouping.None => [],
            TotalsGrouping.Year or TotalsGrouping.Quarter or TotalsGrouping.Month => TimeLines(query, current, comparedPeriod, compared),
            _ => KeyedLines(query, current, compared),
        };
        return new TotalsReport(query, asOf, query.AsOf is null, comparedPeriod, lines,
            new TotalsLine("", "total", total, comparedTotal), projection);
    }

    // A case may sit on several campaign or provision lines, so their total is counted apart, not summed.
    private static bool Overlapping(TotalsGrouping by) => by is TotalsGrouping.Campaign or TotalsGrouping.Provision;

    // Time buckets are listed even when empty, and compared by position: the first month of the period with the
    // first month of the compared period, and so on (同比 and 环比 line up month by month).
    private static List<TotalsLine> TimeLines(
        TotalsQuery query, Dictionary<string, TotalsFigures> current, DateInterval? comparedPeriod, Dictionary<string, TotalsFigures>? compared)
    {
        var keys = Buckets(query.By, query.Period);
        var comparedKeys = comparedPeriod is null ? [] : Buckets(query.By, comparedPeriod);
        return [.. keys.Select((key, i) => new TotalsLine(key, key, current.GetValueOrDefault(key, TotalsFigures.Zero),
            compared is null ? null : i < comparedKeys.Count ? compared.GetValueOrDefault(comparedKeys[i], TotalsFigures.Zero) : null))];
    }

    private static List<TotalsLine> KeyedLines(TotalsQuery query, Dictionary<string, TotalsFigures> current, Dictionary<string, TotalsFigures>? compared)
    {
        var keys = current.Keys.Union(compared?.Keys ?? Enumerable.Empty<string>()).Order(StringComparer.Ordinal);
        return [.. keys.Select(key => new TotalsLine(key, Label(query.By, key), current.GetValueOrDefault(key, TotalsFigures.Zero),
            compared?.GetValueOrDefault(key, TotalsFigures.Zero)))];
    }

    private static string Label(TotalsGrouping by, string key) => by switch
    {
        TotalsGrouping.Region => TotalsQuery.RegionLabel(RegionCode.Parse(key)),
        TotalsGrouping.Campaign when key.Length == 0 => "(no campaign)",
        TotalsGrouping.Kind => CaseKinds.Label(key),
        TotalsGrouping.Provision when key == "none" => "none (no fine or confiscation)",
        TotalsGrouping.Provision when key == ProvisionAmounts.Unstated => "unstated (decided before items named their provision, or the kind has none of its own)",
        TotalsGrouping.Provision => Domain.Law.FineRuleBook.China.CitationOf(key) is { } citation ? $"{key} {citation}" : key,
        _ => key,
    };

    /// <summary>The year, quarter or month keys a period touches, in order.</summary>
    public static IReadOnlyList<string> Buckets(TotalsGrouping by, DateInterval period)
    {
        var keys = new List<string>();
        for (var month = new LocalDate(period.Start.Year, period.Start.Month, 1); month <= period.End; month = month.PlusMonths(1))
        {
            var key = BucketOf(by, month);
            if (keys.Count == 0 || keys[^1] != key) keys.Add(key);
        }
        return keys;
    }

    private static string BucketOf(TotalsGrouping by, LocalDate month) => by switch
    {
        TotalsGrouping.Year => month.Year.ToString("0000", CultureInfo.InvariantCulture),
        TotalsGrouping.Quarter => $"{month.Year:0000}-Q{(month.Month + 2) / 3}",
        _ => $"{month.Year:0000}-{month.Month:00}",
    };

    private async Task<Dictionary<string, TotalsFigures>> SumAsync(TotalsQuery query, DateInterval period, TotalsGrouping by, CancellationToken ct)
    {
        // The data source prepares statements it sees repeated, and after five runs PostgreSQL may plan a prepared
        // statement once for any parameters. A totals question's best plan depends on its dates and region (at 30
        // million events a province's as-of question took 4–5 ms planned for its values, 12–13 ms on the generic plan,
        // and 156 ms on the run that switched), so each run is planned for its own values: set_config(…, true) holds
        // for the batch's implicit transaction only, never for the pooled connection's next user.
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand("select set_config('plan_cache_mode', 'force_custom_plan', true)"));
        var sums = new NpgsqlBatchCommand();
        sums.CommandText = BuildSql(query, period, by, sums.Parameters);
        batch.BatchCommands.Add(sums);
        var result = new Dictionary<string, TotalsFigures>(StringComparer.Ordinal);
        await using var reader = await batch.ExecuteReaderAsync(ct);
        await reader.NextResultAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            result[reader.GetString(0)] = new TotalsFigures(
                reader.GetInt64(1), Money.FromYuan(reader.GetDecimal(2)), Money.FromYuan(reader.GetDecimal(3)),
                Money.FromYuan(reader.GetDecimal(4)), reader.GetInt64(5));
        }
        return result;
    }

    /// <summary>The SQL for one period (exposed so the benchmark can show the plan).</summary>
    public static string BuildSql(TotalsQuery query, DateInterval period, TotalsGrouping by, NpgsqlParameterCollection parameters)
    {
        string P(object value, NpgsqlDbType type)
        {
            var name = "p" + parameters.Count.ToString(CultureInfo.InvariantCulture);
            parameters.Add(new NpgsqlParameter(name, type) { Value = value });
            return "@" + name;
        }

        var caliber = P(SnakeCase.Of(query.Caliber), NpgsqlDbType.Text);
        var level = query.Region is null ? 0 : query.Region.Level switch { RegionLevel.Province => 1, RegionLevel.City => 2, _ => 3 };
        var groupLevel = Math.Min(level + 1, 3);

        var filters = new StringBuilder();
        if (query.Kinds is { } kinds) filters.Append($" and kind = any({P(kinds.Select(k => SnakeCase.Of(k)).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text)})");
        if (query.Campaign is { } campaign) filters.Append($" and campaigns @> array[{P(campaign, NpgsqlDbType.Text)}]");
        if (query.Flag is { } flag) filters.Append($" and flags @> array[{P(flag, NpgsqlDbType.Text)}]");

        // The monthly sums answer for provinces and cities without flag or campaign conditions; anything finer
        // (a county, a city's counties, flags, campaigns) is summed from the change log.
        var monthlyLevel = by == TotalsGrouping.Region ? groupLevel : Math.Max(level, 1);
        var useMonthly = monthlyLevel <= 2 && query.Flag is null && query.Campaign is null && !Overlapping(by);
        var (fullFrom, fullUntil) = useMonthly ? WholeMonthsWithin(period) : (period.Start, period.Start);
        var parts = new List<string>();
        var zone = DecisionContext.Zone;
        var asOf = query.AsOf;
        var asOfParameter = asOf is { } t ? P(t, NpgsqlDbType.TimestampTz) : null;

        // 1. Whole months from the monthly sums, at the level that answers the question directly.
        if (fullFrom < fullUntil)
        {
            var region = query.Region is null ? ""
                : monthlyLevel == level ? $" and region = {P(query.Region.Value, NpgsqlDbType.Text)}"
                : $" and left(region, {query.Region.Prefix.Length}) = {P(query.Region.Prefix, NpgsqlDbType.Text)}";
            var recorded = asOf is { } instant
                ? $" and recorded_month < {P(MonthOf(instant, zone), NpgsqlDbType.Date)}" : "";
            parts.Add(Select(by, "month", "region", "ledger.totals_monthly",
                $"caliber = {caliber} and level = {monthlyLevel}{region} and month >= {P(fullFrom, NpgsqlDbType.Date)} " +
                $"and month < {P(fullUntil, NpgsqlDbType.Date)}{filters}{recorded}"));
        }

        // 2. Partial months at either end from the change log; 3. for as-of, the whole months' changes recorded in
        // the as-of instant's own month, which the monthly sums (by recorded month) cannot split.
        // A range over the codes under the region, so the (caliber, region, period) index applies.
        var changeRegion = query.Region is null ? ""
            : level == 3 ? $" and region = {P(query.Region.Value, NpgsqlDbType.Text)}"
            : $" and region between {P(query.Region.Value, NpgsqlDbType.Text)} and {P(query.Region.Prefix.PadRight(6, '9'), NpgsqlDbType.Text)}";
        var upTo = asOfParameter is null ? "" : $" and recorded_at <= {asOfParameter}";
        var edges = new List<(LocalDate From, LocalDate To)>();
        if (fullFrom >= fullUntil) edges.Add((period.Start, period.End));
        else
        {
            if (period.Start < fullFrom) edges.Add((period.Start, fullFrom.PlusDays(-1)));
            if (fullUntil <= period.End) edges.Add((fullUntil, period.End));
        }
        foreach (var (from, to) in edges)
        {
            parts.Add(Select(by, "period_on", ChangeRegionExpression(groupLevel), "ledger.totals_changes",
                $"caliber = {caliber}{changeRegion} and period_on between {P(from, NpgsqlDbType.Date)} and {P(to, NpgsqlDbType.Date)}{filters}{upTo}"));
        }
        if (asOf is { } at && fullFrom < fullUntil)
        {
            var monthStart = MonthOf(at, zone).AtStartOfDayInZone(zone).ToInstant();
            parts.Add(Select(by, "period_on", ChangeRegionExpression(groupLevel), "ledger.totals_changes",
                $"caliber = {caliber}{changeRegion} and recorded_at >= {P(monthStart, NpgsqlDbType.TimestampTz)}{upTo} " +
                $"and period_on >= {P(fullFrom, NpgsqlDbType.Date)} and period_on < {P(fullUntil, NpgsqlDbType.Date)}{filters}"));
        }

        return "select grp, sum(cases)::bigint, sum(case_value), sum(fines), sum(confiscations), sum(police)::bigint from (\n"
            + string.Join("\nunion all\n", parts) + "\n) as parts group by grp";
    }

    private static string ChangeRegionExpression(int groupLevel) => groupLevel switch
    {
        1 => "left(region, 2) || '0000'",
        2 => "left(region, 4) || '00'",
        _ => "region",
    };

    private static string Select(TotalsGrouping by, string dateColumn, string regionExpression, string table, string where)
    {
        var (group, join) = by switch
        {
            TotalsGrouping.Kind => ("kind", ""),
            TotalsGrouping.Region => (regionExpression, ""),
            TotalsGrouping.Campaign => ("g.campaign", " cross join lateral unnest(case when cardinality(campaigns) = 0 then array['']::text[] else campaigns end) as g(campaign)"),
            TotalsGrouping.Year => ($"to_char({dateColumn}, 'YYYY')", ""),
            TotalsGrouping.Quarter => ($"to_char({dateColumn}, 'YYYY-\"Q\"Q')", ""),
            TotalsGrouping.Month => ($"to_char({dateColumn}, 'YYYY-MM')", ""),
            _ => ("''", ""),
        };
        if (by == TotalsGrouping.Provision)
            return "select g.provision as grp, cases, case_value, g.fines, g.confiscations, police from ledger.totals_changes " +
                "cross join lateral unnest(" +
                "case when cardinality(provisions) = 0 then array['none']::text[] else provisions end, " +
                "case when cardinality(provisions) = 0 then array[0]::numeric[] else provision_fines end, " +
                "case when cardinality(provisions) = 0 then array[0]::numeric[] else provision_confiscations end) as g(provision, fines, confiscations) " +
                $"where {where}";
        return $"select {group} as grp, cases, case_value, fines, confiscations, police from {table}{join} where {where}";
    }

    /// <summary>The whole months inside a period: [first, until) with until exclusive; empty when first ≥ until.</summary>
    public static (LocalDate First, LocalDate Until) WholeMonthsWithin(DateInterval period)
    {
        var first = period.Start.Day == 1 ? period.Start : new LocalDate(period.Start.Year, period.Start.Month, 1).PlusMonths(1);
        var afterEnd = period.End.PlusDays(1);
        var until = afterEnd.Day == 1 ? afterEnd : new LocalDate(afterEnd.Year, afterEnd.Month, 1);
        return (first, until);
    }

    private static LocalDate MonthOf(Instant instant, DateTimeZone zone)
    {
        var date = instant.InZone(zone).Date;
        return new LocalDate(date.Year, date.Month, 1);
    }
}
