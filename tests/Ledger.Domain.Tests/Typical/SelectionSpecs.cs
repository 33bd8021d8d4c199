using Ledger.Domain.Typical;
using static Ledger.Domain.Tests.Typical.TypicalSamples;
using static Ledger.Domain.Typical.SelectionCommand;
using static Ledger.Domain.Typical.SelectionEvent;
using static Ledger.Domain.CaseEvent;

namespace Ledger.Domain.Tests.Typical;

public class SelectionSpecs
{
    private static SelectionSpecification WithCases(int count, Func<int, CaseEvent[]>? make = null)
    {
        var spec = new SelectionSpecification();
        for (var i = 1; i <= count; i++) spec.WithCase($"140824-2025-{i:D4}", (make ?? (_ => CompanyCase()))(i));
        return spec;
    }

    private static SelectionSpecification TenDrafted(string by = Publisher)
    {
        var spec = WithCases(10);
        spec.Given(Opened());
        for (var i = 1; i <= 10; i++) spec.Given(Nominated($"140824-2025-{i:D4}", by), Drafted($"140824-2025-{i:D4}", by));
        return spec;
    }

    [Fact]
    public void The_first_nomination_opens_the_selection_and_records_the_case_as_it_stands() =>
        WithCases(1)
            .When(new NominateCase("140824-2025-0001", Publisher, PersonNaming.SurnameStars))
            .Then(Opened(PersonNaming.SurnameStars), Nominated("140824-2025-0001"));

    [Fact]
    public void A_case_still_open_is_refused() =>
        new SelectionSpecification().WithCase("140824-2025-0001", OpenCase())
            .When(new NominateCase("140824-2025-0001", Publisher))
            .ThenFails("case_id", "case 140824-2025-0001 is not closed (it is investigating)", "only closed cases");

    [Fact]
    public void An_eleventh_case_is_refused() =>
        TenDrafted().WithCase("140824-2025-0011", CompanyCase())
            .When(new NominateCase("140824-2025-0011", Publisher))
            .ThenFails("case_id", "already holds 10 cases (十大典型案例)", "remove a nomination before nominating case 140824-2025-0011");

    [Fact]
    public void The_author_may_not_approve_their_own_selection() =>
        TenDrafted()
            .When(new ApproveSelection(D(2026, 4, 20), Publisher, "同意发布", null))
            .ThenFails("by", $"{Publisher} wrote this selection", "approved by someone who did not write it");

    [Fact]
    public void Anyone_who_nominated_any_case_may_not_approve_either()
    {
        var spec = TenDrafted();
        spec.Given(Nominated("140824-2025-0011", SecondPublisher), new NominationRemoved("140824-2025-0011", "重复", SecondPublisher));
        spec.When(new ApproveSelection(D(2026, 4, 20), SecondPublisher, "同意发布", null)).ThenFails("by", "wrote this selection");
    }

    [Fact]
    public void Ten_drafted_cases_are_approved_by_someone_else() =>
        TenDrafted()
            .When(new ApproveSelection(D(2026, 4, 20), Approver, "同意发布", null))
            .Then(new SelectionApproved(1, D(2026, 4, 20), Approver, "同意发布", [.. Enumerable.Range(1, 10).Select(i => $"140824-2025-{i:D4}")], null));

    [Fact]
    public void Fewer_than_ten_cases_need_a_stated_reason()
    {
        var spec = WithCases(3).Given(Opened());
        for (var i = 1; i <= 3; i++) spec.Given(Nominated($"140824-2025-{i:D4}"), Drafted($"140824-2025-{i:D4}"));
        spec.When(new ApproveSelection(D(2026, 4, 20), Approver, "同意", null))
            .ThenFails("shortfall_reason", "the list holds 3 cases, not 10; a shorter list states why");
        spec.When(new ApproveSelection(D(2026, 4, 20), Approver, "同意", "本年度结案的典型案件较少"))
            .Then(new SelectionApproved(1, D(2026, 4, 20), Approver, "同意", ["140824-2025-0001", "140824-2025-0002", "140824-2025-0003"], "本年度结案的典型案件较少"));
    }

