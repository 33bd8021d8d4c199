using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Application.Cases;
using Ledger.Application.Totals;
using Ledger.Application.Typical;
using Ledger.Domain;
using Ledger.Domain.Serialization;
using Ledger.Domain.Typical;
using Ledger.EventStore;
using Ledger.Simulation.Reference;
using Ledger.Testing;

namespace Ledger.Application.Tests;

/// <summary>
/// The acceptance test of the reference dataset: loaded into a fresh database through command handling, it reproduces
/// every figure of shared/reference-figures.md through the query path of <c>ledger totals</c>, as of the publication
/// instants; the current figures differ exactly by the listed corrections; and loading again writes nothing.
/// </summary>
public sealed class ReferenceDatasetTests(ReferenceDatasetTests.LoadedReference loaded) : IClassFixture<ReferenceDatasetTests.LoadedReference>
{
    /// <summary>The dataset loaded once into a fresh database for all the tests of this class.</summary>
    public sealed class LoadedReference : IAsyncLifetime
    {
        public TestDatabase Db { get; private set; } = null!;
        public LedgerEventStore Store { get; private set; } = null!;
        public ReferenceDataset Dataset { get; } = ReferenceDataset.Generate();
        public IReadOnlyList<ReproducedFigure> Figures { get; private set; } = [];
        public IReadOnlyList<SelectionView> TypicalLists { get; private set; } = [];
        public long EventsAfterFirstLoad { get; private set; }

        public async Task InitializeAsync()
        {
            Db = await TestDatabase.CreateAsync();
            Store = LedgerEvents.Store(Db.App);
            var loader = new ReferenceLoader(Store, SystemClock.Instance);
            await loader.LoadAsync(Dataset);
            TypicalLists = await loader.LoadTypicalListsAsync(Dataset);
            EventsAfterFirstLoad = await Db.CountEventsAsync();
            Figures = await loader.ReproduceAsync(Dataset);
        }

        public async Task DisposeAsync() => await Db.DisposeAsync();
    }

    private TestDatabase Db => loaded.Db;
    private LedgerEventStore Store => loaded.Store;
    private ReferenceDataset Dataset => loaded.Dataset;
    private IReadOnlyList<ReproducedFigure> Figures => loaded.Figures;
    private long EventsAfterFirstLoad => loaded.EventsAfterFirstLoad;

    [Fact]
    public void EveryPublishedFigureIsReproducedAsOfItsPublication()
    {
        Figures.Count.ShouldBe(11);
        foreach (var reproduced in Figures)
            foreach (var (what, published, actual, matches) in reproduced.Figure.Compare(reproduced.AsPublished))
                matches.ShouldBeTrue($"{reproduced.Figure.Label}: {what} published {published}, reproduced {actual}");
        // Spelled out for the two Figures a reader checks first.
        var trademark2020 = Figures.Single(f => f.Figure.Label == "2020 trademark infringement").AsPublished;
        (trademark2020.Cases, trademark2020.CaseValue, trademark2020.FinesAndConfiscations)
            .ShouldBe((287L, Money.FromYuan(7_905_700), Money.FromYuan(4_336_600)));
        var taiyuan = Figures.Single(f => f.Figure.Region == "140100").AsPublished;
        taiyuan.Cases.ShouldBe(569);
        taiyuan.Fines.ShouldBeGreaterThanOrEqualTo(Money.FromYuan(5_475_000));
        taiyuan.Fines.ShouldBeLessThan(Money.FromYuan(5_476_000));
    }

    [Fact]
    public void CurrentFiguresDifferFromThePublishedOnesExactlyByTheListedCorrections()
    {
        Dataset.Corrections.Count.ShouldBeGreaterThanOrEqualTo(1);
        Figures.Count(f => f.Corrections.Count > 0).ShouldBeGreaterThanOrEqualTo(2, "a correction should touch several published Figures");
        foreach (var f in Figures)
        {
            var finesChange = f.Corrections.Sum(c => c.FinesAfter.Fen - c.FinesBefore.Fen);
            var confiscationsChange = f.Corrections.Sum(c => c.ConfiscationsAfter.Fen - c.ConfiscationsBefore.Fen);
            (f.Current.Cases - f.AsPublished.Cases).ShouldBe(0, f.Figure.Label);
            (f.Current.CaseValue.Fen - f.AsPublished.CaseValue.Fen).ShouldBe(0, f.Figure.Label);
            (f.Current.Fines.Fen - f.AsPublished.Fines.Fen).ShouldBe(finesChange, f.Figure.Label);
            (f.Current.Confiscations.Fen - f.AsPublished.Confiscations.Fen).ShouldBe(confiscationsChange, f.Figure.Label);
        }
    }

