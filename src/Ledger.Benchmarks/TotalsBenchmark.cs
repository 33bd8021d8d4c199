using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;
using Ledger.Application;
using Ledger.Application.Projections;
using Ledger.Application.Totals;
using Ledger.Cli;
using Ledger.Domain;
using Ledger.EventStore;
using Ledger.EventStore.Hosting;
using Ledger.EventStore.Migrations;
using Ledger.Simulation;
using NodaTime;
using Npgsql;
using Spectre.Console;

namespace Ledger.Benchmarks;

/// <summary>
/// <c>ops/bench totals</c>: ten years of simulated cases across every province (about ten events a case), bulk
/// loaded; the projection rebuilt; then the officials' two typical questions asked through the public query path,
/// current and as of an instant, each beside the same answer computed by a plain GROUP BY over the events table.
/// The answers must agree, or the benchmark fails.
/// </summary>
internal static class TotalsBenchmark
{
    private const string Database = "ledger_bench_totals";
    private const double RebuildTarget = 50_000;
    private const double CurrentTargetMs = 50;
    private const double AsOfTargetMs = 200;

    public static async Task<int> RunAsync(ParseResult parse, long targetEvents, int runs, int baselineRuns, bool keep, bool copy, CancellationToken ct)
    {
        if (targetEvents is < 10_000 or > 100_000_000) throw new CliInputException($"--events: between 10000 and 100000000 (got {targetEvents})");
        if (runs is < 10 or > 10_000) throw new CliInputException($"--runs: between 10 and 10000 (got {runs})");
        if (baselineRuns is < 1 or > 100) throw new CliInputException($"--baseline-runs: between 1 and 100 (got {baselineRuns})");
        var connections = await LedgerCli.ConnectAsync(parse, ct);
        // No statement timeout: at tens of millions of events a count, the rebuild's statements and the plain GROUP BY each
        // run longer than Npgsql's default 30 s (a thirty-million run lost its load to it).
        var owner = new NpgsqlConnectionStringBuilder(await LedgerDatabase.EnsureDatabaseAsync(connections.Owner, Database, ct)) { CommandTimeout = 0 }.ConnectionString;
        try
        {
            await using var ownerSource = LedgerDatabase.CreateDataSource(owner);
            await new Migrator(ownerSource, LedgerCli.MigrationsDirectory).ApplyAsync(null, ct);
            var application = connections.Embedded ? LedgerDatabase.WithUser(owner, LedgerDatabase.ApplicationRole) : owner;
            await using var dataSource = LedgerDatabase.CreateDataSource(application);
            var store = LedgerEvents.Store(dataSource);

            AnsiConsole.MarkupLine($"[bold]bench totals[/] in database {Database} ({Environment.ProcessorCount} cores)");
            var existing = await ScalarAsync<long>(ownerSource, "select count(*) from ledger.events");
            double? loadRate = null;
            if (existing == 0)
                loadRate = await LoadAsync(ownerSource, targetEvents, copy, ct);
            else
            {
                AnsiConsole.MarkupLine($"reusing the {existing:N0} events already loaded (--keep); load not measured");
                // Every run measures the same rebuild, the first after a load: into empty totals tables. (A later
                // rebuild also deletes the old rows, in its transaction, so that readers keep them until it commits.)
                await using var empty = ownerSource.CreateCommand("truncate ledger.totals_changes, ledger.totals_monthly");
                await empty.ExecuteNonQueryAsync(ct);
            }
            var events = await ScalarAsync<long>(ownerSource, "select count(*) from ledger.events");
            var cases = await ScalarAsync<long>(ownerSource, "select count(*) from ledger.streams");
            AnsiConsole.MarkupLine($"dataset: {events:N0} events, {cases:N0} cases, {await ScalarAsync<long>(ownerSource, "select count(distinct data->>'region') from ledger.events where event_type in ('lead_registered.v1', 'dispute_requested.v1')"):N0} regions, {await ScalarAsync<string>(ownerSource, "select pg_size_pretty(pg_total_relation_size('ledger.mt_events'))")} of events");

            var watch = Stopwatch.StartNew();
            var lastShown = 0L;
            var applied = await new ProjectionRunner(store, new PenaltyTotalsProjection(store)).RebuildAsync(p =>
            {
                if (p.Applied - lastShown < p.Total / 10) return;
                lastShown = p.Applied;
                AnsiConsole.MarkupLine($"  rebuild: {p.Applied:N0} / {p.Total:N0} events, {p.Applied / watch.Elapsed.TotalSeconds:N0} events/s");
            }, ct: ct);
            var rebuildRate = applied / watch.Elapsed.TotalSeconds;
            AnsiConsole.MarkupLine($"rebuild: {applied:N0} events in {watch.Elapsed.TotalSeconds:0.0} s = [bold]{rebuildRate:N0} events/s[/]");
            // What autovacuum does within seconds of the rebuild's commit: statistics, and the visibility map the national
            // questions' index-only scans need (before it, they read the heap, which the rebuild writes in month order).
            await VacuumAsync(ownerSource, ["ledger.totals_changes", "ledger.totals_monthly"], ct);

            var reader = new TotalsReader(dataSource, SystemClock.Instance);
            var now = SystemClock.Instance.GetCurrentInstant();
            // Mid-month on purpose: the as-of path reads that month's changes from the change log.
            const string asOf = "2021-02-17T10:00+08:00";
            var scenarios = new (string Name, TotalsQuery Query, double TargetMs)[]
            {
                ("province-year-kind (150000, 2020, trademark infringement), current",
                    TotalsQuery.Parse("150000", "2020-01-01", "2020-12-31", "trademark_infringement", null, null, null, "closed", null, null, now), CurrentTargetMs),
                ("province-year-kind, as of " + asOf,
                    TotalsQuery.Parse("150000", "2020-01-01", "2020-12-31", "trademark_infringement", null, null, null, "closed", asOf, null, now), AsOfTargetMs),
                ("national 2016–2020 by province, current",
                    TotalsQuery.Parse(null, "2016-01-01", "2020-12-31", null, null, null, "region", "closed", null, null, now), CurrentTargetMs),
                ("national 2016–2020 by province, as of " + asOf,
                    TotalsQuery.Parse(null, "2016-01-01", "2020-12-31", null, null, null, "region", "closed", asOf, null, now), AsOfTargetMs),
            };

            var table = new Table().AddColumns("query (caliber closed)", "ledger p50", "ledger p99", "target p99", "plain GROUP BY p50", "ratio (p50)", "answers");
            var allAgree = true;
            var allMet = rebuildRate >= RebuildTarget;
            foreach (var (name, query, target) in scenarios)
            {
                TotalsReport report = null!;
                for (var i = 0; i < 5; i++) report = await reader.QueryAsync(query, ct);
                var ledgerTimes = new List<double>();
                for (var i = 0; i < runs; i++)
                {
                    var t = Stopwatch.StartNew();
                    report = await reader.QueryAsync(query, ct);
                    ledgerTimes.Add(t.Elapsed.TotalMilliseconds);
                }
                var baselineTimes = new List<double>();
                Dictionary<string, TotalsFigures> baseline = [];
                for (var i = 0; i < baselineRuns; i++)
                {
                    var t = Stopwatch.StartNew();
                    baseline = await PlainGroupByAsync(dataSource, query, ct);
                    baselineTimes.Add(t.Elapsed.TotalMilliseconds);
                }
                var ours = query.By == TotalsGrouping.None
                    ? new Dictionary<string, TotalsFigures> { [""] = report.Total.Figures }
                    : report.Lines.Where(l => l.Figures != TotalsFigures.Zero).ToDictionary(l => l.Key, l => l.Figures);
                var agree = ours.Count == baseline.Count && ours.All(o => baseline.TryGetValue(o.Key, out var b) && b == o.Value);
                allAgree &= agree;
                var p99 = Percentile(ledgerTimes, 0.99);
                allMet &= p99 <= target;
                table.AddRow(Markup.Escape(name), Ms(Percentile(ledgerTimes, 0.5)), Ms(p99), $"≤ {target:0} ms {(p99 <= target ? "[green]met[/]" : "[red]not met[/]")}",
                    Ms(Percentile(baselineTimes, 0.5)), $"{Percentile(baselineTimes, 0.5) / Percentile(ledgerTimes, 0.5):N0}× faster",
                    agree ? $"[green]agree[/] ({report.Total.Figures.Cases:N0} cases, 罚没 {report.Total.Figures.FinesAndConfiscations} yuan)" : "[red]DIFFER[/]");
            }
            AnsiConsole.Write(table);
            var summary = new Table().AddColumns("measure", "result", "target");
            if (loadRate is { } rate) summary.AddRow(copy ? "load (simulate + COPY, overlapped)" : "load (simulate + bulk import, overlapped)", $"{rate:N0} events/s", "—");
            summary.AddRow("projection rebuild", $"{rebuildRate:N0} events/s", $"≥ {RebuildTarget:N0} {(rebuildRate >= RebuildTarget ? "[green]met[/]" : "[red]not met[/]")}");
            summary.AddRow("ledger query runs per scenario / baseline runs", $"{runs} / {baselineRuns}", "");
            AnsiConsole.Write(summary);
            if (!allAgree) AnsiConsole.MarkupLine("[red]The ledger's totals and the plain GROUP BY differ.[/]");
            return allAgree ? ExitCodes.Ok : ExitCodes.Failure;
        }
        finally
        {
            if (!keep)
            {
                NpgsqlConnection.ClearAllPools();
                await using var admin = LedgerDatabase.CreateDataSource(connections.Owner);
                await using var drop = admin.CreateCommand($"drop database if exists {Database} with (force)");
                await drop.ExecuteNonQueryAsync(CancellationToken.None);
            }
        }
    }

