namespace Ledger.Domain.Tests.Specs;

// A step recorded wrongly (a wrong date, the wrong case) is voided by a new event, never edited: the case, its deadlines
// and its totals are then as if it had not been recorded, while the history keeps it and as-of reads still show it.
public sealed partial class CaseSpecs
{
    private static VoidStep Void(long version, LocalDate? on = null) =>
        new(on ?? D(2025, 5, 6), version, "决定日期登记错误（应为2025年4月25日），予以作废后重新登记", Head);

    // Versions: 1 lead, 2 filed, 3 officers, 4 assessed, 5 reviewed, 6 notice, 7 decision, 8 served.
    private static CaseEvent[] DecidedOnTheWrongDay() => DecidedAndServed(20_000);

    [Fact]
    public void GivenADecisionAndItsService_WhenTheServiceIsVoided_ThenTheVoidNamesTheStepItsKindAndDate()
    {
        var state = Given(DecidedOnTheWrongDay()).When(Void(8))
            .Then(new CaseEvent.StepVoided(D(2025, 5, 6), 8, "decision_served", D(2025, 4, 16),
                "决定日期登记错误（应为2025年4月25日），予以作废后重新登记", Head));
        state.ServedOn.ShouldBeNull();
        state.Version.ShouldBe(9);
        state.VoidedVersions.ShouldBe([8L]);
        state.Steps!.Count.ShouldBe(9);
    }

    [Fact]
    public void GivenAServedDecision_WhenTheDecisionIsVoidedBeforeItsService_ThenRefusedNamingTheLaterStepToVoidFirst() =>
        Given(DecidedOnTheWrongDay()).When(Void(7))
            .ThenFails("version", "1 later step (8)", "step 8, decision_served of 2025-04-16", "latest first");

    [Fact]
    public void GivenTheServiceVoided_WhenTheDecisionIsVoided_ThenTheCaseIsUndecidedItsAmountsGoneAndItLeavesTheDecidedCaliber()
    {
        var before = CaseModel.Replay(DecidedOnTheWrongDay());
        CaseContribution.Of(before)!.DecidedOn.ShouldBe(D(2025, 4, 15));
        var state = Given([.. DecidedOnTheWrongDay(), VoidedBy(8)]).When(Void(7)).ThenAccepted();
        state.Status.ShouldBe(CaseStatus.Investigating);
        state.Decision.ShouldBeNull();
        state.AmountImposed.ShouldBe(Money.Zero);
        CaseContribution.Of(state)!.DecidedOn.ShouldBeNull();
        // The notice and review the decision rested on still stand.
        state.Notice!.On.ShouldBe(D(2025, 3, 25));
    }

    [Fact]
    public void GivenTheWronglyDatedDecisionVoided_WhenDecidedAgainOnItsRightDate_ThenTheCaseReadsTheRightDate()
    {
        var state = Given([.. DecidedOnTheWrongDay(), VoidedBy(8), VoidedBy(7)])
            .When(Decision(Fine(20_000), StopOrder) with { On = D(2025, 4, 25) }).ThenAccepted();
        state.Decision!.On.ShouldBe(D(2025, 4, 25));
        CaseContribution.Of(state)!.DecidedOn.ShouldBe(D(2025, 4, 25));
        state.VoidedVersions.ShouldBe([8L, 7L]);
    }

