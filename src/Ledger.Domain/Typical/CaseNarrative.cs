using System.Globalization;
using System.Text;

namespace Ledger.Domain.Typical;

/// <summary>A case told for publication: title, 案情简介 (facts) and 处理结果 (outcome).</summary>
public sealed record Narrative(string Title, string Facts, string Outcome);

/// <summary>
/// Writes a case's title, facts and outcome from its file, the way typical-case lists tell them
/// ("稷山县市场监督管理局查处某某销售侵犯“N”注册商标专用权商品案"). Every sentence is built from recorded data and the
/// whole text then passes through <see cref="Redaction.Redact"/>: party names become 某某 (or surname + **), identity
/// and phone numbers are masked, addresses cut to the county — personal data cannot reach the published text even
/// when an officer wrote it into a summary.
/// </summary>
public static class CaseNarrative
{
    /// <summary>The narrative of <paramref name="file"/>, naming natural persons as <paramref name="naming"/> says.</summary>
    public static Narrative Write(CaseFile file, PersonNaming naming)
    {
        var state = file.State;
        var bureau = (state.Region ?? throw new InvalidOperationException($"case {file.CaseId} has no region")).BureauName;
        string Name(Party? party) => party is null ? "当事人" : Redaction.PublishedName(party, naming);
        string Clean(string text) => Redaction.Redact(text, file.Parties, naming);
        return new Narrative(Clean(Title(state, bureau, Name)), Clean(Facts(file, bureau, Name)), Clean(Outcome(file, bureau)));
    }

    /// <summary>Money as Chinese documents print it: 2.5万元 for whole hundreds from ten thousand, else 6410元 or 6410.50元.</summary>
    public static string Yuan(Money amount)
    {
        var yuan = amount.Yuan;
        if (yuan >= 10_000 && amount.Fen % 10_000 == 0)
            return (yuan / 10_000).ToString("0.####", CultureInfo.InvariantCulture) + "万元";
        return yuan.ToString(amount.Fen % 100 == 0 ? "0" : "0.00", CultureInfo.InvariantCulture) + "元";
    }

    /// <summary>A legal date as documents print it: 2025年2月19日.</summary>
    public static string Date(NodaTime.LocalDate date) => $"{date.Year}年{date.Month}月{date.Day}日";

    private static string Title(CaseState state, string bureau, Func<Party?, string> name)
    {
        var right = state.Right?.Name is { Length: > 0 } mark ? $"“{mark}”" : "";
        return state.Kind switch
        {
            CaseKind.PatentInfringementDispute =>
                $"{bureau}处理{name(state.Requester)}与{name(state.Party)}{right}{PatentKind(state.Right?.Kind)}侵权纠纷案",
            CaseKind.PatentCounterfeiting => $"{bureau}查处{name(state.Party)}假冒专利案",
            CaseKind.PatentAgency => $"{bureau}查处{name(state.Party)}擅自开展专利代理业务案",
            CaseKind.OtherPatent => $"{bureau}查处{name(state.Party)}专利违法案",
            CaseKind.TrademarkAgency => $"{bureau}查处{name(state.Party)}商标代理违法案",
            CaseKind.GeographicalIndication => $"{bureau}查处{name(state.Party)}销售侵犯{right}地理标志证明商标专用权商品案",
            CaseKind.OfficialOrSpecialMark => $"{bureau}查处{name(state.Party)}侵犯{right}特殊标志专有权案",
            CaseKind.OtherTrademark => $"{bureau}查处{name(state.Party)}商标违法案",
            _ => $"{bureau}查处{name(state.Party)}销售侵犯{right}注册商标专用权商品案",
        };
    }

