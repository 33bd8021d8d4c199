namespace Ledger.Domain.Tests.Specs;

public sealed partial class CaseSpecs
{
    [Fact]
    public void GivenNoCase_WhenCaseFiled_ThenRefusedBecauseACaseStartsWithALead() =>
        Given().When(new FileCase(D(2025, 2, 25), Head, ["商标法第五十七条"])).ThenFails("case", "register_lead", "file_case");

    [Fact]
    public void GivenLead_WhenAnotherLeadRegisteredUnderTheSameId_ThenRefused() =>
        Given(Lead()).When(new RegisterLead(D(2025, 2, 20), LeadSource.Report, "再次举报", Jishan, CaseKind.TrademarkInfringement, ShopOwner, MarkN, null, [], []))
            .ThenFails("case", "already recorded", "version 1");

    [Fact]
    public void GivenLead_WhenAStepIsDatedAfterToday_ThenRefused()
    {
        Clock.SetChinaDate(D(2025, 2, 24));
        Given(Lead()).When(new FileCase(D(2025, 2, 25), Head, ["商标法第五十七条"])).ThenFails("on", "after the day it is recorded", "2025-02-24");
    }

    [Fact]
    public void GivenLead_WhenAStepIsDatedBeforeTheLead_ThenRefused() =>
        Given(Lead()).When(new FileCase(D(2025, 2, 18), Head, ["商标法第五十七条"])).ThenFails("on", "before the lead", "2025-02-19");

    [Fact]
    public void GivenClosedCase_WhenEvidenceRecorded_ThenRefusedBecauseNothingFollowsClosingButReview() =>
        Given([.. DecidedAndServed(), Paid(20_000), Closed()])
            .When(new RecordEvidence(D(2025, 5, 6), "补充证据")).ThenFails("case", "closed on 2025-04-28", "reconsideration or lawsuit");

    [Fact]
    public void GivenClosedCase_WhenReconsiderationApplied_ThenRecorded() =>
        Given([.. DecidedAndServed(), Paid(20_000), Closed()])
            .When(new ApplyForReview(D(2025, 5, 6), ReviewKind.Reconsideration, "运城市人民政府"))
            .Then(new CaseEvent.ReviewApplied(D(2025, 5, 6), ReviewKind.Reconsideration, "运城市人民政府"));

    [Fact]
    public void GivenPatentDispute_WhenFineDecided_ThenRefusedBecauseDisputesAreNeverFined() =>
        Given(Samples.EveryEventType.OfType<CaseEvent.DisputeRequested>().Single(), new CaseEvent.DisputeAccepted(D(2024, 5, 9), Head, [Zhang, Li]))
            .When(new DecidePenalty(D(2024, 7, 1), "X", [Fine(1_000)], ["专利法"], Head))
            .ThenFails("case", "never fined", "专利法第六十五条");

    [Fact]
    public void GivenPenaltyCase_WhenDisputeAdjudicated_ThenRefusedAsTheWrongProcedure() =>
        Given(FiledCase()).When(new AdjudicateDispute(D(2025, 4, 1), "X", AdjudicationFinding.Infringes, Head))
            .ThenFails("case", "patent infringement dispute", "penalty case");
}
