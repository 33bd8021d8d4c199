using Ledger.Domain;
using NodaTime;
using Npgsql;
using NpgsqlTypes;

namespace Ledger.Application.Cases;

/// <summary>Filters over the case view; all optional. <see cref="Overdue"/> compares the next due date with <c>today</c>.</summary>
public sealed record CaseListQuery(
    RegionCode? Region = null, CaseStatus? Status = null, IReadOnlyList<CaseKind>? Kinds = null, string? Flag = null, string? Campaign = null,
    bool Overdue = false, LocalDate? FiledFrom = null, LocalDate? FiledTo = null, int Limit = 50, int Offset = 0)
{
    /// <summary>Reads a list query from text as clients type it (CLI options, HTTP query parameters), naming each bad parameter.</summary>
    public static CaseListQuery Parse(
        string? region, string? status, string? kind, string? flag, string? campaign, bool overdue, string? filedFrom, string? filedTo, int limit, int offset)
    {
        CaseStatus? parsedStatus = string.IsNullOrWhiteSpace(status) ? null : Totals.TotalsQuery.Choice(status, "status", CaseStatus.None);
        if (parsedStatus == CaseStatus.None) throw new DomainRuleViolation("status", "'none' is not a status a recorded case can have");
        return new CaseListQuery(
            string.IsNullOrWhiteSpace(region) ? null : RegionCode.Parse(region.Trim(), "region"),
            parsedStatus,
            string.IsNullOrWhiteSpace(kind) ? null : CaseKinds.ParseList(kind, "kind"),
            flag is null ? null : CaseFlags.Check(flag.Trim(), "flag"),
            campaign is null ? null : CaseCampaigns.Check(campaign, "campaign"),
            overdue,
            filedFrom is null ? null : Totals.TotalsQuery.ParseDate(filedFrom, "filed_from"),
            filedTo is null ? null : Totals.TotalsQuery.ParseDate(filedTo, "filed_to"),
            limit, offset).Validated();
    }

    /// <summary>Checks the paging and date bounds, naming the parameter at fault.</summary>
    public CaseListQuery Validated()
    {
        if (Limit is < 1 or > 1_000) throw new DomainRuleViolation("limit", $"is between 1 and 1000 (got {Limit})");
        if (Offset < 0) throw new DomainRuleViolation("offset", $"is 0 or more (got {Offset})");
        if (FiledFrom is { } from && FiledTo is { } to && to < from)
            throw new DomainRuleViolation("filed_to", $"{to:yyyy-MM-dd} is before filed_from {from:yyyy-MM-dd}");
        return this;
    }
}

/// <summary>One case as the list shows it.</summary>
public sealed record CaseListItem(
    string CaseId, long Version, string Status, string Kind, string Region, string? PartyName, LocalDate? FiledOn, LocalDate? DecidedOn,
    LocalDate? ClosedOn, Money CaseValue, Money Fines, Money Confiscations, string? NextDueName, LocalDate? NextDueOn, bool Overdue)
{
    /// <summary>The region with its name as the ledger knows it ("140824 稷山县").</summary>
    public string RegionName => Totals.TotalsQuery.RegionLabel(RegionCode.Parse(Region));
}

/// <summary>Lists cases from the case view (written with every command, so never behind the ledger).</summary>
public static class CaseList
{
    /// <summary>The cases matching <paramref name="query"/>, newest filing first, and how many match in all (0 when the page is past the end).</summary>
    public static async Task<(IReadOnlyList<CaseListItem> Items, long Total)> QueryAsync(
        NpgsqlDataSource dataSource, CaseListQuery query, LocalDate today, CancellationToken ct = default)
    {
        query.Validated();
        await using var command = dataSource.CreateCommand();
        var where = new List<string>();
        string P(object value, NpgsqlDbType type)
        {
            var name = "p" + command.Parameters.Count;
            command.Parameters.Add(new NpgsqlParameter(name, type) { Value = value });
            return "@" + name;
        }
        CaseViewFilters.Add(where, P, query.Region, query.Kinds, query.Flag, query.Campaign);
        if (query.Status is { } status) where.Add($"status = {P(SnakeCase.Of(status), NpgsqlDbType.Text)}");
        var todayParameter = P(today, NpgsqlDbType.Date);
        if (query.Overdue) where.Add($"next_due_on < {todayParameter}");
        if (query.FiledFrom is { } from) where.Add($"filed_on >= {P(from, NpgsqlDbType.Date)}");
        if (query.FiledTo is { } to) where.Add($"filed_on <= {P(to, NpgsqlDbType.Date)}");
        var filter = where.Count == 0 ? "" : " where " + string.Join(" and ", where);
        command.CommandText =
            "select case_id, version, status, kind, region, party_name, filed_on, decided_on, closed_on, case_value, fines, confiscations, " +
            $"next_due_name, next_due_on, coalesce(next_due_on < {todayParameter}, false), count(*) over () " +
            $"from ledger.case_view{filter} order by filed_on desc nulls last, case_id limit {P(query.Limit, NpgsqlDbType.Integer)} offset {P(query.Offset, NpgsqlDbType.Integer)}";

        var items = new List<CaseListItem>();
        long total = 0;
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            LocalDate? Date(int i) => reader.IsDBNull(i) ? null : reader.GetFieldValue<LocalDate>(i);
            items.Add(new CaseListItem(
                reader.GetString(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5), Date(6), Date(7), Date(8),
                Money.FromYuan(reader.GetDecimal(9)), Money.FromYuan(reader.GetDecimal(10)), Money.FromYuan(reader.GetDecimal(11)),
                reader.IsDBNull(12) ? null : reader.GetString(12), Date(13), reader.GetBoolean(14)));
            total = reader.GetInt64(15);
        }
        return (items, total);
    }
}

/// <summary>The filters the case view's readers share, as SQL conditions over its columns with bound parameters.</summary>
internal static class CaseViewFilters
{
    /// <summary>Adds to <paramref name="where"/> the conditions for a region (and everything within it), kinds, a flag and a
    /// campaign; <paramref name="parameter"/> binds a value and returns its placeholder.</summary>
    public static void Add(List<string> where, Func<object, NpgsqlDbType, string> parameter,
        RegionCode? region, IReadOnlyList<CaseKind>? kinds, string? flag, string? campaign)
    {
        if (region is { } r)
            where.Add(r.Level switch
            {
                RegionLevel.Province => $"province = {parameter(r.Value, NpgsqlDbType.Text)}",
                RegionLevel.City => $"city = {parameter(r.Value, NpgsqlDbType.Text)}",
                _ => $"region = {parameter(r.Value, NpgsqlDbType.Text)}",
            });
        if (kinds is { } k) where.Add($"kind = any({parameter(k.Select(x => SnakeCase.Of(x)).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text)})");
        if (flag is { } f) where.Add($"flags @> array[{parameter(f, NpgsqlDbType.Text)}]");
        if (campaign is { } c) where.Add($"campaigns @> array[{parameter(c, NpgsqlDbType.Text)}]");
    }
}
