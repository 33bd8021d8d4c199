using System.Text.Json;
using Ledger.Application.Cases;
using Ledger.Application.Import;
using Ledger.Domain;
using Ledger.EventStore;
using Ledger.Testing;

namespace Ledger.Application.Tests;

/// <summary><c>ledger import</c>: the example files of the manual (docs/cli.md) through command handling, against a real PostgreSQL.</summary>
public sealed class ImportTests : IAsyncLifetime
{
    private TestDatabase db = null!;
    private LedgerEventStore store = null!;
    private CaseImporter importer = null!;

    private static string Example(string name) => Path.Combine(AppContext.BaseDirectory, "import-examples", name);

    public async Task InitializeAsync()
    {
        db = await TestDatabase.CreateAsync();
        store = LedgerEvents.Store(db.App);
        importer = new CaseImporter(store, new CaseCommandHandler(store, SystemClock.Instance), SystemClock.Instance);
    }

    public async Task DisposeAsync() => await db.DisposeAsync();

    private async Task<ImportReport> ImportAsync(string file, bool skipInvalid = false, IProgress<ImportProgress>? progress = null)
    {
        var (actions, problems) = await ImportFile.ReadAsync(Example(file));
        return await importer.ImportAsync(actions, problems, "test-import", new ImportOptions(skipInvalid, Progress: progress));
    }

    [Fact]
    public async Task AJsonLinesFileIsRecordedThroughCommandHandlingWithTheSourcesInstantsAndReimportingWritesNothing()
    {
        var first = await ImportAsync("shoe-shop.jsonl");

        first.Refused.ShouldBeFalse();
        first.ActionsWritten.ShouldBe(7);
        var history = await CaseHistory.LoadAsync(store, "140824-2025-0031");
        history.State.Decision!.Items.Fines().ShouldBe(Money.FromYuan(12_000));
        history.Entries[0].Recorded.RecordedAt.ShouldBe(Instant.FromUtc(2025, 3, 3, 1, 12));
        using var metadata = JsonDocument.Parse(history.Entries[^1].Recorded.Metadata);
        metadata.RootElement.GetProperty("source").GetString().ShouldBe("test-import");
        metadata.RootElement.GetProperty("command").GetString().ShouldBe("decide_penalty");
        metadata.RootElement.TryGetProperty("imported_at", out _).ShouldBeTrue();
        EventHashChain.Verify(await store.GetStreamAsync("140824-2025-0031"), await store.ReadStreamAsync("140824-2025-0031")).ShouldBeEmpty();

        var again = await ImportAsync("shoe-shop.jsonl");

        again.ActionsWritten.ShouldBe(0);
        again.ActionsAlreadyRecorded.ShouldBe(7);
        (await db.CountEventsAsync()).ShouldBe(7);
    }

    [Fact]
    public async Task ACsvFileMayGiveFieldsAsColumnsWithJsonCells()
    {
        var report = await ImportAsync("agency.csv");

        report.Problems.ShouldBeEmpty();
        report.ActionsWritten.ShouldBe(3);
        var state = (await CaseHistory.LoadAsync(store, "140800-2025-0090")).State;
        state.Kind.ShouldBe(CaseKind.PatentAgency);
        state.Campaigns.ShouldBe(["蓝天2025"]);
        state.Handlers.Count.ShouldBe(2);
    }

    [Fact]
    public async Task AFileWithRefusedRowsIsRefusedWholeNamingFileLineFieldAndRuleAndWritesNothing()
    {
        var report = await ImportAsync("invalid.jsonl");

        report.Refused.ShouldBeTrue();
        report.ActionsWritten.ShouldBe(0);
        (await db.CountEventsAsync()).ShouldBe(0);
        report.Problems.Select(p => (p.Line, p.CaseId, p.Field)).ShouldBe([
            (2, "140824-2025-0041", "case"),
            (4, "140824-2025-0043", "region"),
            (5, null, "row"),
        ]);
        report.Problems[0].Rule.ShouldContain("no decision before the case is filed");
        report.Problems[0].ToString().ShouldStartWith("invalid.jsonl:2: case 140824-2025-0041: case:");
    }

    [Fact]
    public async Task SkippingInvalidRowsWritesTheValidCasesAndListsTheRefusedOnes()
    {
        var report = await ImportAsync("invalid.jsonl", skipInvalid: true);

        report.Refused.ShouldBeFalse();
        report.RefusedCases.ShouldBe(["140824-2025-0041", "140824-2025-0043"]);
        report.CasesWritten.ShouldBe(1);
        (await store.GetStreamAsync("140824-2025-0042")).ShouldNotBeNull();
        // A case with a refused row is left out whole: its first, valid row is not written either.
        (await store.GetStreamAsync("140824-2025-0041")).ShouldBeNull();
    }