    [Fact]
    public async Task TheCorrectionsAreRecordedAfterPublicationAsReviewOutcomes()
    {
        foreach (var correction in Dataset.Corrections)
        {
            var history = await CaseHistory.LoadAsync(Store, correction.CaseId);
            var last = history.Entries[^1];
            last.Event.ShouldBeOfType<CaseEvent.ReviewConcluded>();
            last.Recorded.RecordedAt.ShouldBe(correction.RecordedAt);
            history.State.ClosedOn.ShouldBe(correction.ClosedOn);
            // As the ledger knew the case when the figure was published, the original decision stood.
            var published = correction.Region.Value.StartsWith("15", StringComparison.Ordinal) ? PublishedFigures.InnerMongoliaPublished : PublishedFigures.TaiyuanPublished;
            var then = await CaseHistory.LoadAsync(Store, correction.CaseId, asOf: published);
            then.State.AmountImposed.ShouldBe(correction.FinesBefore + correction.ConfiscationsBefore);
            history.State.AmountImposed.ShouldBe(correction.FinesAfter + correction.ConfiscationsAfter);
        }
    }

    [Fact]
    public async Task EveryStoredEventIsExactlyTheDomainsJsonOfIt()
    {
        // Marten writes the events; the domain's serializer defines their stored form (snake_case names and enums,
        // money as yuan strings). Over the whole dataset, every stored event must be what the domain writes for the
        // event it reads back: a converter of Marten's taking precedence would change what the hash chain covers.
        await using var command = Db.Owner.CreateCommand("select type, data::text from ledger.mt_events");
        await using var reader = await command.ExecuteReaderAsync();
        var checkedEvents = 0;
        while (await reader.ReadAsync())
        {
            var (type, stored) = (reader.GetString(0), reader.GetString(1));
            var rewritten = CaseEventSerializer.IsCaseEventType(type)
                ? CaseEventSerializer.Serialize(CaseEventSerializer.Deserialize(type, stored))
                : SelectionEventSerializer.SerializeToElement(SelectionEventSerializer.Deserialize(type, stored)).GetRawText();
            JsonNode.DeepEquals(JsonNode.Parse(stored), JsonNode.Parse(rewritten)).ShouldBeTrue($"{type}: stored {stored}, the domain writes {rewritten}");
            checkedEvents++;
        }
        checkedEvents.ShouldBe((int)EventsAfterFirstLoad);
    }

    [Fact]
    public async Task LoadingTwiceWritesNothingNew()
    {
        var loader = new ReferenceLoader(Store, SystemClock.Instance);
        var again = await loader.LoadAsync(ReferenceDataset.Generate());
        await loader.LoadTypicalListsAsync(ReferenceDataset.Generate());

        again.ActionsWritten.ShouldBe(0);
        again.ActionsAlreadyRecorded.ShouldBe(Dataset.Actions.Count);
        (await Db.CountEventsAsync()).ShouldBe(EventsAfterFirstLoad);
    }

    [Fact]
    public async Task TheYunchengShoeShopIsAnInnocentSellerWithNoPenaltyAndTheSupplierLeadSentToLinfen()
    {
        var shoes = await CaseHistory.LoadAsync(Store, "140824-2025-0012");

        shoes.State.Decision!.Kind.ShouldBe(DecisionKind.NoPenalty);
        shoes.State.CaseValue.ShouldBe(Money.FromYuan(6_410));
        shoes.State.InnocentSellerSupplier.ShouldNotBeNull();
        shoes.State.ReferredLeads.ShouldBe([RegionCode.Parse("141000")]);
        shoes.State.Status.ShouldBe(CaseStatus.Closed);
        shoes.Entries[0].Recorded.RecordedAt.InZone(DecisionContext.Zone).Date.ShouldBe(new LocalDate(2025, 2, 19));
        Dataset.NamedCases.Count.ShouldBe(7);
        foreach (var (caseId, _) in Dataset.NamedCases)
            (await Store.GetStreamAsync(caseId)).ShouldNotBeNull(caseId);
    }

    [Fact]
    public void TheDatasetHasTheVarietyOfRealCaseLoads()
    {
        var commands = Dataset.Actions.GroupBy(a => a.Command.Name).ToDictionary(g => g.Key, g => g.Count());
        foreach (var name in new[] { "decide_no_penalty", "transfer_case", "apply_for_review", "conclude_review", "decide_not_to_file", "transfer_lead",
                     "suspend_case", "request_hearing", "grant_instalments", "record_mediation_agreement", "adjudicate_dispute", "hold_goods" })
            commands.GetValueOrDefault(name).ShouldBeGreaterThan(0, name);
        // Cases filed in one year and closed in the next.
        var crossYear = Dataset.Actions.GroupBy(a => a.CaseId).Count(c =>
            c.FirstOrDefault(a => a.Command is CaseCommand.FileCase)?.Command.On.Year is { } filed
            && c.FirstOrDefault(a => a.Command is CaseCommand.CloseCase)?.Command.On.Year is { } closed && closed > filed);
        crossYear.ShouldBeGreaterThan(50);
        // Bureaus at every level.
        var regions = Dataset.Actions.Where(a => a.Command is CaseCommand.RegisterLead).Select(a => ((CaseCommand.RegisterLead)a.Command).Region.Level).Distinct();
        regions.ShouldBe([RegionLevel.Province, RegionLevel.City, RegionLevel.County], ignoreOrder: true);
        Dataset.Actions.Select(a => a.IdempotencyKey).Distinct().Count().ShouldBe(Dataset.Actions.Count);
    }