    [Fact]
    public void A_list_of_ten_needs_no_shortfall_reason() =>
        TenDrafted().When(new ApproveSelection(D(2026, 4, 20), Approver, "同意", "理由")).ThenFails("shortfall_reason", "a shortfall reason is for a shorter list");

    [Fact]
    public void Every_case_must_be_drafted_before_approval()
    {
        var spec = TenDrafted();
        spec.Given(new NominationRemoved("140824-2025-0010", "换案", Publisher), Nominated("140824-2025-0010"));
        spec.When(new ApproveSelection(D(2026, 4, 20), Approver, "同意", null))
            .ThenFails("selection", "case 140824-2025-0010 (rank 10) has no text yet");
    }

    [Fact]
    public void A_case_that_changed_after_it_was_drafted_is_drafted_again_before_approval() =>
        TenDrafted().WithCase("140824-2025-0004", [.. CompanyCase(), new ReviewApplied(D(2025, 5, 10), ReviewKind.Reconsideration, "运城市人民政府")])
            .When(new ApproveSelection(D(2026, 4, 20), Approver, "同意", null))
            .ThenFails("selection", "case 140824-2025-0004 changed after its text was written (version 12, now 13); draft it again");

    [Fact]
    public void A_change_after_approval_needs_approval_again()
    {
        var spec = TenDrafted().Given(new SelectionApproved(1, D(2026, 4, 20), Approver, "同意", [], null), Drafted("140824-2025-0002"));
        spec.State.Approval.ShouldBeNull();
        spec.When(new PublishSelection(D(2026, 4, 26), Publisher)).ThenFails("selection", "is not approved (a change after approval needs approval again)");
    }

    [Theory]
    [InlineData("150000", "is kept in 140824, outside 内蒙古自治区 (150000) for 2025")]
    [InlineData("140800", null)]
    public void Only_cases_of_the_selection_region_are_nominated(string selectionRegion, string? refusal)
    {
        var spec = new SelectionSpecification { Region = RegionCode.Parse(selectionRegion) }.WithCase("140824-2025-0001", CompanyCase())
            .When(new NominateCase("140824-2025-0001", Publisher));
        if (refusal is null) spec.ThenAccepted().Count.ShouldBe(2);
        else spec.ThenFails("case_id", refusal);
    }

    [Fact]
    public void Only_cases_closed_in_the_year_are_nominated() =>
        new SelectionSpecification { Year = 2024 }.WithCase("140824-2025-0001", CompanyCase())
            .When(new NominateCase("140824-2025-0001", Publisher))
            .ThenFails("case_id", "was closed on 2025-04-28, not in 2024");

    [Fact]
    public void A_case_is_nominated_once() =>
        WithCases(1).Given(Opened(), Nominated("140824-2025-0001"))
            .When(new NominateCase("140824-2025-0001", Publisher))
            .ThenFails("case_id", "already nominated (rank 1)");

    [Fact]
    public void Commands_before_the_selection_is_opened_are_refused() =>
        WithCases(1).When(new DraftCase("140824-2025-0001", null, null, null, "意义", Publisher))
            .ThenFails("selection", "no selection of 山西省 (140000) for 2025 is open");

