using Ledger.EventStore.Hosting;
using Shouldly;

namespace Ledger.EventStore.Tests;

// The password file is read as libpq reads it (the PostgreSQL manual, "The Password File"): the national feed passes a
// province's password on to the subscription, and the private cluster keeps its roles' passwords there.
public sealed class PgPassFileTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"ledger-pgpass-{Guid.NewGuid():N}");

    public void Dispose() => File.Delete(_path);

    [Fact]
    public void TheFirstMatchingLineGivesThePasswordAndAStarMatchesAnything()
    {
        File.WriteAllLines(_path,
        [
            "# a comment",
            "",
            "10.0.0.5:5432:ledger:ledger_app:first",
            "*:*:*:ledger_app:second",
            "127.0.0.1:*:*:ledger:owner",
        ]);

        PgPassFile.Lookup(_path, "10.0.0.5", 5432, "ledger", "ledger_app").ShouldBe("first");
        PgPassFile.Lookup(_path, "10.0.0.5", 5433, "ledger", "ledger_app").ShouldBe("second");
        PgPassFile.Lookup(_path, "127.0.0.1", 41000, "anything", "ledger").ShouldBe("owner");
        PgPassFile.Lookup(_path, "10.0.0.6", 5432, "ledger", "ledger").ShouldBeNull();
    }

    [Fact]
    public void EscapedColonsAndBackslashesArePartOfTheField()
    {
        File.WriteAllLines(_path, [@"127.0.0.1:5432:*:odd\:user:pa\:ss\\word:with:colons"]);

        PgPassFile.Lookup(_path, "127.0.0.1", 5432, "ledger", "odd:user").ShouldBe(@"pa:ss\word:with:colons");
    }

    [Fact]
    public void NoFileAndShortLinesGiveNoPassword()
    {
        PgPassFile.Lookup(_path, "127.0.0.1", 5432, "ledger", "ledger").ShouldBeNull();
        File.WriteAllLines(_path, ["127.0.0.1:5432:ledger"]);
        PgPassFile.Lookup(_path, "127.0.0.1", 5432, "ledger", "ledger").ShouldBeNull();
    }
}