    private static string Ms(double ms) => $"{ms:0.0} ms";

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>1,433 bureaus of the shipped division table: the 31 mainland provinces, up to eight cities each and up to
    /// six counties a city, and the city and province bureaus themselves.</summary>
    private static RegionCode[] Regions()
    {
        var divisions = RegionCode.Current.ToList();
        var regions = new List<RegionCode>();
        foreach (var province in divisions.Where(d => d.Level == RegionLevel.Province && d.Value is not ("710000" or "810000" or "820000")))
        {
            regions.Add(province);
            foreach (var city in divisions.Where(d => d.Level == RegionLevel.City && d.IsWithin(province)).Take(8))
            {
                regions.Add(city);
                regions.AddRange(divisions.Where(d => d.Level == RegionLevel.County && d.IsWithin(city)).Take(6));
            }
        }
        return [.. regions];
    }

    /// <summary>Simulates cases month by month on the thread pool and imports each month's appends, in recording
    /// order, while the next month is simulated.</summary>
    private static async Task<double> LoadAsync(NpgsqlDataSource owner, long targetEvents, bool copy, CancellationToken ct)
    {
        await using var store = LedgerEvents.Store(owner);
        var regions = Regions();
        var first = new LocalDate(2016, 1, 1);
        const int months = 120;
        var horizon = first.PlusMonths(months).PlusDays(-1);
        // About 9.4 events a case in the simulator's mix.
        var casesPerMonth = (int)Math.Ceiling(targetEvents / 9.4 / months);
        var channel = Channel.CreateBounded<List<AppendRequest>>(2);
        var watch = Stopwatch.StartNew();
        long loaded = 0;

        var producer = Task.Run(async () =>
        {
            try
            {
                await SimulateAsync();
                channel.Writer.Complete();
            }
            catch (Exception e)
            {
                channel.Writer.Complete(e);
            }
        }, ct);

        async Task SimulateAsync()
        {
            var pending = new PriorityQueue<AppendRequest, (Instant, string, long)>(Comparer<(Instant, string, long)>.Create((a, b) =>
            {
                var c = a.Item1.CompareTo(b.Item1);
                if (c != 0) return c;
                c = string.CompareOrdinal(a.Item2, b.Item2);
                return c != 0 ? c : a.Item3.CompareTo(b.Item3);
            }));
            for (var month = 0; month <= months; month++)
            {
                if (month < months)
                {
                    var monthStart = first.PlusMonths(month);
                    var days = monthStart.Calendar.GetDaysInMonth(monthStart.Year, monthStart.Month);
                    var generated = new IReadOnlyList<AppendRequest>[casesPerMonth];
                    Parallel.For(0, casesPerMonth, i =>
                    {
                        var index = month * casesPerMonth + i;
                        var random = new Random(unchecked(index * 7_919 + 17));
                        var region = regions[random.Next(regions.Length)];
                        var simulated = new CaseSimulator(random, horizon).Simulate(
                            $"{region.Value}-{monthStart.Year}-{index:0000000}", region, monthStart.PlusDays(random.Next(days)));
                        generated[i] = BulkLoader.RequestsOf(simulated);
                    });
                    foreach (var requests in generated)
                    foreach (var request in requests)
                        pending.Enqueue(request, (request.RecordedInSource!.Value, request.StreamId, request.Expected.Value));
                }
                var until = month < months ? first.PlusMonths(month + 1).AtStartOfDayInZone(DecisionContext.Zone).ToInstant() : Instant.MaxValue;
                var chunk = new List<AppendRequest>();
                while (pending.TryPeek(out var next, out _) && next.RecordedInSource < until) chunk.Add(pending.Dequeue());
                if (chunk.Count > 0) await channel.Writer.WriteAsync(chunk, ct);
            }
        }

        await foreach (var chunk in channel.Reader.ReadAllAsync(ct))
        {
            var written = copy
                ? await CopyLoader.LoadAsync(owner, LedgerEvents.Types, Ledger.Domain.Serialization.CaseEventSerializer.Options, chunk, ct)
                : await BulkLoader.LoadAsync(store, chunk, ct);
            loaded += written;
            if (loaded / 1_000_000 != (loaded - written) / 1_000_000)
                AnsiConsole.MarkupLine($"  loaded {loaded:N0} events, {loaded / watch.Elapsed.TotalSeconds:N0} events/s");
        }
        await producer;
        var rate = loaded / watch.Elapsed.TotalSeconds;
        AnsiConsole.MarkupLine($"load: {loaded:N0} events in {watch.Elapsed.TotalSeconds:0.0} s = [bold]{rate:N0} events/s[/] (simulated through the domain's Decide, {(copy ? "copied into Marten's tables" : "imported through Marten")})");
        // What autovacuum would do after such a load: statistics, and the visibility map, without which counting the
        // events (the rebuild counts them) reads every row of the table.
        await VacuumAsync(owner, ["ledger.mt_events", "ledger.mt_streams"], ct);
        return rate;
    }

    private static async Task VacuumAsync(NpgsqlDataSource owner, string[] tables, CancellationToken ct)
    {
        foreach (var table in tables)
        {
            await using var vacuum = owner.CreateCommand($"vacuum (analyze) {table}");
            await vacuum.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>
    /// The baseline: the same answer straight from the events table with one GROUP BY and no projection — each
    /// closed case's latest facts as recorded up to the as-of instant. It reads the event types the simulator
    /// writes (a review's varied items replace the decision's; a correction's region or kind replaces the lead's).
    /// </summary>
    private static async Task<Dictionary<string, TotalsFigures>> PlainGroupByAsync(NpgsqlDataSource dataSource, TotalsQuery query, CancellationToken ct)
    {
        if (query.Caliber != Caliber.Closed) throw new InvalidOperationException("the baseline counts closed cases");
        var group = query.By == TotalsGrouping.Region ? "left(f.region, 2) || '0000'" : "''";
        var regionFilter = query.Region is null ? "" : $"and left(f.region, {query.Region.Prefix.Length}) = @prefix";
        var sql = $"""
            with ev as (
                select stream_id, version, event_type, data from ledger.events where recorded_at <= @as_of
            ), closed as (
                select distinct on (stream_id) stream_id, (data->>'on')::date as closed_on
                from ev where event_type = 'case_closed.v1' order by stream_id, version desc
            ), facts as (
                select e.* from ev e join closed c using (stream_id) where c.closed_on between @from and @to
            ), opened as (
                select distinct on (stream_id) stream_id, data->>'region' as region, coalesce(data->>'kind', 'patent_infringement_dispute') as kind
                from facts where event_type in ('lead_registered.v1', 'dispute_requested.v1') order by stream_id, version
            ), region_fix as (
                select distinct on (stream_id) stream_id, data->>'region' as region
                from facts where event_type = 'case_details_corrected.v1' and data->>'region' is not null order by stream_id, version desc
            ), kind_fix as (
                select distinct on (stream_id) stream_id, data->>'kind' as kind
                from facts where event_type = 'case_details_corrected.v1' and data->>'kind' is not null order by stream_id, version desc
            ), assessed as (
                select distinct on (stream_id) stream_id, coalesce(data->'turnover'->>'amount', data->'goods_value'->>'amount', '0')::numeric as case_value
                from facts where event_type = 'amounts_assessed.v2' order by stream_id, version desc
            ), decision as (
                select distinct on (stream_id) stream_id, event_type, data
                from facts where event_type in ('penalty_decided.v1', 'penalty_decided.v2', 'no_penalty_decided.v1', 'case_transferred.v1', 'filing_withdrawn.v1',
                    'dispute_adjudicated.v1', 'mediation_agreed.v1', 'dispute_withdrawn.v1')
                    or (event_type = 'review_concluded.v1' and data->>'outcome' = 'varied')
                    or (event_type = 'decision_changed_by_bureau.v1' and data->>'change' = 'varied')
                order by stream_id, version desc
            ), money as (
                select d.stream_id,
                    coalesce(sum((i->>'amount')::numeric) filter (where i->>'kind' = 'fine'), 0) as fines,
                    coalesce(sum((i->>'amount')::numeric) filter (where i->>'kind' = 'confiscation_of_gains'), 0) as confiscations,
                    bool_or(d.event_type = 'case_transferred.v1' and d.data->>'target' = 'police') as police
                from decision d
                left join lateral jsonb_array_elements(case when d.event_type in ('penalty_decided.v1', 'penalty_decided.v2') then d.data->'items'
                    when d.event_type in ('review_concluded.v1', 'decision_changed_by_bureau.v1') then d.data->'varied_items' else '[]'::jsonb end) as i on true
                group by d.stream_id
            ), f as (
                select c.stream_id, coalesce(rf.region, o.region) as region, coalesce(kf.kind, o.kind) as kind,
                    coalesce(a.case_value, 0) as case_value, coalesce(m.fines, 0) as fines, coalesce(m.confiscations, 0) as confiscations,
                    coalesce(m.police, false) as police
                from closed c join opened o using (stream_id)
                left join region_fix rf using (stream_id) left join kind_fix kf using (stream_id)
                left join assessed a using (stream_id) left join money m using (stream_id)
                where c.closed_on between @from and @to
            )
            select {group} as grp, count(*), sum(f.case_value), sum(f.fines), sum(f.confiscations), count(*) filter (where f.police)
            from f where (@kinds::text[] is null or f.kind = any(@kinds)) {regionFilter}
            group by grp
            """;
        // Without statistics on its CTEs the planner guesses one closed case after "distinct on" and nests loops over
        // the rest: minutes at a million events. The baseline is the straightforward query, so it gets hash joins.
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using (var noNestedLoops = new NpgsqlCommand("set local enable_nestloop = off", connection, transaction))
            await noNestedLoops.ExecuteNonQueryAsync(ct);
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        command.CommandTimeout = 0;
        command.Parameters.AddWithValue("as_of", query.AsOf ?? SystemClock.Instance.GetCurrentInstant());
        command.Parameters.AddWithValue("from", query.Period.Start);
        command.Parameters.AddWithValue("to", query.Period.End);
        command.Parameters.Add(new NpgsqlParameter("kinds", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text)
        {
            Value = query.Kinds is { } kinds ? kinds.Select(k => SnakeCase.Of(k)).ToArray() : DBNull.Value,
        });
        if (query.Region is { } region)
            command.Parameters.AddWithValue("prefix", region.Prefix);
        var result = new Dictionary<string, TotalsFigures>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            result[reader.GetString(0)] = new TotalsFigures(reader.GetInt64(1), Money.FromYuan(reader.GetDecimal(2)), Money.FromYuan(reader.GetDecimal(3)),
                Money.FromYuan(reader.GetDecimal(4)), reader.GetInt64(5));
        return result;
    }
}