    [Fact]
    public void Ranking_lists_every_nominated_case_once()
    {
        var spec = WithCases(3).Given(Opened(), Nominated("140824-2025-0001"), Nominated("140824-2025-0002"), Nominated("140824-2025-0003"));
        spec.When(new RankCases(["140824-2025-0003", "140824-2025-0001"], Publisher)).ThenFails("order", "nominated case 140824-2025-0002 is missing");
        spec.When(new RankCases(["140824-2025-0003", "140824-2025-0001", "140824-2025-0001"], Publisher)).ThenFails("order", "140824-2025-0001 appears more than once");
        spec.When(new RankCases(["140824-2025-0003", "140824-2025-0001", "140824-2025-0009"], Publisher)).ThenFails("order", "140824-2025-0009 is not nominated");
        spec.When(new RankCases(["140824-2025-0003", "140824-2025-0001", "140824-2025-0002"], Publisher)).Then(
            new CasesRanked(["140824-2025-0003", "140824-2025-0001", "140824-2025-0002"], Publisher))
            .Entries.Select(e => e.CaseId).ShouldBe(["140824-2025-0003", "140824-2025-0001", "140824-2025-0002"]);
    }

    [Fact]
    public void A_script_link_in_the_publishers_text_is_refused() =>
        TenDrafted()
            .When(new DraftCase("140824-2025-0001", null, null, null, "详见[处罚决定书](JavaScript:alert(1))。", Publisher))
            .ThenFails("significance", "javascript: or vbscript: link");

    [Fact]
    public void An_edition_whose_rendering_carries_a_personal_datum_is_not_published()
    {
        // A draft recorded before the check saw through full-width digits (issue 24): the rendered edition is checked again.
        var spec = TenDrafted().Given(
            new CaseDrafted("140824-2025-0003", 12, "稷山县市场监督管理局查处案件140824-2025-0003案", "当事人手机１５８０３５９１２３４。", "处理结果。", "典型意义。", ["facts"], Publisher),
            new SelectionApproved(1, D(2026, 4, 20), Approver, "同意", [], null));

        spec.When(new PublishSelection(D(2026, 4, 26), Publisher)).ThenFails("selection", "would publish “１５８０３５９１２３４”", "a phone number");
    }

