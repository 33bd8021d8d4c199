using Ledger.Domain.Typical;
using static Ledger.Domain.Tests.Typical.TypicalSamples;
using static Ledger.Domain.Typical.SelectionCommand;
using static Ledger.Domain.Typical.SelectionEvent;

namespace Ledger.Domain.Tests.Typical;

public class RedactionTests
{
    // What the file of TypicalSamples.ClosedCase holds of 张建国, none of which may be published.
    private static readonly string[] PersonalData =
        ["张建国", "建国", "140824198703152416", "13935912345", "稷峰镇新华街18号3单元201室", "新华街18号", "山西省运城市稷山县稷峰镇新华街18号3单元201室"];

    [Theory]
    [InlineData("山西省运城市稷山县某街道某鞋铺", "山西省运城市稷山县")]
    [InlineData("山西省运城市闻喜县某镇", "山西省运城市闻喜县")]
    [InlineData("内蒙古自治区包头市昆都仑区钢铁大街18号", "内蒙古自治区包头市昆都仑区")]
    [InlineData("北京市朝阳区某某市场2号", "北京市朝阳区")]
    [InlineData("锡林郭勒盟锡林浩特市某路1号", "锡林郭勒盟锡林浩特市")]
    [InlineData("某小区5号楼", "")]
    [InlineData("新华街18号", "")]
    public void Addresses_are_cut_to_the_county(string address, string published) => Redaction.CutToCounty(address).ShouldBe(published);

    [Theory]
    [InlineData("130427199402151234", "130427199402******")]
    [InlineData("14082419870315241X", "140824198703******")]
    public void Identity_numbers_keep_the_first_twelve_characters(string number, string published) => Redaction.MaskIdentityNumber(number).ShouldBe(published);

    [Theory]
    [InlineData("13935912345", "139****2345")]
    [InlineData("+86 139-3591-2345", "139****2345")]
    [InlineData("0359-5621234", "0359-*******")]
    public void Phone_numbers_are_masked(string phone, string published) => Redaction.MaskPhone(phone).ShouldBe(published);

    [Theory]
    [InlineData("张建国", PersonNaming.Masked, "某某")]
    [InlineData("张建国", PersonNaming.SurnameStars, "张**")]
    [InlineData("欧阳修文", PersonNaming.SurnameStars, "欧阳**")]
    [InlineData("余某某", PersonNaming.SurnameStars, "余**")]
    public void Natural_persons_are_named_as_the_selection_says(string name, PersonNaming naming, string published) =>
        Redaction.PublishedName(new Party(PartyKind.NaturalPerson, name), naming).ShouldBe(published);

    [Fact]
    public void Organisations_keep_their_names_unless_confidential()
    {
        Redaction.PublishedName(new Party(PartyKind.Organisation, "稷山县某商贸有限公司")).ShouldBe("稷山县某商贸有限公司");
        Redaction.PublishedName(new Party(PartyKind.Organisation, "某军工配套企业", Confidential: true)).ShouldBe("某单位");
    }

    [Fact]
    public void Any_identity_or_phone_number_is_found_even_of_someone_who_is_not_a_party()
    {
        var findings = Redaction.FindPersonalData("证人李某（身份证130427199402151234，手机15803591234，座机0359-5621234）作证", []);
        findings.Select(f => f.Text).ShouldBe(["130427199402151234", "15803591234", "0359-5621234"]);
        findings[0].Position.ShouldBe("characters 9–26");
    }

    [Theory]
    // Issue 24: each of these passed the publisher check and one reached a published edition.
    [InlineData("手机１５８０３５９１２３４联系", "１５８０３５９１２３４")]                 // full-width digits
    [InlineData("手机158\u200B0359\u200B1234联系", "158\u200B0359\u200B1234")]      // zero-width spaces
    [InlineData("手机158.0359.1234联系", "158.0359.1234")]                          // dots
    [InlineData("手机158\u20100359\u20101234联系", "158\u20100359\u20101234")]      // U+2010 hyphens
    [InlineData("手机158－0359－1234联系", "158－0359－1234")]                        // full-width dashes
    [InlineData("身份证130427 19940215 1234号", "130427 19940215 1234")]           // grouped identity number
    [InlineData("身份证１３０４２７１９９４０２１５１２３４号", "１３０４２７１９９４０２１５１２３４")]
    public void A_number_in_disguise_is_still_found_and_reported_as_written(string text, string written)
    {
        var finding = Redaction.FindPersonalData(text, []).ShouldHaveSingleItem();
        finding.Text.ShouldBe(written);
        Redaction.Redact(text, []).ShouldNotContain(written);
    }

    [Fact]
    public void A_partys_own_phone_number_is_found_whatever_separates_its_digits()
    {
        var party = new Party(PartyKind.NaturalPerson, "王某某", Phone: "13935900000");
        Redaction.FindPersonalData("电话 1 3 9 3 5 9 0 0 0 0 0 已核实", [party]).ShouldHaveSingleItem().What.ShouldContain("phone");
        Redaction.FindPersonalData("案值13935元，900000件", [party]).ShouldBeEmpty();
    }

