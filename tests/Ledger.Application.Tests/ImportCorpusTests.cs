using System.Text;
using System.Text.Json.Nodes;
using Ledger.Application.Cases;
using Ledger.Application.Import;
using Ledger.Testing;

namespace Ledger.Application.Tests;

/// <summary>
/// Import lines broken from a fixed seed (<see cref="HostileJson"/>, applied to a line's fields, or to the line itself):
/// a file holding one broken line among the manual's valid example is refused whole, with a problem naming that line, a
/// field and a rule, and writes nothing; no broken line escapes as an exception.
/// </summary>
public sealed class ImportCorpusTests : IAsyncLifetime
{
    private const int Seed = 20_261_207;
    private const int Files = 300;

    private readonly string directory = Directory.CreateTempSubdirectory("ledger-import-corpus-").FullName;
    private TestDatabase db = null!;
    private CaseImporter importer = null!;

    public async Task InitializeAsync()
    {
        db = await TestDatabase.CreateAsync();
        var store = LedgerEvents.Store(db.App);
        importer = new CaseImporter(store, new CaseCommandHandler(store, SystemClock.Instance), SystemClock.Instance);
    }

    public async Task DisposeAsync()
    {
        await db.DisposeAsync();
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public async Task EveryBrokenLineIsRefusedNamingItsLineFieldAndRuleAndNothingIsWritten()
    {
        var random = new Random(Seed);
        var valid = await File.ReadAllLinesAsync(Path.Combine(AppContext.BaseDirectory, "import-examples", "shoe-shop.jsonl"));
        var failures = new List<string>();
        for (var i = 0; i < Files; i++)
        {
            var broken = random.Next(valid.Length);
            var row = JsonNode.Parse(valid[broken])!.AsObject();
            // Most breaks go into the action's fields; some into the row's own columns.
            var inFields = random.Next(4) > 0;
            var target = inFields ? row["fields"]!.AsObject() : row;
            var way = random.Next(HostileJson.Ways);
            // A row's own columns take a number as its text (a source system's numeric ids): a long one is no break there.
            if (!inFields && way == HostileJson.NumberPastAnyColumn) way = 0;
            var (mutation, utf8) = HostileJson.Break(random, target, way);
            var line = inFields
                ? Encoding.UTF8.GetBytes(row.ToJsonString().Replace("\"fields\":" + target.ToJsonString(), "\"fields\":FIELDS", StringComparison.Ordinal))
                : utf8;
            if (inFields)
            {
                var at = line.AsSpan().IndexOf("FIELDS"u8);
                line = [.. line[..at], .. utf8, .. line[(at + 6)..]];
            }
            var path = Path.Combine(directory, $"corpus-{i}.jsonl");
            await using (var file = File.Create(path))
                for (var n = 0; n < valid.Length; n++)
                {
                    await file.WriteAsync(n == broken ? line : Encoding.UTF8.GetBytes(valid[n]));
                    await file.WriteAsync("\n"u8.ToArray());
                }

            try
            {
                var (actions, problems) = await ImportFile.ReadAsync(path);
                var report = await importer.ImportAsync(actions, problems, "corpus", new ImportOptions());
                var named = report.Problems.FirstOrDefault(p => p.Line == broken + 1);
                if (!report.Refused || named is null || string.IsNullOrWhiteSpace(named.Field) || string.IsNullOrWhiteSpace(named.Rule))
                    failures.Add($"#{i} line {broken + 1}, {mutation}: refused {report.Refused}, problems [{string.Join("; ", report.Problems)}]: {Encoding.UTF8.GetString(line)}");
            }
            catch (Exception e)
            {
                failures.Add($"#{i} line {broken + 1}, {mutation}: {e.GetType().Name} {e.Message}");
            }
            File.Delete(path);
        }
        failures.ShouldBeEmpty($"{failures.Count} of {Files} broken files were not refused cleanly");
        (await db.CountEventsAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task AFileSavedWithAByteOrderMarkReadsAsWithout()
    {
        var lines = await File.ReadAllBytesAsync(Path.Combine(AppContext.BaseDirectory, "import-examples", "shoe-shop.jsonl"));
        var path = Path.Combine(directory, "with-bom.jsonl");
        await File.WriteAllBytesAsync(path, [0xEF, 0xBB, 0xBF, .. lines]);
        var (actions, problems) = await ImportFile.ReadAsync(path);
        problems.ShouldBeEmpty();
        actions.Count.ShouldBe(7);
    }
}