    [Fact]
    public async Task AnActionIdAlreadyRecordedWithOtherFieldsIsRefusedNamingItAndWritesNothing()
    {
        // A source's action id is an idempotency key: re-importing it replays, but the same id carrying other fields is a
        // different action, never silently taken for the one recorded.
        var path = Path.Combine(Path.GetTempPath(), $"ledger-import-{Guid.NewGuid():N}.jsonl");
        var lines = (await File.ReadAllLinesAsync(Example("shoe-shop.jsonl"))).Take(2)
            .Select((line, i) => line.Replace("{\"case_id\"", $"{{\"action_id\": \"src-{i}\", \"case_id\"", StringComparison.Ordinal)).ToArray();
        await File.WriteAllLinesAsync(path, lines);
        try
        {
            var (actions, problems) = await ImportFile.ReadAsync(path);
            (await importer.ImportAsync(actions, problems, "test-import", new ImportOptions())).ActionsWritten.ShouldBe(2);

            lines[1] = lines[1].Replace("商标法第五十七条第三项", "商标法第五十七条第二项", StringComparison.Ordinal);
            await File.WriteAllLinesAsync(path, lines);
            (actions, problems) = await ImportFile.ReadAsync(path);
            var report = await importer.ImportAsync(actions, problems, "test-import", new ImportOptions());

            report.Refused.ShouldBeTrue();
            var problem = report.Problems.Single();
            (problem.Line, problem.Field).ShouldBe((2, "action_id"));
            problem.Rule.ShouldContain("different body");
            (await db.CountEventsAsync()).ShouldBe(2);
        }
        finally { File.Delete(path); }
    }

    [Theory]
    [InlineData("\"source\": \"complaint\"", "\"source\": \"complaint, report\"", "source", "must be one of")]
    [InlineData("\"source\": \"complaint\"", "\"source\": \"Complaint\"", "source", "must be one of")]
    [InlineData("\"source\": \"complaint\"", "\"source\": \"complaint\", \"source\": \"report\"", "row", "not valid JSON")]
    public async Task AnEnumSpelledOtherwiseOrAKeyGivenTwiceIsRefusedNamingTheFieldAndWritesNothing(string from, string to, string field, string rule)
    {
        var path = Path.Combine(Path.GetTempPath(), $"ledger-import-{Guid.NewGuid():N}.jsonl");
        var lines = await File.ReadAllLinesAsync(Example("shoe-shop.jsonl"));
        lines[0].ShouldContain(from);
        lines[0] = lines[0].Replace(from, to, StringComparison.Ordinal);
        await File.WriteAllLinesAsync(path, lines);
        try
        {
            var (actions, problems) = await ImportFile.ReadAsync(path);
            var report = await importer.ImportAsync(actions, problems, "test-import", new ImportOptions());

            report.Refused.ShouldBeTrue();
            // The case's later rows are refused too (the lead they follow is not there): the first problem is the one.
            var problem = report.Problems[0];
            (problem.Line, problem.Field).ShouldBe((1, field));
            problem.Rule.ShouldContain(rule);
            (await db.CountEventsAsync()).ShouldBe(0);
        }
        finally { File.Delete(path); }
    }

    [Theory]
    [InlineData(1, "2025-03-04T10:00:00+08:00", "2025-03-02T10:00:00+08:00", "earlier than the case's previous action")]
    [InlineData(2, "2025-03-04T10:05:00+08:00", "2099-03-04T10:05:00+08:00", "is in the future")]
    public async Task ARowRecordedInTheFutureOrOutOfOrderIsRefusedNamingRecordedAt(int index, string recorded, string changed, string rule)
    {
        var path = Path.Combine(Path.GetTempPath(), $"ledger-import-{Guid.NewGuid():N}.jsonl");
        var lines = await File.ReadAllLinesAsync(Example("shoe-shop.jsonl"));
        lines[index] = lines[index].Replace(recorded, changed, StringComparison.Ordinal);
        await File.WriteAllLinesAsync(path, lines);
        try
        {
            var (actions, problems) = await ImportFile.ReadAsync(path);
            var report = await importer.ImportAsync(actions, problems, "test-import", new ImportOptions());

            report.Refused.ShouldBeTrue();
            report.Problems.Single().Field.ShouldBe("recorded_at");
            report.Problems.Single().Line.ShouldBe(index + 1);
            report.Problems.Single().Rule.ShouldContain(rule);
            (await db.CountEventsAsync()).ShouldBe(0);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public async Task ProgressIsReportedWhileCheckingAndWriting()
    {
        var reports = new List<ImportProgress>();
        await ImportAsync("shoe-shop.jsonl", progress: new Recorder(reports));

        reports.ShouldContain(p => p.Phase == "checked" && p.CasesDone == 1);
        reports.ShouldContain(p => p.Phase == "written" && p.CasesDone == 1 && p.ActionsWritten == 7);
    }

    private sealed class Recorder(List<ImportProgress> reports) : IProgress<ImportProgress>
    {
        public void Report(ImportProgress value) { lock (reports) reports.Add(value); }
    }
}