    [Fact]
    public void Publication_records_the_hash_of_every_artefact_exactly_as_rendered()
    {
        var spec = TenDrafted().Given(new SelectionApproved(1, D(2026, 4, 20), Approver, "同意", [], null));
        var published = (SelectionPublished)spec.When(new PublishSelection(D(2026, 4, 26), Publisher)).ThenAccepted().Single();
        var rendered = TypicalCasesDocument.Render(spec.State, 1, D(2026, 4, 26));
        published.Documents.Select(d => d.Format).ShouldBe(["html", "markdown", "json"]);
        foreach (var document in published.Documents)
        {
            var bytes = System.Text.Encoding.UTF8.GetBytes(rendered.Of(document.Format));
            document.Sha256.ShouldBe(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)), document.Format);
            document.Length.ShouldBe(bytes.Length);
        }
        published.Cases.Select(c => c.Rank).ShouldBe(Enumerable.Range(1, 10));
        published.Edition.ShouldBe(1);
    }

    [Fact]
    public void A_published_case_whose_decision_is_varied_is_due_for_withdrawal_within_three_working_days()
    {
        var spec = TenDrafted().Given(new SelectionApproved(1, D(2026, 4, 20), Approver, "同意", [], null));
        var published = spec.When(new PublishSelection(D(2026, 4, 24), Publisher)).ThenAccepted();
        spec.Given([.. published]);
        // Varied on Thursday 2026-04-30; the May Day holiday runs 5-1 to 5-5, so the three working days are 5-6, 5-7, 5-8.
        CaseEvent[] varied =
        [
            .. CompanyCase(), new ReviewApplied(D(2025, 5, 10), ReviewKind.Reconsideration, "运城市人民政府"),
            new ReviewConcluded(D(2026, 4, 30), ReviewKind.Reconsideration, ReviewOutcome.Varied, "运政复决字〔2026〕8号", [Fine(10_000), StopOrder]),
        ];
        spec.WithCase("140824-2025-0004", varied);
        var calendar = Calendar.WorkingDayCalendar.China;
        var expectedDue = D(2026, 5, 8);

        var due = TypicalSelectionModel.WithdrawalsDue(spec.State, spec.Cases, calendar, D(2026, 5, 6)).ShouldHaveSingleItem();
        due.CaseId.ShouldBe("140824-2025-0004");
        due.ChangedOn.ShouldBe(D(2026, 4, 30));
        due.DueOn.ShouldBe(expectedDue);
        due.Change.ShouldContain("varied");
        due.Overdue.ShouldBeFalse();
        due.WithdrawnOn.ShouldBeNull();
        TypicalSelectionModel.WithdrawalsDue(spec.State, spec.Cases, calendar, expectedDue.PlusDays(1)).Single().Overdue.ShouldBeTrue();

        spec.When(new WithdrawPublishedCase("140824-2025-0004", D(2026, 5, 6), "复议决定变更了罚款数额", Publisher))
            .Then(new PublishedCaseWithdrawn("140824-2025-0004", 1, D(2026, 5, 6), "复议决定变更了罚款数额", Publisher));
    }

    [Fact]
    public void A_published_case_whose_closing_is_voided_is_due_for_withdrawal()
    {
        var spec = TenDrafted().Given(new SelectionApproved(1, D(2026, 4, 20), Approver, "同意", [], null));
        spec.Given([.. spec.When(new PublishSelection(D(2026, 4, 24), Publisher)).ThenAccepted()]);
        // The case as published ends with its closing; voiding that closing changes what was published.
        var closedCase = CompanyCase();
        spec.WithCase("140824-2025-0004", [.. closedCase,
            new StepVoided(D(2026, 4, 30), closedCase.Length, "case_closed", D(2025, 4, 28), "结案日期登记错误", "14082400001")]);
        var due = TypicalSelectionModel.WithdrawalsDue(spec.State, spec.Cases, Calendar.WorkingDayCalendar.China, D(2026, 5, 6)).ShouldHaveSingleItem();
        due.CaseId.ShouldBe("140824-2025-0004");
        due.ChangedOn.ShouldBe(D(2026, 4, 30));
        due.Change.ShouldContain("case_closed");
        due.Change.ShouldContain("voided");
    }

    [Fact]
    public void A_corrected_edition_is_a_new_edition_and_the_first_stays()
    {
        var spec = TenDrafted().Given(new SelectionApproved(1, D(2026, 4, 20), Approver, "同意", [], null));
        spec.Given([.. spec.When(new PublishSelection(D(2026, 4, 24), Publisher)).ThenAccepted()]);
        var first = spec.State.Published!;
        spec.WithCase("140824-2025-0004", [.. CompanyCase(), new ReviewApplied(D(2025, 5, 10), ReviewKind.Reconsideration, "运城市人民政府"),
            new ReviewConcluded(D(2026, 4, 30), ReviewKind.Reconsideration, ReviewOutcome.Varied, "运政复决字〔2026〕8号", [Fine(10_000), StopOrder])]);
        spec.Given(new PublishedCaseWithdrawn("140824-2025-0004", 1, D(2026, 5, 6), "复议决定变更了罚款数额", Publisher),
            Nominated("140824-2025-0004", Publisher, version: 14), Drafted("140824-2025-0004", Publisher, version: 14));
        spec.When(new ApproveSelection(D(2026, 5, 7), Publisher, "同意", null)).ThenFails("by", "wrote this selection");
        spec.Given([.. spec.When(new ApproveSelection(D(2026, 5, 7), Approver, "同意更正", null)).ThenAccepted()]);
        var second = (SelectionPublished)spec.When(new PublishSelection(D(2026, 5, 8), Publisher)).ThenAccepted().Single();
        second.Edition.ShouldBe(2);
        spec.Given(second);
        spec.State.Editions.Count.ShouldBe(2);
        var kept = spec.State.Editions[0];
        (kept.Edition, kept.On, kept.SelectionVersion).ShouldBe((first.Edition, first.On, first.SelectionVersion));
        kept.Documents.ShouldBe(first.Documents);
        kept.Entries.Select(e => e.CaseId).ShouldBe(first.Entries.Select(e => e.CaseId));
        second.Documents.Select(d => d.Sha256).ShouldNotBe(first.Documents.Select(d => d.Sha256));
    }

    [Fact]
    public void Nothing_is_published_twice_and_an_unchanged_edition_is_not_approved_again()
    {
        var spec = TenDrafted().Given(new SelectionApproved(1, D(2026, 4, 20), Approver, "同意", [], null));
        spec.Given([.. spec.When(new PublishSelection(D(2026, 4, 24), Publisher)).ThenAccepted()]);
        spec.When(new PublishSelection(D(2026, 4, 25), Publisher)).ThenFails("selection", "edition 1 is already published and nothing has changed since");
        spec.When(new ApproveSelection(D(2026, 4, 25), Approver, "同意", null)).ThenFails("selection", "nothing has changed since; there is nothing to approve");
    }

    [Fact]
    public void Only_a_published_case_is_withdrawn()
    {
        TenDrafted().When(new WithdrawPublishedCase("140824-2025-0001", D(2026, 5, 6), "原因", Publisher))
            .ThenFails("case_id", "nothing is published yet");
    }

    [Fact]
    public void A_case_whose_decision_was_revoked_is_not_nominated() =>
        new SelectionSpecification().WithCase("140824-2025-0001", [.. CompanyCase(), new ReviewApplied(D(2025, 5, 10), ReviewKind.Litigation, "稷山县人民法院"),
                new ReviewConcluded(D(2025, 8, 1), ReviewKind.Litigation, ReviewOutcome.Revoked, "(2025)晋0824行初5号", [])])
            .When(new NominateCase("140824-2025-0001", Publisher))
            .ThenFails("case_id", "was revoked; a revoked decision is not published as a typical case");
}