    [Fact]
    public async Task InnerMongoliasTypicalCaseListsOf2018To2020AreDraftedApprovedAndPublished()
    {
        loaded.TypicalLists.Select(l => l.Id.Year).ShouldBe([2018, 2019, 2020]);
        var selections = new TypicalCaseSelections(Store, SystemClock.Instance);
        foreach (var view in loaded.TypicalLists)
        {
            var state = view.State;
            state.Region.ShouldBe(RegionCode.Parse("150000"));
            var first = state.Editions[0];
            first.Entries.Count.ShouldBe(10, $"{view.Id}: ten cases");
            first.Approval.ShortfallReason.ShouldBeNull();
            foreach (var entry in first.Entries)
            {
                entry.ClosedOn.Year.ShouldBe(view.Id.Year, entry.CaseId);
                entry.CaseRegion.IsWithin(RegionCode.Parse("150000")).ShouldBeTrue(entry.CaseId);
                entry.Text!.By.ShouldNotBe(first.Approval.By, "the approver wrote none of the texts");
            }
            first.On.ShouldBe(Dataset.TypicalLists.Single(l => l.Year == view.Id.Year).PublishedOn);
            // The approval precedes publication and both precede what the ledger knew of any later correction.
            var published = view.History.First(h => h.Event is SelectionEvent.SelectionPublished);
            published.Recorded.RecordedAt.InZone(DecisionContext.Zone).Date.ShouldBe(first.On);

            foreach (var edition in state.Editions)
            foreach (var format in new[] { "html", "markdown", "json" })
            {
                var artefact = await selections.ArtefactAsync(view.Id, edition.Edition, format);
                artefact.MatchesStoredHash.ShouldBeTrue($"{view.Id} edition {edition.Edition} {format}");
                artefact.MatchesRendering.ShouldBeTrue($"{view.Id} edition {edition.Edition} {format}");
                artefact.RecordedSha256.ShouldBe(edition.Documents.Single(d => d.Format == format).Sha256);
                Redaction.FindPersonalData(artefact.Text, []).ShouldBeEmpty($"{view.Id} edition {edition.Edition} {format}");
            }
        }
        var html2019 = (await selections.ArtefactAsync(loaded.TypicalLists[1].Id, 1, "html")).Text;
        html2019.ShouldContain("<h1>内蒙古自治区2019年度知识产权保护十大典型案例</h1>");
        foreach (var section in new[] { "【案情简介】", "【处理结果】", "【典型意义】" })
            (html2019.Split(section).Length - 1).ShouldBe(10, section);
    }

    [Fact]
    public async Task The2020ListIsWithdrawnAndCorrectedWithinThreeWorkingDaysOfTheVariedFineAndItsFirstEditionStays()
    {
        var view = loaded.TypicalLists.Single(l => l.Id.Year == 2020);
        var varied = Dataset.Corrections.Single(c => c.Region.IsWithin(RegionCode.Parse("150000")));
        view.State.Editions.Count.ShouldBe(2);
        view.State.Editions[0].Entries.Select(e => e.CaseId).ShouldContain(varied.CaseId);
        var due = view.WithdrawalsDue.ShouldHaveSingleItem();
        due.CaseId.ShouldBe(varied.CaseId);
        due.Edition.ShouldBe(1);
        due.ChangedOn.ShouldBe(new LocalDate(2021, 3, 16));
        due.DueOn.ShouldBe(new LocalDate(2021, 3, 19), "Tuesday 16 March + 3 working days");
        due.WithdrawnOn.ShouldBe(new LocalDate(2021, 3, 17));
        due.Overdue.ShouldBeFalse();

        var selections = new TypicalCaseSelections(Store, SystemClock.Instance);
        var first = (await selections.ArtefactAsync(view.Id, 1, "markdown")).Text;
        var second = (await selections.ArtefactAsync(view.Id, 2, "markdown")).Text;
        var before = CaseNarrative.Yuan(varied.FinesBefore);
        var after = CaseNarrative.Yuan(varied.FinesAfter);
        first.ShouldContain($"罚款{before}");
        first.ShouldNotContain("原处罚决定变更为");
        second.ShouldContain($"原处罚决定变更为：罚款{after}");
        second.ShouldContain("本版为第2版，更正2021年1月28日发布的第1版。");
        (await selections.ArtefactAsync(view.Id, null, "markdown")).Edition.ShouldBe(2);
    }
}