    private static string Facts(CaseFile file, string bureau, Func<Party?, string> name)
    {
        var text = new StringBuilder();
        foreach (var e in file.Events)
        {
            switch (e)
            {
                case CaseEvent.LeadRegistered lead:
                    text.Append($"{Date(lead.On)}，{bureau}{SourcePhrase(lead.Source)}，{Sentence(lead.Summary)}当事人为{name(lead.Party)}。");
                    break;
                case CaseEvent.DisputeRequested dispute:
                    var patent = dispute.Patent.RegistrationNumber is { Length: > 0 } number ? $"（专利号{number}）" : "";
                    text.Append($"{Date(dispute.On)}，请求人{name(dispute.Requester)}以被请求人{name(dispute.Respondent)}侵犯其" +
                                $"“{dispute.Patent.Name}”{PatentKind(dispute.Patent.Kind)}{patent}专利权为由，请求{bureau}处理。{Sentence(dispute.Summary)}");
                    break;
                case CaseEvent.CaseFiled filed:
                    text.Append($"{Date(filed.On)}，该局依法立案调查。");
                    break;
                case CaseEvent.DisputeAccepted accepted:
                    text.Append($"{Date(accepted.On)}，该局依法受理。");
                    break;
                case CaseEvent.EvidenceRecorded evidence:
                    text.Append($"执法人员依法调查取证：{Sentence(evidence.Description)}");
                    break;
                case CaseEvent.GoodsHeld held:
                    text.Append($"{Date(held.On)}，该局依法对{held.Description}{MeasurePhrase(held.Measure)}。");
                    break;
                case CaseEvent.AmountsAssessed assessed:
                    var amounts = new List<string>();
                    if (assessed.Turnover is { } turnover) amounts.Add($"违法经营额{Yuan(turnover.Amount)}");
                    if (assessed.GoodsValue is { } goods) amounts.Add($"货值金额{Yuan(goods.Amount)}");
                    if (assessed.IllegalGains is { } gains) amounts.Add($"违法所得{Yuan(gains.Amount)}");
                    if (amounts.Count > 0) text.Append($"经查，当事人{string.Join("，", amounts)}。");
                    break;
                case CaseEvent.InnocentSellerEstablished innocent:
                    text.Append($"当事人能证明涉案商品系自己合法取得并说明了提供者（{innocent.Supplier}）：{Sentence(innocent.Evidence)}");
                    break;
                case CaseEvent.RelatedLeadReferred referred:
                    text.Append($"{Date(referred.On)}，该局将相关线索移送{Place(referred.TargetRegion)}市场监督管理部门。");
                    break;
                case CaseEvent.JointHandlingAgreed joint:
                    text.Append($"该局与{Place(joint.PartnerRegion)}市场监督管理部门联合办案。");
                    break;
                case CaseEvent.DisputeAnswerReceived:
                    text.Append("被请求人在答辩期内提交了答辩意见。");
                    break;
                case CaseEvent.OralHearingHeld hearing:
                    text.Append($"{Date(hearing.On)}，该局依法进行口头审理。");
                    break;
                case CaseEvent.HearingHeld hearing:
                    text.Append($"应当事人要求，该局于{Date(hearing.On)}依法举行听证。");
                    break;
            }
        }
        return text.ToString();
    }

    private static string Outcome(CaseFile file, string bureau)
    {
        var text = new StringBuilder();
        foreach (var e in file.Events)
        {
            switch (e)
            {
                case CaseEvent.PenaltyDecided penalty:
                    text.Append($"{Date(penalty.On)}，{bureau}依据{Bases(penalty.LegalBases)}，对当事人作出行政处罚决定：{Items(penalty.Items)}。");
                    break;
                case CaseEvent.NoPenaltyDecided none:
                    text.Append($"{Date(none.On)}，{bureau}依据{Bases(none.LegalBases)}，决定不予行政处罚" +
                                (none.Orders.Count > 0 ? $"，{Items(none.Orders)}。" : "。"));
                    break;
                case CaseEvent.CaseTransferred transfer:
                    text.Append(transfer.Target switch
                    {
                        TransferTarget.Police => $"{Date(transfer.On)}，因当事人涉嫌犯罪，{bureau}依法将案件移送公安机关。",
                        TransferTarget.OtherRegionBureau when transfer.TargetRegion is { } region =>
                            $"{Date(transfer.On)}，{bureau}依法将案件移送{Place(region)}市场监督管理部门。",
                        _ => $"{Date(transfer.On)}，{bureau}依法将案件移送{transfer.TargetAgency ?? "有关机关"}。",
                    });
                    break;
                case CaseEvent.DisputeAdjudicated adjudicated:
                    text.Append(adjudicated.Finding == AdjudicationFinding.Infringes
                        ? $"{Date(adjudicated.On)}，{bureau}作出行政裁决，认定侵权行为成立，责令被请求人立即停止侵权行为。"
                        : $"{Date(adjudicated.On)}，{bureau}作出行政裁决，认定侵权行为不成立，驳回请求人的请求。");
                    break;
                case CaseEvent.MediationAgreed mediation:
                    text.Append($"{Date(mediation.On)}，经该局主持调解，双方自愿达成调解协议：{Sentence(mediation.Terms)}");
                    break;
                case CaseEvent.JudicialConfirmationObtained confirmed:
                    text.Append($"该调解协议经{confirmed.Court}司法确认。");
                    break;
                case CaseEvent.ReviewConcluded review:
                    var how = review.Kind == ReviewKind.Reconsideration ? "经行政复议" : "经行政诉讼";
                    text.Append(review.Outcome switch
                    {
                        ReviewOutcome.Upheld => $"{how}，{Date(review.On)}维持原处罚决定。",
                        ReviewOutcome.Varied => $"{how}，{Date(review.On)}原处罚决定变更为：{Items(review.VariedItems)}。",
                        ReviewOutcome.Revoked => $"{how}，{Date(review.On)}原处罚决定被撤销。",
                        ReviewOutcome.RevokedWithOrderToDecideAgain => $"{how}，{Date(review.On)}原处罚决定被撤销，责令重新作出行政行为。",
                        _ => $"{how}，{Date(review.On)}原处罚决定被确认违法。",
                    });
                    break;
                case CaseEvent.CaseClosed closed:
                    if (file.State.AmountImposed > Money.Zero && file.State.AmountOutstanding == Money.Zero)
                        text.Append("当事人已缴清罚没款。");
                    text.Append($"{Date(closed.On)}，案件办结。");
                    break;
            }
        }
        return text.ToString();
    }

