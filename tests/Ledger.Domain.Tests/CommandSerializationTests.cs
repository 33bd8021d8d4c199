using System.Text.Json.Nodes;
using Ledger.Domain;
using Ledger.Domain.Serialization;
using Shouldly;
using static Ledger.Domain.Tests.Support.Samples;

namespace Ledger.Domain.Tests;

/// <summary>Commands as import files and the API spell them: action name plus a JSON object of fields.</summary>
public sealed class CommandSerializationTests
{
    public static TheoryData<CaseCommand> Commands() =>
    [
        new CaseCommand.RegisterLead(D(2025, 2, 19), LeadSource.Complaint, "投诉某鞋铺销售侵权运动鞋", Jishan, CaseKind.TrademarkInfringement,
            ShopOwner, MarkN, D(2025, 2, 1), [CaseFlags.ForeignRelated], ["铁拳2025"]),
        new CaseCommand.DecidePenalty(D(2025, 4, 14), "稷市监处罚〔2025〕12号", [Fine(5_000), ConfiscateGains(1_200.5m), StopOrder], TrademarkBases, "14082400001"),
        new CaseCommand.HoldGoods(D(2025, 2, 20), "M1", GoodsMeasure.RegisteredForPreservation, "运动鞋22双", null),
        new CaseCommand.CorrectCaseDetails(D(2025, 3, 1), "登记有误", Kind: CaseKind.GeographicalIndication),
    ];

    [Theory]
    [MemberData(nameof(Commands))]
    public void EveryCommandReadsBackFromItsFields(CaseCommand command)
    {
        var fields = CaseCommandSerializer.ToFields(command);
        fields.ContainsKey("name").ShouldBeFalse();

        var read = CaseCommandSerializer.FromFields(command.Name, fields);

        read.GetType().ShouldBe(command.GetType());
        CaseCommandSerializer.ToFields(read).ToJsonString().ShouldBe(fields.ToJsonString());
    }

    [Fact]
    public void FieldsThatMayBeEmptyCanBeLeftOut()
    {
        var read = CaseCommandSerializer.FromFields("hold_goods", Fields("""{"on": "2025-02-20", "measure_id": "M1", "measure": "seized", "description": "运动鞋"}"""));

        read.ShouldBeOfType<CaseCommand.HoldGoods>().Value.ShouldBeNull();
        CaseCommandSerializer.FromFields("file_case", Fields("""{"on": "2025-02-20", "approved_by": "x"}"""))
            .ShouldBeOfType<CaseCommand.FileCase>().LegalBases.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("decide_fine", """{"on": "2025-02-20"}""", "action", "is not an action of a case")]
    [InlineData("file_case", """{"approved_by": "x"}""", "on", "file_case needs on")]
    [InlineData("file_case", """{"on": "20.2.2025", "approved_by": "x"}""", "on", "is not a date")]
    [InlineData("file_case", """{"on": "2025-02-20", "approved_by": 5}""", "approved_by", "must be a string")]
    [InlineData("file_case", """{"on": "2025-02-20", "approved_by": "x", "fine": "5"}""", "fine", "is not a field of this action")]
    [InlineData("decide_penalty", """{"on": "2025-02-20", "decision_number": "n", "approved_by": "x", "items": [{"kind": "fine", "amount": 5000}]}""", "items[0].amount", "a string of yuan")]
    [InlineData("decide_penalty", """{"on": "2025-02-20", "decision_number": "n", "approved_by": "x", "items": [{"kind": "fine", "amount": "50.001"}]}""", "items[0].amount", "exactly in fen")]
    [InlineData("decide_penalty", """{"on": "2025-02-20", "decision_number": "n", "approved_by": "x", "items": [{"kind": "penalty"}]}""", "items[0].kind", "must be one of warning, fine, confiscation_of_gains")]
    public void BadFieldsAreRefusedNamingTheFieldAndTheRule(string action, string json, string field, string rule)
    {
        var refused = Should.Throw<DomainRuleViolation>(() => CaseCommandSerializer.FromFields(action, Fields(json)));

        refused.Field.ShouldBe(field);
        refused.Rule.ShouldContain(rule);
    }

    private static JsonObject Fields(string json) => JsonNode.Parse(json)!.AsObject();
}
