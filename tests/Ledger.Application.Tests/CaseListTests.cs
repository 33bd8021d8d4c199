using Ledger.Application.Cases;
using Ledger.Domain;
using Ledger.EventStore;
using Ledger.Testing;
using static Ledger.Domain.CaseCommand;

namespace Ledger.Application.Tests;

/// <summary>The case list over the case view: filters, paging and bad parameters.</summary>
public sealed class CaseListTests : IAsyncLifetime
{
    private TestDatabase db = null!;
    private CaseCommandHandler handler = null!;


    public async Task InitializeAsync()
    {
        db = await TestDatabase.CreateAsync();
        handler = new CaseCommandHandler(LedgerEvents.Store(db.App), new FakeClock(Instant.FromUtc(2025, 12, 1, 2, 0)));
    }

    public async Task DisposeAsync() => await db.DisposeAsync();

    private async Task RecordAsync(string caseId, string region, CaseKind kind, string[] flags, bool file)
    {
        var i = 0;
        Task Send(CaseCommand c) => handler.HandleAsync(new CommandEnvelope(caseId, "tester", $"k{i++}"), c);
        await Send(new RegisterLead(new LocalDate(2025, 3, 1), LeadSource.Inspection, "检查发现", RegionCode.Parse(region), kind,
            new Party(PartyKind.Organisation, "某公司"), kind == CaseKind.TrademarkAgency ? null : new ProtectedRight(RightKind.Trademark, "N", null, "某公司"),
            new LocalDate(2025, 2, 1), flags, ["铁拳2025"]));
        if (file) await Send(new FileCase(new LocalDate(2025, 3, 5), "head", ["商标法第五十七条"]));
    }

    private Task<(IReadOnlyList<CaseListItem> Items, long Total)> List(CaseListQuery query) =>
        CaseList.QueryAsync(db.App, query, new LocalDate(2025, 12, 1));

    [Fact]
    public async Task FiltersByRegionLevelStatusKindFlagAndPages()
    {
        await RecordAsync("140824-2025-0001", "140824", CaseKind.TrademarkInfringement, [CaseFlags.ForeignRelated], file: true);
        await RecordAsync("140823-2025-0001", "140823", CaseKind.TrademarkAgency, [], file: false);
        await RecordAsync("150102-2025-0001", "150102", CaseKind.TrademarkInfringement, [], file: true);

        (await List(CaseListQuery.Parse("140000", null, null, null, null, false, null, null, 50, 0))).Items.Select(i => i.CaseId)
            .ShouldBe(["140824-2025-0001", "140823-2025-0001"]);
        (await List(CaseListQuery.Parse("140800", "investigating", null, null, null, false, null, null, 50, 0))).Items.Single().CaseId.ShouldBe("140824-2025-0001");
        (await List(CaseListQuery.Parse(null, null, "trademark_agency", null, null, false, null, null, 50, 0))).Items.Single().CaseId.ShouldBe("140823-2025-0001");
        (await List(CaseListQuery.Parse(null, null, null, CaseFlags.ForeignRelated, null, false, null, null, 50, 0))).Items.Single().Region.ShouldBe("140824");
        (await List(CaseListQuery.Parse(null, null, null, null, "铁拳2025", false, "2025-03-05", "2025-03-05", 50, 0))).Total.ShouldBe(2);
        // The lead never filed is past its 15-working-day filing period on 2025-12-01.
        (await List(CaseListQuery.Parse(null, null, null, null, null, true, null, null, 50, 0))).Items.Select(i => i.CaseId).ShouldContain("140823-2025-0001");

        var page = await List(CaseListQuery.Parse(null, null, null, null, null, false, null, null, 2, 1));
        page.Items.Count.ShouldBe(2);
        page.Total.ShouldBe(3);
    }

    [Theory]
    [InlineData("99", null, null, null, null, 50, 0, "region")]
    [InlineData(null, "open", null, null, null, 50, 0, "status")]
    [InlineData(null, null, "shoes", null, null, 50, 0, "kind")]
    [InlineData(null, null, null, "2025-02-30", null, 50, 0, "filed_from")]
    [InlineData(null, null, null, "2025-03-01", "2025-02-01", 50, 0, "filed_to")]
    [InlineData(null, null, null, null, null, 0, 0, "limit")]
    [InlineData(null, null, null, null, null, 50, -1, "offset")]
    public void BadParametersAreRefusedNamingTheParameter(string? region, string? status, string? kind, string? from, string? to, int limit, int offset, string field)
    {
        var error = Should.Throw<DomainRuleViolation>(() => CaseListQuery.Parse(region, status, kind, null, null, false, from, to, limit, offset));
        error.Field.ShouldBe(field);
    }
}
