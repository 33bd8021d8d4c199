namespace Ledger.Domain.Tests.Specs;

public sealed partial class CaseSpecs
{
    [Fact]
    public void GivenServedDecision_WhenPaidInFull_ThenNothingIsOutstandingAndTheCaseCanBeClosedAsExecuted()
    {
        var state = Given(DecidedAndServed()).When(new RecordPayment(D(2025, 4, 25), Yuan(20_000), "非税收入缴款书 1400000001")).Then(Paid(20_000));
        state.AmountOutstanding.ShouldBe(Money.Zero);
        CaseDeadlines.Compute(state, Calendar, D(2025, 12, 1)).Deadlines.Single(d => d.Name == "payment").Status.ShouldBe(DeadlineStatus.Met);
    }

    [Fact]
    public void GivenUnservedDecision_WhenPaymentRecorded_ThenRefusedBecausePaymentRunsFromService() =>
        Given([.. FiledCase(), Reviewed(), Notice(Fine(20_000)), Penalty(Fine(20_000))])
            .When(new RecordPayment(D(2025, 4, 25), Yuan(20_000), "x")).ThenFails("case", "not been served", "第六十七条");

    [Fact]
    public void GivenServedDecision_WhenMoreThanOwedIsPaid_ThenRefused() =>
        Given(DecidedAndServed()).When(new RecordPayment(D(2025, 4, 25), Yuan(20_000.01m), "x")).ThenFails("amount", "more than is owed");

    [Fact]
    public void GivenServedOnApril16_WhenUnpaidOnMay10_ThenOverdueAndASurchargeOfThreePercentADayAccrues()
    {
        // Due 2025-05-01 + rolled past the 劳动节 holiday (1–5 May) to Tue 2025-05-06; on 10 May, 4 days late: 4 × 3 % × 20,000.
        var state = CaseModel.Replay(DecidedAndServed());
        var report = CaseDeadlines.Compute(state, Calendar, D(2025, 5, 10));
        var payment = report.Deadlines.Single(d => d.Name == "payment");
        payment.DueOn.ShouldBe(D(2025, 5, 6));
        payment.Status.ShouldBe(DeadlineStatus.Overdue);
        report.LateSurcharge.ShouldBe(Yuan(2_400));
    }

    [Fact]
    public void GivenUnpaidFineForAYear_WhenSurchargeComputed_ThenItNeverExceedsTheFine() =>
        CaseDeadlines.LateSurcharge(CaseModel.Replay(DecidedAndServed()), Calendar, D(2026, 5, 1)).ShouldBe(Yuan(20_000));

    [Fact]
    public void GivenTheLargestFineUnpaid_WhenSurchargeComputedAsOf9999_ThenItIsTheFineNotAnOverflow() =>
        // 10^14 fen × 3 % × some 2.9 million days overflowed a long (issue 24: a 500 on a far as-of read).
        CaseDeadlines.LateSurcharge(CaseModel.Replay(DecidedAndServed(fine: 1_000_000_000_000m)), Calendar, D(9999, 12, 31))
            .ShouldBe(Yuan(1_000_000_000_000m));

    [Fact]
    public void GivenOverdueFine_WhenPrincipalAndSurchargePaid_ThenAccepted() =>
        Given(DecidedAndServed()).When(new RecordPayment(D(2025, 5, 10), Yuan(22_400), "x")).ThenAccepted().AmountOutstanding.ShouldBe(Money.Zero);

    [Fact]
    public void GivenServedDecision_WhenInstalmentsDoNotAddUpToWhatIsOwed_ThenRefused() =>
        Given(DecidedAndServed()).When(new GrantInstalments(D(2025, 4, 20),
                [new Instalment(D(2025, 5, 31), Yuan(10_000)), new Instalment(D(2025, 6, 30), Yuan(9_000))], Head))
            .ThenFails("instalments", "add up to 19000.00 but 20000.00 is owed");

    [Fact]
    public void GivenInstalments_WhenTheSecondIsUnpaidAfterItsDate_ThenThatInstalmentIsOverdue()
    {
        var state = CaseModel.Replay([.. DecidedAndServed(),
            new CaseEvent.InstalmentsGranted(D(2025, 4, 20), [new Instalment(D(2025, 5, 31), Yuan(10_000)), new Instalment(D(2025, 6, 30), Yuan(10_000))], Head),
            Paid(10_000, D(2025, 5, 30))]);
        var deadlines = CaseDeadlines.Compute(state, Calendar, D(2025, 7, 2)).Deadlines;
        deadlines.Single(d => d.Name == "instalment 1").Status.ShouldBe(DeadlineStatus.Met);
        deadlines.Single(d => d.Name == "instalment 2").Status.ShouldBe(DeadlineStatus.Overdue);
    }

    [Fact]
    public void GivenServedDecision_WhenPaymentDeferredToAnEarlierDate_ThenRefused() =>
        Given(DecidedAndServed()).When(new DeferPayment(D(2025, 4, 20), D(2025, 4, 30), Head, "困难")).ThenFails("new_due_on", "later");

    [Fact]
    public void GivenDeferredPayment_WhenPaidBeforeTheNewDate_ThenPaymentMet()
    {
        var state = CaseModel.Replay([.. DecidedAndServed(), new CaseEvent.PaymentDeferred(D(2025, 4, 20), D(2025, 6, 30), Head, "困难"), Paid(20_000, D(2025, 6, 20))]);
        CaseDeadlines.Compute(state, Calendar, D(2025, 12, 1)).Deadlines.Single(d => d.Name == "payment").Status.ShouldBe(DeadlineStatus.Met);
    }

    [Fact]
    public void GivenOutstandingMoney_WhenClosedAsExecuted_ThenRefused() =>
        Given([.. DecidedAndServed(), Paid(5_000)]).When(new CloseCase(D(2025, 4, 28), ClosingGround.Executed, "结案"))
            .ThenFails("ground", "paid in full", "15000.00 outstanding");

    [Fact]
    public void GivenInvestigatingCase_WhenClosed_ThenRefusedBecauseACaseClosesAfterItsDecision() =>
        Given(FiledCase()).When(new CloseCase(D(2025, 4, 28), ClosingGround.Executed, "结案")).ThenFails("case", "close_case", "decided");
}
