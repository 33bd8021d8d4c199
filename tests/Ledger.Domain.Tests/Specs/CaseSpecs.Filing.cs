namespace Ledger.Domain.Tests.Specs;

public sealed partial class CaseSpecs
{
    [Fact]
    public void GivenLead_WhenFiled_ThenCaseFiledAndTheFilingDeadlineMet()
    {
        var state = Given(Lead()).When(new FileCase(D(2025, 2, 25), Head, ["商标法第五十七条第三项"])).Then(Filed());
        state.Status.ShouldBe(CaseStatus.Investigating);
        // 15 working days from Wed 2025-02-19: no holidays in between, so Wed 2025-03-12.
        var filing = state.DeadlinesOn(Calendar, D(2025, 12, 1)).Deadlines.Single(d => d.Name == "filing");
        filing.DueOn.ShouldBe(D(2025, 3, 12));
        filing.Status.ShouldBe(DeadlineStatus.Met);
    }

    [Fact]
    public void GivenLead_WhenFiledWithoutLegalBasis_ThenRefused() =>
        Given(Lead()).When(new FileCase(D(2025, 2, 25), Head, [])).ThenFails("legal_bases", "cite at least one provision");

    [Fact]
    public void GivenLead_WhenFiledAfterFifteenWorkingDays_ThenRecordedAndFlaggedLate()
    {
        var state = Given(Lead()).When(new FileCase(D(2025, 3, 20), Head, ["商标法第五十七条第三项"])).ThenAccepted();
        var filing = CaseDeadlines.Compute(state, Calendar, D(2025, 12, 1)).Deadlines.Single(d => d.Name == "filing");
        filing.Status.ShouldBe(DeadlineStatus.MetLate);
        filing.Flagged.ShouldBeTrue();
    }

    [Fact]
    public void GivenLeadNotYetFiled_WhenTheFilingPeriodHasPassed_ThenOverdue()
    {
        var filing = CaseDeadlines.Compute(CaseModel.Replay([Lead()]), Calendar, D(2025, 3, 13)).Deadlines.Single(d => d.Name == "filing");
        filing.Status.ShouldBe(DeadlineStatus.Overdue);
    }

    [Fact]
    public void GivenLeadWithExtendedFilingPeriod_WhenExtendedAgain_ThenRefused() =>
        Given(Lead(), new CaseEvent.FilingPeriodExtended(D(2025, 3, 3), Head, "需核实"))
            .When(new ExtendFilingPeriod(D(2025, 3, 10), Head, "仍需核实")).ThenFails("case", "already extended", "第十八条");

    [Fact]
    public void GivenLead_WhenNotFiled_ThenTheLeadEndsAndCannotBeFiled()
    {
        Given(Lead()).When(new DecideNotToFile(D(2025, 3, 3), "违法事实不能成立", Head))
            .Then(new CaseEvent.LeadNotFiled(D(2025, 3, 3), "违法事实不能成立", Head)).Status.ShouldBe(CaseStatus.NotFiled);
        Given(new CaseEvent.LeadNotFiled(D(2025, 3, 3), "违法事实不能成立", Head))
            .When(new FileCase(D(2025, 3, 4), Head, ["商标法第五十七条"])).ThenFails("case", "file_case", "not filed");
    }

    [Fact]
    public void GivenLead_WhenTransferredToItsOwnRegion_ThenRefused() =>
        Given(Lead()).When(new TransferLead(D(2025, 3, 3), Jishan, "管辖")).ThenFails("target_region", "own region");

    [Fact]
    public void GivenLead_WhenTransferredToAnotherRegion_ThenTransferred() =>
        Given(Lead()).When(new TransferLead(D(2025, 3, 3), Linfen, "当事人住所地在临汾"))
            .Then(new CaseEvent.LeadTransferred(D(2025, 3, 3), Linfen, "当事人住所地在临汾")).Status.ShouldBe(CaseStatus.LeadTransferred);

    [Fact]
    public void GivenFiledCase_WhenOnlyOneOfficerAssigned_ThenRefusedBecauseTwoOfficersHandleACase() =>
        Given(Lead(), Filed()).When(new AssignOfficers(D(2025, 2, 25), [Zhang])).ThenFails("officers", "at least two", "第四十二条");

    [Fact]
    public void GivenFiledCase_WhenTheSameOfficerListedTwice_ThenRefused() =>
        Given(Lead(), Filed()).When(new AssignOfficers(D(2025, 2, 25), [Zhang, Zhang])).ThenFails("officers", "listed twice");

    [Fact]
    public void GivenFiledCase_WhenTwoOfficersAssigned_ThenTheyAreTheHandlers() =>
        Given(Lead(), Filed()).When(new AssignOfficers(D(2025, 2, 25), [Zhang, Li])).Then(Officers()).Handlers.Count.ShouldBe(2);
}
