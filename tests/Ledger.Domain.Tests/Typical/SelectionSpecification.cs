using Ledger.Domain.Serialization;
using Ledger.Domain.Typical;
using static Ledger.Domain.CaseEvent;

namespace Ledger.Domain.Tests.Typical;

/// <summary>
/// Given(selection events).When(command).Then(events) or .ThenFails(field, rule) for typical-case selections, with the
/// case files the command may name. The selection is 山西省's (140000) for 2025 unless a test says otherwise.
/// </summary>
public sealed class SelectionSpecification
{
    private readonly List<SelectionEvent> given = [];
    private readonly Dictionary<string, CaseFile> cases = [];
    private SelectionCommand? command;

    public RegionCode Region { get; init; } = RegionCode.Parse("140000");
    public int Year { get; init; } = 2025;

    public SelectionSpecification WithCase(string caseId, params CaseEvent[] events)
    {
        cases[caseId] = new CaseFile(caseId, events, CaseModel.Replay(events));
        return this;
    }

    public SelectionSpecification Given(params SelectionEvent[] events)
    {
        given.AddRange(events);
        return this;
    }

    public SelectionSpecification When(SelectionCommand next)
    {
        command = next;
        return this;
    }

    public SelectionState State => TypicalSelectionModel.Replay(given);
    public IReadOnlyDictionary<string, CaseFile> Cases => cases;

    /// <summary>Asserts the command records exactly <paramref name="expected"/>; returns the state after them.</summary>
    public SelectionState Then(params SelectionEvent[] expected)
    {
        var actual = Decide();
        Stored(actual).ShouldBe(Stored(expected));
        return TypicalSelectionModel.Replay([.. given, .. actual]);
    }

    /// <summary>Asserts the command is accepted; returns what it recorded.</summary>
    public IReadOnlyList<SelectionEvent> ThenAccepted() => Decide();

    /// <summary>Asserts the command is refused on <paramref name="field"/> with a rule containing each fragment.</summary>
    public DomainRuleViolation ThenFails(string field, params string[] ruleFragments)
    {
        var refusal = Should.Throw<DomainRuleViolation>(() => Decide());
        refusal.Field.ShouldBe(field, refusal.Message);
        foreach (var fragment in ruleFragments) refusal.Rule.ShouldContain(fragment, Case.Sensitive, refusal.Message);
        return refusal;
    }

    private IReadOnlyList<SelectionEvent> Decide() =>
        TypicalSelectionModel.Decide(command ?? throw new InvalidOperationException("When(command) first"), State, new SelectionContext(Region, Year, cases));

    private static List<string> Stored(IEnumerable<SelectionEvent> events) =>
        [.. events.Select(e => $"{SelectionEventSerializer.TypeNameOf(e)} {SelectionEventSerializer.SerializeToElement(e)}")];
}

/// <summary>Closed (and open) cases for selections, one of them full of a natural person's personal data.</summary>
public static class TypicalSamples
{
    public const string Publisher = "14000000301";
    public const string SecondPublisher = "14000000302";
    public const string Approver = "14000000001";

    /// <summary>A natural person whose name, identity number, phone and address the case file holds.</summary>
    public static readonly Party JianguoZhang = new(PartyKind.NaturalPerson, "张建国", "140824198703152416", "13935912345", "山西省运城市稷山县稷峰镇新华街18号3单元201室");

    /// <summary>A closed trademark case of 稷山县 closed on 2025-04-28, fined 20,000; every free text of the file names the party.</summary>
    public static CaseEvent[] ClosedCase(Party? party = null, string region = "140824")
    {
        var p = party ?? JianguoZhang;
        var where = RegionCode.Parse(region);
        return
        [
            new LeadRegistered(D(2025, 2, 19), LeadSource.Report, p.Kind == PartyKind.NaturalPerson
                    ? $"群众举报{p.Name}（身份证号{p.IdentityNumber}，电话{p.Phone}）在{p.Address}销售假冒“N”注册商标的运动鞋"
                    : $"群众举报{p.Name}销售假冒“N”注册商标的运动鞋",
                where, CaseKind.TrademarkInfringement, p, MarkN, D(2025, 2, 10), [CaseFlags.PhysicalMarket], ["铁拳2025"]),
            Filed(),
            Officers(),
            new EvidenceRecorded(D(2025, 2, 26), p.Phone is null ? $"对{p.Name}经营场所现场检查" : $"对{p.Name}经营场所现场检查，询问{p.Name}，联系电话{p.Phone}"),
            new GoodsHeld(D(2025, 2, 26), "KY-01", GoodsMeasure.Seized, p.Address is null ? "涉嫌侵权运动鞋32双" : $"{p.Name}存放于{p.Address}的运动鞋32双", Yuan(6_400)),
            Assessed(turnover: 12_000, gains: 3_000),
            Reviewed(),
            Notice(Fine(20_000), StopOrder),
            new PenaltyDecided(D(2025, 4, 15), "稷市监处罚〔2025〕12号",
                [Fine(20_000), ConfiscateGains(3_000), ConfiscateGoods($"没收{p.Name}的侵权运动鞋32双"), StopOrder], TrademarkBases, null, Head),
            Served(),
            Paid(23_000),
            new CaseClosed(D(2025, 4, 28), ClosingGround.Executed, $"{p.Name}已缴清罚没款，结案"),
        ];
    }

    /// <summary>A case still under investigation.</summary>
    public static CaseEvent[] OpenCase() => [.. ClosedCase()[..4]];

    /// <summary>An organisation's closed case (nothing personal to redact).</summary>
    public static CaseEvent[] CompanyCase(string region = "140824") => ClosedCase(new Party(PartyKind.Organisation, "稷山县某商贸有限公司"), region);

    public static SelectionEvent.SelectionOpened Opened(PersonNaming naming = PersonNaming.Masked) => new(RegionCode.Parse("140000"), 2025, naming);

    public static SelectionEvent.CaseNominated Nominated(string caseId, string by = Publisher, long version = 12) =>
        new(caseId, version, RegionCode.Parse("140824"), CaseKind.TrademarkInfringement, D(2025, 4, 28), by);

    public static SelectionEvent.CaseDrafted Drafted(string caseId, string by = Publisher, long version = 12) =>
        new(caseId, version, $"稷山县市场监督管理局查处案件{caseId}案", "案情。", "处理结果。", "典型意义。", ["significance"], by);
}