    private static string Items(IEnumerable<PenaltyItem> items) => string.Join("，", items.Select(item => item.Kind switch
    {
        PenaltyItemKind.Warning => "警告",
        PenaltyItemKind.Fine => $"罚款{Yuan(item.Amount ?? Money.Zero)}",
        PenaltyItemKind.ConfiscationOfGains => $"没收违法所得{Yuan(item.Amount ?? Money.Zero)}",
        PenaltyItemKind.ConfiscationOfGoods => item.Description ?? "没收侵权商品",
        PenaltyItemKind.OrderToStop => item.Description ?? "责令停止侵权行为",
        _ => item.Description ?? "责令改正",
    }));

    // "商标法第五十七条第三项", "商标法第六十条第二款" → 《中华人民共和国商标法》第五十七条第三项、第六十条第二款: each law named
    // once before its articles; a basis that names no law we know is kept whole.
    private static string Bases(IReadOnlyList<string> bases)
    {
        if (bases.Count == 0) return "相关法律规定";
        var parts = new List<string>();
        string? previousLaw = null;
        foreach (var basis in bases)
        {
            var law = Array.Find(Laws, l => basis.StartsWith(l.Short, StringComparison.Ordinal));
            if (law.Short is null)
            {
                parts.Add(basis);
                previousLaw = null;
                continue;
            }
            var article = basis[law.Short.Length..];
            parts.Add(law.Full == previousLaw ? article : $"《{law.Full}》{article}");
            previousLaw = law.Full;
        }
        return string.Join("、", parts);
    }

    private static readonly (string Short, string Full)[] Laws =
    [
        ("商标法", "中华人民共和国商标法"), ("专利法", "中华人民共和国专利法"), ("行政处罚法", "中华人民共和国行政处罚法"),
        ("专利代理条例", "专利代理条例"),
    ];

    private static string Sentence(string text)
    {
        text = text.Trim();
        return text.Length == 0 ? "" : text[^1] is '。' or '！' or '？' ? text : text + "。";
    }

    private static string Place(RegionCode region) => region.Name is { } name && region.Level == RegionLevel.County && region.City.Name is { } city && city != name
        ? city + name : region.Name ?? region.Value;

    private static string SourcePhrase(LeadSource source) => source switch
    {
        LeadSource.Inspection => "在监督检查中发现案件线索",
        LeadSource.Complaint => "接到投诉",
        LeadSource.Report => "接到举报",
        LeadSource.Transfer => "接到移送的案件线索",
        _ => "接到上级交办的案件线索",
    };

    private static string MeasurePhrase(GoodsMeasure measure) => measure switch
    {
        GoodsMeasure.RegisteredForPreservation => "予以先行登记保存",
        GoodsMeasure.Sealed => "予以查封",
        _ => "予以扣押",
    };

    private static string PatentKind(RightKind? kind) => kind switch
    {
        RightKind.InventionPatent => "发明专利",
        RightKind.UtilityModelPatent => "实用新型专利",
        RightKind.DesignPatent => "外观设计专利",
        _ => "专利",
    };
}