/// <summary>Which later events of a published case call for its withdrawal from publication (within 3 working days).</summary>
public sealed class DecisionChangeTests
{
    [Theory]
    [InlineData(ReviewOutcome.Varied, true)]
    [InlineData(ReviewOutcome.Revoked, true)]
    [InlineData(ReviewOutcome.Upheld, false)]
    [InlineData(ReviewOutcome.Withdrawn, false)]
    public void AReviewChangesThePublishedDecisionUnlessItUpholdsItOrIsWithdrawn(ReviewOutcome outcome, bool changes) =>
        TypicalSelectionModel.ChangesDecision(new CaseEvent.ReviewConcluded(new NodaTime.LocalDate(2025, 7, 1), ReviewKind.Reconsideration, outcome, "复决", []))
            .ShouldBe(changes);

    [Theory]
    [InlineData(10, 12, true)]   // the closing (step 10) of a case published at version 12, voided
    [InlineData(13, 12, false)]  // a step recorded after publication, voided: nothing published changes
    public void AVoidChangesWhatWasPublishedWhenItVoidsAStepThePublicationRestsOn(long voided, long published, bool changes) =>
        TypicalSelectionModel.ChangesPublished(new CaseEvent.StepVoided(new NodaTime.LocalDate(2026, 5, 6), voided, "case_closed",
            new NodaTime.LocalDate(2025, 4, 28), "结案日期登记错误", "14082400001"), published).ShouldBe(changes);

    [Fact]
    public void TheBureausOwnCorrectionAndAPoliceReturnChangeThePublishedDecision()
    {
        TypicalSelectionModel.ChangesDecision(new CaseEvent.DecisionChangedByBureau(new NodaTime.LocalDate(2025, 7, 1), ReviewOutcome.Revoked, "主动改正", "14082400001", []))
            .ShouldBeTrue();
        TypicalSelectionModel.ChangesDecision(new CaseEvent.PoliceReturnedCase(new NodaTime.LocalDate(2025, 7, 1), PoliceReturnGround.NotOpened, "稷山县公安局", "不立字1号"))
            .ShouldBeTrue();
    }
}