    [Fact]
    public void GivenAFilingRecordedOnTheWrongDay_WhenVoidedAndFiledAgain_ThenTheFilingDeadlineIsMetOnTheRightDay()
    {
        // Lead 2025-02-19; the filing was entered as 2025-04-30 (after the 15 working days) but was made on 2025-02-25.
        var late = new CaseEvent.CaseFiled(D(2025, 4, 30), Head, ["商标法第五十七条第三项"]);
        var wrong = CaseModel.Replay([Lead(), late]);
        wrong.DeadlinesOn(Calendar, D(2025, 5, 6)).Deadlines.Single(d => d.Name.Contains("filing")).Status.ShouldBe(DeadlineStatus.MetLate);
        var voided = Given(Lead(), late).When(Void(2)).ThenAccepted();
        voided.Status.ShouldBe(CaseStatus.Lead);
        voided.FiledOn.ShouldBeNull();
        var refiled = CaseModel.Decide(new FileCase(D(2025, 2, 25), Head, ["商标法第五十七条第三项"]), voided, Context);
        var state = CaseModel.Replay([Lead(), late, VoidedBy(2, "case_filed", D(2025, 4, 30)), .. refiled]);
        state.FiledOn.ShouldBe(D(2025, 2, 25));
        state.DeadlinesOn(Calendar, D(2025, 5, 6)).Deadlines.Single(d => d.Name.Contains("filing")).Status.ShouldBe(DeadlineStatus.Met);
    }

    [Fact]
    public void GivenAClosedCase_WhenTheClosingIsVoided_ThenTheCaseIsOpenAgainAndLeavesTheClosedCaliber()
    {
        var closed = (CaseEvent[])[.. DecidedAndServed(20_000), Paid(20_000), Closed()];
        var state = Given(closed).When(Void(10)).ThenAccepted();
        state.Status.ShouldBe(CaseStatus.Decided);
        state.ClosedOn.ShouldBeNull();
        CaseContribution.Of(state)!.ClosedOn.ShouldBeNull();
    }

    [Fact]
    public void GivenAVoid_WhenTheHistoryIsReadAsOfBeforeIt_ThenTheVoidedStepStillShows()
    {
        var history = (CaseEvent[])[.. DecidedOnTheWrongDay(), VoidedBy(8)];
        CaseModel.Replay(history.Take(8)).ServedOn.ShouldBe(D(2025, 4, 16));
        CaseModel.Replay(history).ServedOn.ShouldBeNull();
    }

    [Theory]
    [InlineData(0, "steps 1 to 8")]
    [InlineData(9, "there is no step 9")]
    [InlineData(1, "step 1 starts the case")]
    public void GivenACase_WhenAStepThatCannotBeVoidedIsNamed_ThenRefused(long version, string rule) =>
        Given(DecidedOnTheWrongDay()).When(Void(version)).ThenFails("version", rule);

    [Fact]
    public void GivenAVoid_WhenTheVoidItselfIsVoided_ThenRefused() =>
        Given([.. DecidedOnTheWrongDay(), VoidedBy(8)]).When(Void(9)).ThenFails("version", "itself a void");

    [Fact]
    public void GivenAVoidedStep_WhenVoidedAgain_ThenRefused() =>
        Given([.. DecidedOnTheWrongDay(), VoidedBy(8)]).When(Void(8)).ThenFails("version", "already voided");

    [Fact]
    public void GivenACase_WhenAHandlerApprovesTheVoid_ThenRefusedBecauseTheHeadApprovesIt() =>
        Given(DecidedOnTheWrongDay()).When(Void(8) with { ApprovedBy = Zhang.CertificateNumber }).ThenFails("approved_by", "head of the bureau");

    [Fact]
    public void GivenACase_WhenTheVoidGivesNoReason_ThenRefused() =>
        Given(DecidedOnTheWrongDay()).When(Void(8) with { Reason = " " }).ThenFails("reason", "required");

    [Fact]
    public void GivenAStateKeptWithoutItsHistory_WhenAVoidIsFolded_ThenItSaysToFoldFromTheFirstEvent()
    {
        var stripped = CaseModel.Replay(DecidedOnTheWrongDay()) with { Steps = null };
        Should.Throw<InvalidOperationException>(() => CaseModel.Evolve(stripped, VoidedBy(8))).Message.ShouldContain("CaseModel.Replay");
    }

    private static CaseEvent.StepVoided VoidedBy(long version, string type = "", LocalDate? voidedOn = null) =>
        new(D(2025, 5, 6), version, type, voidedOn ?? D(2025, 4, 15), "登记错误", Head);
}
