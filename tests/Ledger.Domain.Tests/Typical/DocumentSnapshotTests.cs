using Ledger.Domain.Typical;
using static Ledger.Domain.Tests.Typical.TypicalSamples;
using static Ledger.Domain.Typical.SelectionCommand;
using static Ledger.Domain.CaseEvent;

namespace Ledger.Domain.Tests.Typical;

/// <summary>
/// The published artefacts as approved snapshots (Snapshots/*.approved.txt): the official structure — heading, issuer,
/// date, 案例一… with 【案情简介】【处理结果】【典型意义】 — the shortfall note, the correction note of a second
/// edition, and redaction in the rendered text.
/// </summary>
public class DocumentSnapshotTests
{
    private const string Shoes = "140824-2025-0001", Company = "140824-2025-0002", Vase = "140823-2025-0003";

    /// <summary>Three cases of 山西省 for 2025 drafted through the workflow, approved with a shortfall reason; the state before publication.</summary>
    private static (SelectionSpecification Spec, SelectionState State) ApprovedThree()
    {
        var spec = new SelectionSpecification()
            .WithCase(Shoes, ClosedCase())
            .WithCase(Company, CompanyCase())
            .WithCase(Vase, Dispute());
        void Record(SelectionCommand command) => spec.Given([.. spec.When(command).ThenAccepted()]);
        Record(new NominateCase(Shoes, Publisher, PersonNaming.SurnameStars));
        Record(new NominateCase(Company, Publisher));
        Record(new NominateCase(Vase, SecondPublisher));
        Record(new DraftCase(Shoes, null, null, null, "销售者明知是侵权商品仍然销售的，依法从重处罚；本案同时没收违法所得，让侵权者无利可图。", Publisher));
        Record(new DraftCase(Company, "稷山县市场监督管理局查处某商贸公司销售侵犯“N”注册商标专用权商品案", null, null,
            "企业作为市场主体应当建立进货查验制度，<b>对标注他人注册商标的商品审慎进货</b>。", Publisher));
        Record(new DraftCase(Vase, null, null, null, "行政调解快速化解专利纠纷，降低了权利人的维权成本。", SecondPublisher));
        Record(new RankCases([Vase, Shoes, Company], Publisher));
        Record(new ApproveSelection(D(2026, 4, 20), Approver, "经审核，同意发布。", "本年度全省结案的知识产权案件中符合典型案例条件的仅有三件。"));
        return (spec, spec.State);
    }

    private static CaseEvent[] Dispute() =>
    [
        new DisputeRequested(D(2025, 3, 3), Wenxi, new Party(PartyKind.Organisation, "闻喜县某玻璃制品厂"),
            new Party(PartyKind.NaturalPerson, "李红梅", Phone: "13803591111", Address: "山西省运城市闻喜县桐城镇东街5号"), VasePatent,
            "原合伙人李红梅未经许可制造、销售玻璃花瓶", [], []),
        new DisputeAccepted(D(2025, 3, 6), Head, [Zhang, Li]),
        new DisputeAnswerReceived(D(2025, 3, 20), "被请求人承认制造销售事实，请求调解"),
        new MediationAgreed(D(2025, 4, 9), Yuan(30_000), "被请求人李红梅停止制造、销售涉案玻璃花瓶，赔偿请求人3万元"),
        new CaseClosed(D(2025, 4, 14), ClosingGround.DisputeConcluded, "行政调解结案"),
    ];

    [Fact]
    public void Html_of_a_first_edition()
    {
        var (_, state) = ApprovedThree();
        Approvals.Verify(TypicalCasesDocument.Render(state, 1, D(2026, 4, 26)).Html, "typical-cases.edition-1.html");
    }

    [Fact]
    public void Markdown_of_a_first_edition()
    {
        var (_, state) = ApprovedThree();
        Approvals.Verify(TypicalCasesDocument.Render(state, 1, D(2026, 4, 26)).Markdown, "typical-cases.edition-1.md");
    }

    [Fact]
    public void Json_of_a_first_edition()
    {
        var (_, state) = ApprovedThree();
        Approvals.Verify(TypicalCasesDocument.Render(state, 1, D(2026, 4, 26)).Json, "typical-cases.edition-1.json");
    }

    [Fact]
    public void Markdown_of_a_corrected_second_edition()
    {
        var (spec, _) = ApprovedThree();
        spec.Given([.. spec.When(new PublishSelection(D(2026, 4, 26), Publisher)).ThenAccepted()]);
        spec.WithCase(Company, [.. CompanyCase(), new ReviewApplied(D(2026, 5, 6), ReviewKind.Reconsideration, "运城市人民政府"),
            new ReviewConcluded(D(2026, 6, 1), ReviewKind.Reconsideration, ReviewOutcome.Varied, "运政复决字〔2026〕8号", [Fine(10_000), StopOrder])]);
        spec.Given([.. spec.When(new WithdrawPublishedCase(Company, D(2026, 6, 3), "行政复议决定变更了罚款数额", Publisher)).ThenAccepted()]);
        spec.Given([.. spec.When(new NominateCase(Company, Publisher)).ThenAccepted()]);
        spec.Given([.. spec.When(new DraftCase(Company, null, null, null, "复议变更后的处罚同样体现了过罚相当原则。", Publisher)).ThenAccepted()]);
        spec.Given([.. spec.When(new ApproveSelection(D(2026, 6, 4), Approver, "同意更正。", "本年度全省结案的知识产权案件中符合典型案例条件的仅有三件。")).ThenAccepted()]);
        Approvals.Verify(TypicalCasesDocument.Render(spec.State, 2, D(2026, 6, 5)).Markdown, "typical-cases.edition-2.md");
    }

    [Fact]
    public void The_rendered_documents_carry_no_personal_data()
    {
        var (_, state) = ApprovedThree();
        var documents = TypicalCasesDocument.Render(state, 1, D(2026, 4, 26));
        foreach (var text in new[] { documents.Html, documents.Markdown, documents.Json })
        foreach (var data in new[] { "张建国", "140824198703152416", "13935912345", "新华街18号", "李红梅", "13803591111", "东街5号" })
            text.ShouldNotContain(data);
        documents.Html.ShouldContain("&lt;b&gt;对标注他人注册商标的商品审慎进货&lt;/b&gt;", Case.Sensitive, "publisher text is escaped, never markup");
        documents.Markdown.ShouldContain("张\\*\\*", Case.Sensitive, "a masked name is never emphasis");
    }
}
