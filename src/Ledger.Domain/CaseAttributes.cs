namespace Ledger.Domain;

/// <summary>
/// The rows of the official IP enforcement statistics table. A case is counted in exactly one row.
/// </summary>
public enum CaseKind
{
    /// <summary>商标侵权假冒: trademark infringement and counterfeiting (商标法 art. 57, 60).</summary>
    TrademarkInfringement,
    /// <summary>地理标志: geographical indications, protected as collective or certification marks.</summary>
    GeographicalIndication,
    /// <summary>官方标志、特殊标志、奥林匹克标志: official and special marks, Olympic marks.</summary>
    OfficialOrSpecialMark,
    /// <summary>商标代理违法: trademark agency violations (商标法 art. 68).</summary>
    TrademarkAgency,
    /// <summary>其他商标违法: other trademark violations.</summary>
    OtherTrademark,
    /// <summary>假冒专利: passing off a patent (专利法 art. 68; art. 63 before 2021-06-01).</summary>
    PatentCounterfeiting,
    /// <summary>专利代理违法, including agency without qualification (无资质专利代理).</summary>
    PatentAgency,
    /// <summary>其他专利违法: other patent violations.</summary>
    OtherPatent,
    /// <summary>专利侵权纠纷: a patent infringement dispute, settled by adjudication or mediation, never fined.</summary>
    PatentInfringementDispute,
}

/// <summary>The procedure a case follows, decided by its kind.</summary>
public enum Procedure
{
    /// <summary>行政处罚普通程序: investigated and decided by the bureau (《行政处罚法》, SAMR's procedure rules).</summary>
    Penalty,
    /// <summary>专利侵权纠纷行政裁决: a dispute between a patentee and an alleged infringer.</summary>
    PatentDispute,
}

/// <summary>Well-known flags. Flags are data (lower-case words joined by hyphens); these are the ones the statistics use.</summary>
public static class CaseFlags
{
    /// <summary>涉外: a foreign right holder or party.</summary>
    public const string ForeignRelated = "foreign-related";
    /// <summary>电商: sold through e-commerce.</summary>
    public const string ECommerce = "e-commerce";
    /// <summary>农村: rural markets.</summary>
    public const string Rural = "rural";
    /// <summary>实体市场: physical markets.</summary>
    public const string PhysicalMarket = "physical-market";
    /// <summary>防疫用品: epidemic-prevention goods such as masks (2020).</summary>
    public const string EpidemicPreventionGoods = "epidemic-prevention-goods";

    private static readonly System.Text.RegularExpressions.Regex Pattern =
        new("^[a-z][a-z0-9]*(-[a-z0-9]+)*$", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    /// <summary>The flag, checked: lower-case words joined by hyphens, at most 64 characters; else names <paramref name="field"/>.</summary>
    public static string Check(string? flag, string field) =>
        flag is { Length: <= 64 } && Pattern.IsMatch(flag) ? flag
            : throw new DomainRuleViolation(field, $"a flag is lower-case words joined by hyphens, such as {ForeignRelated} (got '{flag}')");
}

/// <summary>Campaigns (专项行动) a case belongs to, named as bureaus name them: 铁拳2020, 双打2018.</summary>
public static class CaseCampaigns
{
    /// <summary>The campaign id, trimmed and checked: 1 to 64 letters (any script), digits, '-' or '_'; else names <paramref name="field"/>.</summary>
    public static string Check(string? campaign, string field)
    {
        var trimmed = campaign?.Trim();
        return trimmed is { Length: > 0 and <= 64 } && trimmed.All(c => char.IsLetterOrDigit(c) || c is '-' or '_') ? trimmed
            : throw new DomainRuleViolation(field, $"a campaign id such as 铁拳2020 is 1 to 64 letters, digits, '-' or '_' (got '{campaign}')");
    }
}

/// <summary>Where a lead (线索) came from.</summary>
public enum LeadSource
{
    /// <summary>监督检查: found in the bureau's own inspection.</summary>
    Inspection,
    /// <summary>投诉: a complaint by someone whose own rights are affected.</summary>
    Complaint,
    /// <summary>举报: a report by anyone.</summary>
    Report,
    /// <summary>移送: transferred from another agency or another region's bureau.</summary>
    Transfer,
    /// <summary>交办: assigned by a higher authority.</summary>
    Assignment,
}

/// <summary>Whether a party is a natural person (whose personal data is never published) or an organisation.</summary>
public enum PartyKind
{
    /// <summary>自然人 (including 个体工商户 operators named as persons).</summary>
    NaturalPerson,
    /// <summary>法人或者其他组织.</summary>
    Organisation,
}

/// <summary>
/// A party to the case (当事人), or the requester or respondent of a patent dispute. Identity numbers, phones and
/// addresses are kept for the file; publication redacts them (《政府信息公开条例》, the credit-system rules).
/// <see cref="Operator"/> is, for a sole trader (个体工商户) recorded under its trade name, the operator's personal name:
/// a trade name such as 稷山县王建国鞋店 carries it, and publication redacts it there as it redacts a person's name.
/// Left out of the stored JSON when there is none, so the records written before it keep their shape.
/// </summary>
public sealed record Party(
    PartyKind Kind,
    string Name,
    string? IdentityNumber = null,
    string? Phone = null,
    string? Address = null,
    bool Confidential = false,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    string? Operator = null);

/// <summary>The kind of right infringed.</summary>
public enum RightKind
{
    /// <summary>注册商标 (including collective and certification marks).</summary>
    Trademark,
    /// <summary>地理标志.</summary>
    GeographicalIndication,
    /// <summary>特殊标志、奥林匹克标志、官方标志.</summary>
    SpecialMark,
    /// <summary>发明专利.</summary>
    InventionPatent,
    /// <summary>实用新型专利.</summary>
    UtilityModelPatent,
    /// <summary>外观设计专利.</summary>
    DesignPatent,
}

/// <summary>The mark or patent at issue and its holder (权利人), e.g. the "N" mark or the 闻喜 glass-vase design patent.</summary>
public sealed record ProtectedRight(RightKind Kind, string Name, string? RegistrationNumber, string Holder);

/// <summary>A certified law-enforcement officer (持执法证): the certificate number identifies them.</summary>
public sealed record Officer(string CertificateNumber, string Name);
