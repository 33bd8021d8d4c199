using Ledger.Application.Totals;
using Ledger.Domain;
using Ledger.EventStore;
using Ledger.Simulation;

namespace Ledger.Application.Tests.Support;

/// <summary>
/// Simulated cases loaded into a test database at their own recording instants, and an oracle that answers totals
/// queries by folding every case's events in memory — independently of the projection and its SQL.
/// </summary>
public sealed class SimulatedLedger
{
    public static readonly RegionCode[] Regions =
        [.. new[] { "140824", "140823", "140802", "140100", "140105", "150102", "150203", "150000", "410702" }.Select(c => RegionCode.Parse(c))];

    public List<SimulatedCase> Cases { get; } = [];

    /// <summary>Simulates <paramref name="count"/> cases with leads between 2019-01-01 and 2021-06-30, open ones at the 2021-09-30 horizon.</summary>
    public static SimulatedLedger Generate(int seed, int count)
    {
        var random = new Random(seed);
        var simulator = new CaseSimulator(random, new LocalDate(2021, 9, 30));
        var ledger = new SimulatedLedger();
        var first = new LocalDate(2019, 1, 1);
        for (var i = 0; i < count; i++)
        {
            var region = Regions[random.Next(Regions.Length)];
            ledger.Cases.Add(simulator.Simulate($"{region.Value}-sim-{seed}-{i:0000}", region, first.PlusDays(random.Next(0, 912))));
        }
        return ledger;
    }

    /// <summary>Every step's append, in recording order, split into <paramref name="chunks"/> transactions.</summary>
    public IReadOnlyList<IReadOnlyList<AppendRequest>> Chunks(int chunks)
    {
        var requests = Cases.SelectMany(BulkLoader.RequestsOf)
            .OrderBy(r => r.RecordedInSource).ThenBy(r => r.StreamId, StringComparer.Ordinal).ThenBy(r => r.Expected.Value).ToList();
        var size = (requests.Count + chunks - 1) / chunks;
        return [.. requests.Chunk(Math.Max(1, size)).Select(c => (IReadOnlyList<AppendRequest>)c)];
    }

    /// <summary>Imports the cases through the store, in <paramref name="chunks"/> transactions.</summary>
    public async Task LoadAsync(LedgerEventStore store, int chunks = 3)
    {
        foreach (var chunk in Chunks(chunks)) await BulkLoader.LoadAsync(store, chunk);
    }

    public int EventCount => Cases.Sum(c => c.Steps.Sum(s => s.Events.Count));

    /// <summary>What each case adds as the ledger knew it at <paramref name="asOf"/> (everything when null).</summary>
    public IEnumerable<CaseContribution> ContributionsAsOf(Instant? asOf) =>
        Cases.Select(c => CaseContribution.Of(c.Steps.Where(s => asOf is null || s.RecordedAt <= asOf)
                .SelectMany(s => s.Events).Aggregate(CaseState.Initial, CaseModel.Evolve)))
            .Where(c => c is not null).Select(c => c!);

    /// <summary>The answer to <paramref name="query"/> for one period, by group key, computed by folding.</summary>
    public Dictionary<string, TotalsFigures> Expected(TotalsQuery query, DateInterval period, TotalsGrouping by)
    {
        var result = new Dictionary<string, TotalsFigures>(StringComparer.Ordinal);
        foreach (var c in ContributionsAsOf(query.AsOf))
        {
            if (c.DateFor(query.Caliber) is not { } on || !period.Contains(on)) continue;
            if (query.Region is { } region && !c.Region.IsWithin(region)) continue;
            if (query.Kinds is { } kinds && !kinds.Contains(c.Kind)) continue;
            if (query.Campaign is { } campaign && !c.Campaigns.Contains(campaign)) continue;
            if (query.Flag is { } flag && !c.Flags.Contains(flag)) continue;
            var figures = new TotalsFigures(1, c.CaseValue, c.Fines, c.Confiscations, c.TransferredToPolice ? 1 : 0);
            if (by == TotalsGrouping.Provision)
            {
                // The amounts split by provision; the case (and its value) counts on each of its lines.
                var lines = c.ByProvision.Count == 0 ? [new ProvisionAmounts("none", Money.Zero, Money.Zero)] : c.ByProvision;
                foreach (var line in lines)
                    result[line.Provision] = result.GetValueOrDefault(line.Provision, TotalsFigures.Zero)
                        .Plus(figures with { Fines = line.Fines, Confiscations = line.Confiscations });
                continue;
            }
            foreach (var key in Keys(query, by, c, on))
                result[key] = result.GetValueOrDefault(key, TotalsFigures.Zero).Plus(figures);
        }
        return result;
    }

    private static IEnumerable<string> Keys(TotalsQuery query, TotalsGrouping by, CaseContribution c, LocalDate on)
    {
        switch (by)
        {
            case TotalsGrouping.Kind: return [SnakeCase.Of(c.Kind)];
            case TotalsGrouping.Region:
                var code = c.Region.Value;
                return [query.Region?.Level switch
                {
                    null => code[..2] + "0000",
                    RegionLevel.Province => code[..4] + "00",
                    _ => code,
                }];
            case TotalsGrouping.Campaign: return c.Campaigns.Count == 0 ? [""] : c.Campaigns;
            case TotalsGrouping.Year: return [$"{on.Year:0000}"];
            case TotalsGrouping.Quarter: return [$"{on.Year:0000}-Q{(on.Month + 2) / 3}"];
            case TotalsGrouping.Month: return [$"{on.Year:0000}-{on.Month:00}"];
            default: return [""];
        }
    }
}
