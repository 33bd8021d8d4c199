using Ledger.Application.Import;
using Ledger.Application.Projections;
using Ledger.Application.Totals;
using Ledger.EventStore;
using NodaTime;

namespace Ledger.Application.Reference;

/// <summary>A published figure beside what the ledger answers as of its publication and now.</summary>
public sealed record ReproducedFigure(PublishedFigure Figure, TotalsFigures AsPublished, TotalsFigures Current, IReadOnlyList<ReferenceCorrection> Corrections)
{
    /// <summary>True when every printed number of the figure is reproduced as of its publication.</summary>
    public bool Reproduced => Figure.Compare(AsPublished).All(c => c.Matches);
}

/// <summary>
/// Loads the reference dataset through the importer — command handling, with the instants the bureaus recorded each
/// action — brings the penalty totals up to date, and reads every published figure through the query path of
/// <c>ledger totals</c>. Loading again writes nothing new.
/// </summary>
public sealed class ReferenceLoader(PostgresEventStore store, IClock clock)
{
    /// <summary>Imports <paramref name="dataset"/>; a refused action is a defect of the generator and throws.</summary>
    public async Task<ImportReport> LoadAsync(ReferenceDataset dataset, IProgress<ImportProgress>? progress = null, CancellationToken ct = default)
    {
        var importer = new CaseImporter(store, new CaseCommandHandler(store, clock), clock);
        var report = await importer.ImportAsync(dataset.Actions, [], ReferenceDataset.SourceName, new ImportOptions(Progress: progress), ct);
        if (report.Problems.Count > 0)
            throw new InvalidOperationException("the reference dataset was refused: " + string.Join("; ", report.Problems.Take(5)));
        return report;
    }

    /// <summary>Catches the totals up and answers every figure as published and as now.</summary>
    public async Task<IReadOnlyList<ReproducedFigure>> ReproduceAsync(ReferenceDataset dataset, CancellationToken ct = default)
    {
        await new ProjectionRunner(store, new PenaltyTotalsProjection(store)).CatchUpAsync(ct: ct);
        var reader = new TotalsReader(store.DataSource, clock);
        var now = clock.GetCurrentInstant();
        var result = new List<ReproducedFigure>();
        foreach (var figure in dataset.Figures)
        {
            var asPublished = await reader.QueryAsync(figure.Query(asPublished: true, now), ct);
            var current = await reader.QueryAsync(figure.Query(asPublished: false, now), ct);
            result.Add(new ReproducedFigure(figure, asPublished.Total.Figures, current.Total.Figures,
                [.. dataset.Corrections.Where(c => c.Affects(figure) && c.RecordedAt > figure.AsOf)]));
        }
        return result;
    }
}