    [Fact]
    public void Names_already_written_as_pseudonyms_are_not_personal_data() =>
        Redaction.FindPersonalData("当事人王某某、余**销售假冒商品", [new Party(PartyKind.NaturalPerson, "王某某")]).ShouldBeEmpty();

    [Theory]
    [InlineData(PersonNaming.Masked, "某某")]
    [InlineData(PersonNaming.SurnameStars, "张**")]
    public void The_generated_title_facts_and_outcome_carry_no_personal_data(PersonNaming naming, string name)
    {
        var events = ClosedCase();
        var narrative = CaseNarrative.Write(new CaseFile("140824-2025-0001", events, CaseModel.Replay(events)), naming);
        foreach (var (field, text) in new[] { ("title", narrative.Title), ("facts", narrative.Facts), ("outcome", narrative.Outcome) })
        {
            foreach (var data in PersonalData) text.ShouldNotContain(data, Case.Sensitive, $"{field}: {text}");
            text.ShouldContain(name, Case.Sensitive, $"{field} names the party as published: {text}");
        }
        narrative.Title.ShouldBe($"稷山县市场监督管理局查处{name}销售侵犯“N”注册商标专用权商品案");
        narrative.Facts.ShouldContain("140824198703******");
        narrative.Facts.ShouldContain("139****2345");
        narrative.Facts.ShouldContain("山西省运城市稷山县");
        narrative.Outcome.ShouldContain("罚款2万元，没收违法所得3000元");
    }

    public static TheoryData<string, string, string> PublisherTexts()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var field in new[] { "title", "facts", "outcome", "significance" })
        foreach (var (span, what) in new[]
                 {
                     ("张建国", "the name of a natural person who is a party"), ("140824198703152416", "an identity-card number"),
                     ("13935912345", "a phone number"), ("稷峰镇新华街18号3单元201室", "the party's address below the county"),
                 })
            data.Add(field, span, what);
        return data;
    }

    [Theory]
    [MemberData(nameof(PublisherTexts))]
    public void Publisher_text_with_personal_data_is_refused_naming_the_field_and_the_span(string field, string span, string what)
    {
        var text = $"本案中{span}的行为具有典型性案";
        var command = new DraftCase("140824-2025-0001",
            field == "title" ? text : null, field == "facts" ? text : null, field == "outcome" ? text : null,
            field == "significance" ? text : "严厉打击侵权假冒行为，维护公平竞争的市场秩序。", Publisher);
        new SelectionSpecification().WithCase("140824-2025-0001", ClosedCase())
            .Given(Opened(), Nominated("140824-2025-0001"))
            .When(command)
            .ThenFails(field, $"“{span}” (characters 4–{3 + span.Length}) is {what}", "must not carry personal data");
    }

    [Fact]
    public void Publisher_text_free_of_personal_data_is_kept_as_written_and_marked_as_the_publishers()
    {
        var spec = new SelectionSpecification().WithCase("140824-2025-0001", ClosedCase()).Given(Opened(), Nominated("140824-2025-0001"));
        var drafted = (CaseDrafted)spec.When(new DraftCase("140824-2025-0001", "稷山县市场监督管理局查处某某销售侵犯“N”注册商标专用权商品案", null, null,
            "本案当事人张某某在实体店铺销售侵权运动鞋，执法人员依法查处。", Publisher)).ThenAccepted().Single();
        drafted.WrittenByPublisher.ShouldBe(["title", "significance"]);
        drafted.Significance.ShouldBe("本案当事人张某某在实体店铺销售侵权运动鞋，执法人员依法查处。");
        drafted.Facts.ShouldNotContain("张建国");
        drafted.CaseVersion.ShouldBe(12);
    }

    [Fact]
    public void A_title_ends_with_the_word_for_case() =>
        new SelectionSpecification().WithCase("140824-2025-0001", ClosedCase()).Given(Opened(), Nominated("140824-2025-0001"))
            .When(new DraftCase("140824-2025-0001", "稷山县局查处销售假鞋", null, null, "意义。", Publisher))
            .ThenFails("title", "ends with 案");

    [Theory]
    [InlineData(PersonNaming.Masked, "稷山县某某鞋店")]
    [InlineData(PersonNaming.SurnameStars, "稷山县王**鞋店")]
    public void A_sole_traders_trade_name_is_published_without_its_operators_name(PersonNaming naming, string published)
    {
        var shop = new Party(PartyKind.Organisation, "稷山县王建国鞋店", Operator: "王建国");
        Redaction.PublishedName(shop, naming).ShouldBe(published);
        // In any text of the case, the operator's name and given name are found wherever they stand.
        Redaction.Redact("稷山县王建国鞋店经营者王建国称建国不知情", [shop], naming)
            .ShouldBe(naming == PersonNaming.Masked ? "稷山县某某鞋店经营者某某称某某不知情" : "稷山县王**鞋店经营者王**称王**不知情");
    }

    [Fact]
    public void A_trade_name_without_an_operator_is_an_organisations_name() =>
        Redaction.PublishedName(new Party(PartyKind.Organisation, "稷山县某商贸有限公司")).ShouldBe("稷山县某商贸有限公司");
}
