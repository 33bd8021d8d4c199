using Ledger.EventStore.Migrations;
using Shouldly;

namespace Ledger.EventStore.Tests;

public sealed class MigratorTests : IAsyncLifetime
{
    private TestDatabase _db = null!;
    private readonly string _directory = Directory.CreateTempSubdirectory("ledger-migrations-").FullName;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync(migrate: false);
        foreach (var file in Directory.GetFiles(TestServer.MigrationsDirectory))
            File.Copy(file, Path.Combine(_directory, Path.GetFileName(file)));
        await File.WriteAllTextAsync(Path.Combine(_directory, "9001_test_notes.sql"), "create table public.test_notes (id int);\n");
    }

    public async Task DisposeAsync()
    {
        await _db.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task AppliesPendingMigrationsInOrderOnceAndRecordsTheirHashes()
    {
        var migrator = new Migrator(_db.Owner, _directory);
        (await migrator.StatusAsync()).ShouldAllBe(s => !s.IsApplied);

        var applied = await migrator.ApplyAsync();

        applied.ShouldBe(migrator.Files().Select(f => f.Name));
        applied[^1].ShouldBe("9001_test_notes.sql");
        (await migrator.ApplyAsync()).ShouldBeEmpty();
        (await migrator.StatusAsync()).ShouldAllBe(s => s.IsApplied && !s.WasEdited);
    }

    [Fact]
    public async Task TheApplicationRoleFindsAnUpToDateSchemaUpToDateAndMayApplyNothing()
    {
        // A server connected as the application role (production's least privilege) checks the schema before it serves.
        var asApplication = new Migrator(_db.App, _directory);
        (await Should.ThrowAsync<Npgsql.PostgresException>(() => asApplication.ApplyAsync())).SqlState.ShouldBe(Npgsql.PostgresErrorCodes.InsufficientPrivilege);

        await new Migrator(_db.Owner, _directory).ApplyAsync();
        (await asApplication.ApplyAsync()).ShouldBeEmpty();
        (await asApplication.StatusAsync()).ShouldAllBe(s => s.IsApplied);

        await File.WriteAllTextAsync(Path.Combine(_directory, "9002_more.sql"), "create table public.more (id int);\n");
        (await Should.ThrowAsync<Npgsql.PostgresException>(() => asApplication.ApplyAsync())).SqlState.ShouldBe(Npgsql.PostgresErrorCodes.InsufficientPrivilege);
        (await new Migrator(_db.Owner, _directory).StatusAsync()).Single(s => s.Name == "9002_more.sql").IsApplied.ShouldBeFalse();
    }

    [Fact]
    public async Task AnEditedAppliedMigrationIsRefusedNamingTheFileAndNothingIsApplied()
    {
        var migrator = new Migrator(_db.Owner, _directory);
        await migrator.ApplyAsync();
        await File.AppendAllTextAsync(Path.Combine(_directory, "9001_test_notes.sql"), "alter table public.test_notes add column x int;\n");
        await File.WriteAllTextAsync(Path.Combine(_directory, "9002_more.sql"), "create table public.more (id int);\n");

        var error = await Should.ThrowAsync<MigrationException>(() => migrator.ApplyAsync());

        error.Message.ShouldContain("9001_test_notes.sql was edited after it was applied");
        (await migrator.StatusAsync()).Single(s => s.Name == "9001_test_notes.sql").WasEdited.ShouldBeTrue();
        (await migrator.StatusAsync()).Single(s => s.Name == "9002_more.sql").IsApplied.ShouldBeFalse();
    }

    [Fact]
    public async Task AFailingMigrationLeavesNoTraceAndStopsTheRun()
    {
        await File.WriteAllTextAsync(Path.Combine(_directory, "9002_broken.sql"), "create table public.half (id int);\nselect no_such_function();\n");
        await File.WriteAllTextAsync(Path.Combine(_directory, "9003_after.sql"), "create table public.after (id int);\n");
        var migrator = new Migrator(_db.Owner, _directory);

        await Should.ThrowAsync<Npgsql.PostgresException>(() => migrator.ApplyAsync());

        var status = await migrator.StatusAsync();
        status.Single(s => s.Name == "9001_test_notes.sql").IsApplied.ShouldBeTrue();
        status.Where(s => s.Name is "9002_broken.sql" or "9003_after.sql").ShouldAllBe(s => !s.IsApplied);
        await using var command = _db.Owner.CreateCommand("select to_regclass('public.half') is null");
        (await command.ExecuteScalarAsync()).ShouldBe(true);
    }

    [Theory]
    [InlineData("1_short.sql")]
    [InlineData("0002-Dashes.sql")]
    public void BadlyNamedMigrationFilesAreRefusedByName(string name)
    {
        File.WriteAllText(Path.Combine(_directory, name), "select 1;");
        Should.Throw<MigrationException>(() => new Migrator(_db.Owner, _directory).Files()).Message.ShouldContain(name);
    }
}
