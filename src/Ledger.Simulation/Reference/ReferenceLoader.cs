using Ledger.Application;
using Ledger.Application.Cases;
using Ledger.Application.Import;
using Ledger.Application.Projections;
using Ledger.Application.Totals;
using Ledger.Application.Typical;
using Ledger.Domain;
using Ledger.Domain.Typical;
using Ledger.EventStore;
using NodaTime;

namespace Ledger.Simulation.Reference;

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
public sealed class ReferenceLoader(LedgerEventStore store, IClock clock, CaseCommandHandler? handler = null, TypicalCaseSelections? selections = null)
{
    /// <summary>Imports <paramref name="dataset"/>; a refused action is a defect of the generator and throws.</summary>
    public async Task<ImportReport> LoadAsync(ReferenceDataset dataset, IProgress<ImportProgress>? progress = null, CancellationToken ct = default)
    {
        var importer = new CaseImporter(store, handler ?? new CaseCommandHandler(store, clock), clock);
        var report = await importer.ImportAsync(dataset.Actions, [], ReferenceDataset.SourceName, new ImportOptions(Progress: progress), ct);
        if (report.Problems.Count > 0)
            throw new InvalidOperationException("the reference dataset was refused: " + string.Join("; ", report.Problems.Take(5)));
        return report;
    }

    /// <summary>
    /// Drafts, approves and publishes the dataset's typical-case lists through the selection workflow, each step recorded
    /// at the instant the bureau took it (so each is decided on the cases as they stood then), and the 2020 list's
    /// correction. Loading again writes nothing new. Returns each list's selection as it now stands.
    /// </summary>
    public async Task<IReadOnlyList<SelectionView>> LoadTypicalListsAsync(ReferenceDataset dataset, CancellationToken ct = default)
    {
        var lists = selections ?? new TypicalCaseSelections(store, clock);
        var views = new List<SelectionView>();
        foreach (var list in dataset.TypicalLists)
        {
            var id = new SelectionId(list.Region, list.Year);
            var step = 0;
            async Task Record(SelectionCommand command, string by, LocalDate on, int hour, string key)
            {
                var at = on.At(new LocalTime(hour, 0)).InZoneStrictly(DecisionContext.Zone).ToInstant() + Duration.FromMinutes(step++);
                await lists.HandleAsync(id, command, by, $"reference:typical:{id.StreamId}:{key}", at, ReferenceDataset.SourceName, ct);
            }
            string AuthorOf(int index) => index % 2 == 0 ? ReferenceDataset.TypicalAuthor : ReferenceDataset.TypicalSecondAuthor;

            var order = list.Cases.Select(c => c.CaseId).ToList();
            foreach (var caseId in order.Order(StringComparer.Ordinal))
                await Record(new SelectionCommand.NominateCase(caseId, ReferenceDataset.TypicalAuthor), ReferenceDataset.TypicalAuthor, list.DraftedOn, 9, $"nominate:{caseId}");
            for (var i = 0; i < list.Cases.Count; i++)
                await Record(new SelectionCommand.DraftCase(list.Cases[i].CaseId, null, null, null, list.Cases[i].Significance, AuthorOf(i)), AuthorOf(i),
                    list.DraftedOn, 14, $"draft:{list.Cases[i].CaseId}");
            await Record(new SelectionCommand.RankCases(order, ReferenceDataset.TypicalAuthor), ReferenceDataset.TypicalAuthor, list.DraftedOn, 17, "rank");
            await Record(new SelectionCommand.ApproveSelection(list.ApprovedOn, ReferenceDataset.TypicalApprover, ApprovalOpinion, null), ReferenceDataset.TypicalApprover,
                list.ApprovedOn, 10, "approve");
            await Record(new SelectionCommand.PublishSelection(list.PublishedOn, ReferenceDataset.TypicalAuthor), ReferenceDataset.TypicalAuthor, list.PublishedOn, 10, "publish");

            if (list.Correction is { } correction)
            {
                var corrected = list.Cases.Single(c => c.CaseId == correction.CaseId);
                await Record(new SelectionCommand.WithdrawPublishedCase(correction.CaseId, correction.WithdrawnOn, correction.Reason, ReferenceDataset.TypicalAuthor),
                    ReferenceDataset.TypicalAuthor, correction.WithdrawnOn, 9, "withdraw:1");
                await Record(new SelectionCommand.NominateCase(correction.CaseId, ReferenceDataset.TypicalAuthor), ReferenceDataset.TypicalAuthor,
                    correction.WithdrawnOn, 10, "renominate:2");
                await Record(new SelectionCommand.DraftCase(correction.CaseId, null, null, null, corrected.Significance, ReferenceDataset.TypicalAuthor),
                    ReferenceDataset.TypicalAuthor, correction.WithdrawnOn, 11, "redraft:2");
                await Record(new SelectionCommand.RankCases(order, ReferenceDataset.TypicalAuthor), ReferenceDataset.TypicalAuthor, correction.WithdrawnOn, 12, "rank:2");
                await Record(new SelectionCommand.ApproveSelection(correction.ApprovedOn, ReferenceDataset.TypicalApprover, CorrectionOpinion, null),
                    ReferenceDataset.TypicalApprover, correction.ApprovedOn, 10, "approve:2");
                await Record(new SelectionCommand.PublishSelection(correction.PublishedOn, ReferenceDataset.TypicalAuthor), ReferenceDataset.TypicalAuthor,
                    correction.PublishedOn, 15, "publish:2");
            }
            views.Add(await lists.ViewAsync(id, ct: ct));
        }
        return views;
    }

    private const string ApprovalOpinion = "经审核，入选案例事实清楚、处理得当，文稿已作去标识化处理，同意发布。";
    private const string CorrectionOpinion = "经审核，更正后的案例文稿与变更后的处理决定一致，同意发布更正版。";

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
