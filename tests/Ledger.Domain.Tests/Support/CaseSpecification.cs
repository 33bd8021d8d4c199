using NodaTime.Testing;
using Ledger.Domain.Calendar;
using Ledger.Domain.Law;
using Ledger.Domain.Serialization;

namespace Ledger.Domain.Tests.Support;

/// <summary>
/// Given(events).When(command).Then(events) or .ThenFails(field, rule). Events are compared in their stored form
/// (type name and JSON), which is what an auditor sees.
/// </summary>
public abstract class CaseSpecification
{
    private readonly List<CaseEvent> given = [];
    private CaseCommand? command;

    /// <summary>"Now" for the command: 2025-12-01 10:00 in China unless a test moves it.</summary>
    protected FakeClock Clock { get; } = ChinaTime.Clock(2025, 12, 1);

    protected FineRuleBook FineRules { get; set; } = FineRuleBook.China;
    protected HearingThresholds HearingThresholds { get; set; } = HearingThresholds.SamrDefault;
    protected WorkingDayCalendar Calendar { get; set; } = WorkingDayCalendar.China;

    protected DecisionContext Context => new(Clock.GetCurrentInstant(), FineRules, HearingThresholds, Calendar);

    public CaseSpecification Given(params CaseEvent[] events)
    {
        given.AddRange(events);
        return this;
    }

    public CaseSpecification When(CaseCommand next)
    {
        command = next;
        return this;
    }

    /// <summary>Asserts the command records exactly <paramref name="expected"/>; returns the state after them.</summary>
    public CaseState Then(params CaseEvent[] expected)
    {
        var actual = Decide();
        Stored(actual).ShouldBe(Stored(expected));
        return CaseModel.Replay([.. given, .. actual]);
    }

    /// <summary>Asserts the command is accepted and returns the state after what it records.</summary>
    public CaseState ThenAccepted() => CaseModel.Replay([.. given, .. Decide()]);

    /// <summary>Asserts the command is refused on <paramref name="field"/> with a rule containing each fragment.</summary>
    public DomainRuleViolation ThenFails(string field, params string[] ruleFragments)
    {
        var refusal = Should.Throw<DomainRuleViolation>(() => Decide());
        refusal.Field.ShouldBe(field, refusal.Message);
        foreach (var fragment in ruleFragments) refusal.Rule.ShouldContain(fragment, Case.Sensitive, refusal.Message);
        return refusal;
    }

    private IReadOnlyList<CaseEvent> Decide() =>
        CaseModel.Decide(command ?? throw new InvalidOperationException("When(command) first"), CaseModel.Replay(given), Context);

    private static List<string> Stored(IEnumerable<CaseEvent> events) =>
        [.. events.Select(e => $"{CaseEventSerializer.TypeNameOf(e)} {CaseEventSerializer.Serialize(e)}")];
}
