using System.Text;
using System.Text.Json;
using Ledger.Domain.Serialization;

namespace Ledger.Domain.Tests;

public sealed class SerializationTests
{
    public static TheoryData<string> EventTypeNames() => [.. CaseEventSerializer.EventTypes.Values.Order()];

    [Fact]
    public void EverySampleListsEachEventTypeOnce() =>
        Samples.EveryEventType.Select(e => e.GetType()).Order(Comparer<Type>.Create((a, b) => string.CompareOrdinal(a.Name, b.Name)))
            .ShouldBe(CaseEventSerializer.EventTypes.Keys.Order(Comparer<Type>.Create((a, b) => string.CompareOrdinal(a.Name, b.Name))));

    [Theory]
    [MemberData(nameof(EventTypeNames))]
    public void EachEventTypeRoundTripsThroughJson(string typeName)
    {
        var sample = Samples.EveryEventType.Single(e => CaseEventSerializer.TypeNameOf(e) == typeName);
        var json = CaseEventSerializer.Serialize(sample);
        var back = CaseEventSerializer.Deserialize(typeName, json);
        back.GetType().ShouldBe(sample.GetType());
        CaseEventSerializer.Serialize(back).ShouldBe(json);
    }

    [Fact]
    public void TheStoredShapeOfEveryEventTypeMatchesTheApprovedSnapshot()
    {
        var indented = new JsonSerializerOptions(CaseEventSerializer.Options) { WriteIndented = true };
        var text = new StringBuilder();
        foreach (var e in Samples.EveryEventType.OrderBy(e => CaseEventSerializer.TypeNameOf(e), StringComparer.Ordinal))
        {
            text.Append("## ").Append(CaseEventSerializer.TypeNameOf(e)).Append('\n');
            text.Append(JsonSerializer.Serialize(e, e.GetType(), indented)).Append("\n\n");
        }
        Approvals.Verify(text.ToString(), "case-events");
    }

    [Fact]
    public void AnAmountsAssessedV1EventIsReadAsV2WithTheMethodMarkedNotRecorded()
    {
        const string v1 = """{"on":"2019-06-03","turnover":"12000.00","goods_value":null,"illegal_gains":"3000.00"}""";
        var upcast = CaseEventSerializer.Deserialize("amounts_assessed.v1", v1).ShouldBeOfType<CaseEvent.AmountsAssessed>();
        upcast.On.ShouldBe(new LocalDate(2019, 6, 3));
        upcast.Turnover!.Amount.ShouldBe(Money.FromYuan(12_000));
        upcast.Turnover.Method.ShouldContain("not recorded");
        upcast.GoodsValue.ShouldBeNull();
        upcast.IllegalGains!.Amount.ShouldBe(Money.FromYuan(3_000));
        CaseEventSerializer.TypeNameOf(upcast).ShouldBe("amounts_assessed.v2");
        CaseEventSerializer.RetiredTypeNames.ShouldContain("amounts_assessed.v1");
    }

    [Fact]
    public void APenaltyDecidedV1EventIsReadAsV2WithNoMitigation()
    {
        const string v1 = """{"on":"2025-04-15","decision_number":"稷市监处罚〔2025〕12号","items":[{"kind":"fine","amount":"20000.00","description":null}],"legal_bases":["商标法第六十条第二款"],"applied_rule":"商标法第六十条第二款: 违法经营额 12000.00 < 50000.00 → ≤ 250000.00","approved_by":"14082400001"}""";
        var upcast = CaseEventSerializer.Deserialize("penalty_decided.v1", v1).ShouldBeOfType<CaseEvent.PenaltyDecided>();
        upcast.DecisionNumber.ShouldBe("稷市监处罚〔2025〕12号");
        upcast.Items.Fines().ShouldBe(Money.FromYuan(20_000));
        upcast.AppliedRule.ShouldBe("商标法第六十条第二款: 违法经营额 12000.00 < 50000.00 → ≤ 250000.00", "what was recorded stays as it was");
        upcast.Mitigation.ShouldBeNull();
        CaseEventSerializer.TypeNameOf(upcast).ShouldBe("penalty_decided.v2");
        CaseEventSerializer.RetiredTypeNames.ShouldContain("penalty_decided.v1");
    }

    [Fact]
    public void AReviewAppliedV1EventIsReadAsV2BroughtByTheParty()
    {
        const string v1 = """{"on":"2025-05-10","kind":"reconsideration","body":"运城市人民政府"}""";
        var upcast = CaseEventSerializer.Deserialize("review_applied.v1", v1).ShouldBeOfType<CaseEvent.ReviewApplied>();
        upcast.Body.ShouldBe("运城市人民政府");
        upcast.Applicant.ShouldBe(ReviewApplicant.Party);
        upcast.ApplicantName.ShouldBeNull();
        CaseEventSerializer.TypeNameOf(upcast).ShouldBe("review_applied.v2");
    }

    [Fact]
    public void AnUnknownTypeNameIsRefusedByName() =>
        Should.Throw<JsonException>(() => CaseEventSerializer.Deserialize("case_teleported.v1", "{}")).Message.ShouldContain("case_teleported.v1");

    [Fact]
    public void AnUnknownFieldIsRefused() =>
        Should.Throw<JsonException>(() => CaseEventSerializer.Deserialize("hearing_requested.v1", """{"on":"2025-03-27","extra":1}""")).Message.ShouldContain("extra");

    [Fact]
    public void AMissingFieldIsRefused() =>
        Should.Throw<JsonException>(() => CaseEventSerializer.Deserialize("payment_received.v1", """{"on":"2025-03-27","amount":"1.00"}""")).Message.ShouldContain("reference");

    [Fact]
    public void MoneyAsAJsonNumberIsRefusedSoNoFloatingPointEntersTheLedger() =>
        Should.Throw<JsonException>(() => CaseEventSerializer.Deserialize("payment_received.v1", """{"on":"2025-03-27","amount":1.10,"reference":"x"}"""))
            .Message.ShouldContain("string of yuan");

    [Fact]
    public void MoneyWithThreeDecimalsIsRefused() =>
        Should.Throw<JsonException>(() => CaseEventSerializer.Deserialize("payment_received.v1", """{"on":"2025-03-27","amount":"1.105","reference":"x"}"""))
            .Message.ShouldContain("more than two decimals");

    [Fact]
    public void ADateThatIsNotIsoIsRefused() =>
        Should.Throw<JsonException>(() => CaseEventSerializer.Deserialize("hearing_requested.v1", """{"on":"27/03/2025"}""")).Message.ShouldContain("YYYY-MM-DD");

    [Fact]
    public void InstantsRoundTripInUtcAndAcceptOffsets()
    {
        var options = CaseEventSerializer.Options;
        var instant = Instant.FromUtc(2025, 2, 19, 1, 30);
        JsonSerializer.Serialize(instant, options).ShouldBe("\"2025-02-19T01:30:00Z\"");
        JsonSerializer.Deserialize<Instant>("\"2025-02-19T09:30:00+08:00\"", options).ShouldBe(instant);
    }
}
