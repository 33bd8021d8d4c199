using Ledger.Domain;
using Ledger.Domain.Law;
using Ledger.EventStore.Migrations;
using Ledger.Testing;

namespace Ledger.Application.Tests;

/// <summary>
/// Migration 0019 splits the totals rows already recorded by provision as a rebuild would: money of a kind with exactly
/// one fine provision under it, of any other kind as 'unstated' — the rule of <see cref="PenaltyItems.ByProvision"/>
/// for items recorded before they named their provision, checked here against the rule book for every kind.
/// </summary>
public sealed class TotalsByProvisionMigrationTests : IAsyncLifetime
{
    private TestDatabase db = null!;
    private readonly string before = Directory.CreateTempSubdirectory("ledger-migrations-0018-").FullName;

    public async Task InitializeAsync()
    {
        db = await TestDatabase.CreateAsync(migrate: false);
        foreach (var file in Directory.GetFiles(TestServer.MigrationsDirectory).Where(f => string.CompareOrdinal(Path.GetFileName(f), "0019") < 0))
            File.Copy(file, Path.Combine(before, Path.GetFileName(file)));
    }

    public async Task DisposeAsync()
    {
        await db.DisposeAsync();
        Directory.Delete(before, recursive: true);
    }

    [Fact]
    public async Task RowsRecordedBeforeTheSplitAreSplitUnderTheKindsOwnProvisionOrAsUnstated()
    {
        await new Migrator(db.Owner, before).ApplyAsync();
        var kinds = Enum.GetValues<CaseKind>();
        for (var i = 0; i < kinds.Length; i++)
            await InsertAsync(i, SnakeCase.Of(kinds[i]), sign: i % 2 == 0 ? 1 : -1, fines: 100.50m, confiscations: 10m);
        await InsertAsync(kinds.Length, "trademark_infringement", sign: 1, fines: 0m, confiscations: 0m);

        // 0019 is applied first, to the rows recorded before it (later migrations follow it).
        (await new Migrator(db.Owner, TestServer.MigrationsDirectory).ApplyAsync()).First().ShouldBe("0019_totals_by_provision.sql");

        await using var read = db.Owner.CreateCommand("select seq, provisions, provision_fines, provision_confiscations from ledger.totals_changes order by seq");
        await using var reader = await read.ExecuteReaderAsync();
        var rows = new List<(short Seq, string[] Provisions, decimal[] Fines, decimal[] Confiscations)>();
        while (await reader.ReadAsync())
            rows.Add((reader.GetInt16(0), reader.GetFieldValue<string[]>(1), reader.GetFieldValue<decimal[]>(2), reader.GetFieldValue<decimal[]>(3)));
        rows.Count.ShouldBe(kinds.Length + 1);
        for (var i = 0; i < kinds.Length; i++)
        {
            var expected = FineRuleBook.China.FamiliesFor(kinds[i]) is [var own] ? own : ProvisionAmounts.Unstated;
            var sign = i % 2 == 0 ? 1 : -1;
            rows[i].Provisions.ShouldBe([expected], kinds[i].ToString());
            rows[i].Fines.ShouldBe([sign * 100.50m]);
            rows[i].Confiscations.ShouldBe([sign * 10m]);
        }
        rows[^1].Provisions.ShouldBeEmpty("a row without money has nothing to split");
    }

    private async Task InsertAsync(int seq, string kind, int sign, decimal fines, decimal confiscations)
    {
        await using var insert = db.Owner.CreateCommand(
            "insert into ledger.totals_changes (position, seq, recorded_at, case_id, caliber, region, kind, period_on, flags, campaigns, " +
            "cases, case_value, fines, confiscations, police) " +
            "values (1, $1, now(), 'c', 'closed', '140824', $2, date '2020-06-01', '{}', '{}', $3, 0, $4, $5, 0)");
        insert.Parameters.AddWithValue((short)seq);
        insert.Parameters.AddWithValue(kind);
        insert.Parameters.AddWithValue((short)sign);
        insert.Parameters.AddWithValue(sign * fines);
        insert.Parameters.AddWithValue(sign * confiscations);
        await insert.ExecuteNonQueryAsync();
    }
}
