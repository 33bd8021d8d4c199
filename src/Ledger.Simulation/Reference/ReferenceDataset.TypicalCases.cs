using Ledger.Domain;
using NodaTime;

namespace Ledger.Simulation.Reference;

/// <summary>A case of a reference typical-case list and the significance (典型意义) its publisher wrote.</summary>
public sealed record ReferenceTypicalCase(string CaseId, string Significance);

/// <summary>
/// The correction of a published list: a case whose decision was varied after publication is withdrawn, drafted again
/// from the varied decision and published in a second edition.
/// </summary>
public sealed record ReferenceTypicalCorrection(string CaseId, LocalDate WithdrawnOn, string Reason, LocalDate ApprovedOn, LocalDate PublishedOn);

/// <summary>One of Inner Mongolia's annual lists of ten typical cases (seed 003: "2018年至2020年连续三年发布全区知识产权保护十大典型案例").</summary>
public sealed record ReferenceTypicalList(
    RegionCode Region, int Year, LocalDate DraftedOn, LocalDate ApprovedOn, LocalDate PublishedOn, IReadOnlyList<ReferenceTypicalCase> Cases,
    ReferenceTypicalCorrection? Correction);

public sealed partial class ReferenceDataset
{
    /// <summary>Who wrote the lists (nominated, drafted, ranked) — officers of the autonomous region's bureau.</summary>
    public const string TypicalAuthor = "15000000301", TypicalSecondAuthor = "15000000302";
    /// <summary>Who reviewed and approved them; never one of the authors.</summary>
    public const string TypicalApprover = "15000000002";

    private sealed partial class Generator
    {
        /// <summary>
        /// Chooses each year's ten from the Inner Mongolia cases closed that year, as a publisher would: cases sent to the
        /// police, the 2020 mask cases, foreign-related and online cases, patent counterfeiting, a patent dispute, a
        /// geographical indication, an unlicensed patent agency, then the heaviest trademark penalties. The 2020 list
        /// holds the foreign-related case whose fine was varied in March 2021, so it is withdrawn and corrected.
        /// </summary>
        public IReadOnlyList<ReferenceTypicalList> InnerMongoliaTypicalLists(string correctedCaseId)
        {
            var region = RegionCode.Parse("150000");
            var schedule = new[]
            {
                (Year: 2018, Drafted: new LocalDate(2019, 4, 12), Approved: new LocalDate(2019, 4, 22), Published: new LocalDate(2019, 4, 25)),
                (Year: 2019, Drafted: new LocalDate(2020, 4, 10), Approved: new LocalDate(2020, 4, 21), Published: new LocalDate(2020, 4, 23)),
                (Year: 2020, Drafted: new LocalDate(2021, 1, 15), Approved: new LocalDate(2021, 1, 26), Published: new LocalDate(2021, 1, 28)),
            };
            var lists = new List<ReferenceTypicalList>();
            foreach (var (year, drafted, approved, published) in schedule)
            {
                var closed = kept.Where(s => s.Region.IsWithin(region) && s.State is { Status: CaseStatus.Closed, Decision.Revoked: false } && s.State.ClosedOn!.Value.Year == year)
                    .ToList();
                var chosen = new List<ReferenceTypicalCase>();
                void Take(IEnumerable<CaseScript> candidates, int count, string significance)
                {
                    foreach (var script in candidates.Where(s => chosen.All(c => c.CaseId != s.CaseId)).Take(Math.Min(count, 10 - chosen.Count)))
                        chosen.Add(new ReferenceTypicalCase(script.CaseId, significance));
                }
                var trademarkFined = closed.Where(s => s.State is { Kind: CaseKind.TrademarkInfringement, Decision.Kind: DecisionKind.Penalty })
                    .OrderByDescending(s => s.State.AmountImposed).ThenBy(s => s.CaseId, StringComparer.Ordinal).ToList();
                if (year == 2020)
                {
                    Take(trademarkFined.Where(s => s.CaseId == correctedCaseId), 1, SignificanceForeign);
                    Take(trademarkFined.Where(s => s.State.Right?.Name == "3M"), 1, SignificanceMasks);
                    Take(trademarkFined.Where(s => s.State.Right?.Name == "飘安"), 1, SignificanceMasks);
                }
                Take(closed.Where(s => s.State.Decision is { Kind: DecisionKind.Transfer, TransferTarget: TransferTarget.Police })
                    .OrderByDescending(s => s.State.CaseValue).ThenBy(s => s.CaseId, StringComparer.Ordinal), 2, SignificancePolice);
                Take(trademarkFined.Where(s => s.State.Flags.Contains(CaseFlags.ForeignRelated)), 1, SignificanceForeign);
                Take(trademarkFined.Where(s => s.State.Flags.Contains(CaseFlags.ECommerce)), 1, SignificanceOnline);
                Take(closed.Where(s => s.State is { Kind: CaseKind.PatentCounterfeiting, Decision.Kind: DecisionKind.Penalty })
                    .OrderByDescending(s => s.State.AmountImposed).ThenBy(s => s.CaseId, StringComparer.Ordinal), 1, SignificancePatentCounterfeiting);
                Take(closed.Where(s => s.State.Kind == CaseKind.PatentInfringementDispute).OrderBy(s => s.CaseId, StringComparer.Ordinal), 1, SignificanceDispute);
                Take(closed.Where(s => s.State is { Kind: CaseKind.GeographicalIndication, Decision.Kind: DecisionKind.Penalty })
                    .OrderByDescending(s => s.State.AmountImposed).ThenBy(s => s.CaseId, StringComparer.Ordinal), 1, SignificanceGeographicalIndication);
                Take(closed.Where(s => s.State.Kind == CaseKind.PatentAgency).OrderBy(s => s.CaseId, StringComparer.Ordinal), 1, SignificanceAgency);
                Take(trademarkFined, 10, SignificanceHeavy);
                if (chosen.Count != 10) throw new InvalidOperationException($"the reference dataset has only {chosen.Count} typical cases for {year}");
                var correction = year == 2020
                    ? new ReferenceTypicalCorrection(correctedCaseId, new LocalDate(2021, 3, 17), "行政复议决定变更了罚款数额，原文所述处理结果已不准确",
                        new LocalDate(2021, 3, 18), new LocalDate(2021, 3, 18))
                    : null;
                lists.Add(new ReferenceTypicalList(region, year, drafted, approved, published, chosen, correction));
            }
            return lists;
        }

        private const string SignificancePolice =
            "本案是行政执法与刑事司法衔接的典型案例。执法部门在查办中发现涉案金额达到刑事立案追诉标准，及时将案件移送公安机关，形成了打击侵权假冒违法犯罪的合力。";
        private const string SignificanceMasks =
            "新冠肺炎疫情防控期间，不法经营者销售侵犯注册商标专用权的口罩，危害人民群众生命健康。执法部门快速反应、从严查处，有力维护了防疫物资市场秩序。";
        private const string SignificanceForeign =
            "本案涉及境外权利人的注册商标。依法平等保护中外权利人的合法权益，是营造市场化、法治化、国际化营商环境的应有之义。";
        private const string SignificanceOnline =
            "网络销售侵权商品隐蔽性强、传播范围广。执法部门线上线下联动查处，为规范电子商务经营秩序提供了有益借鉴。";
        private const string SignificancePatentCounterfeiting =
            "假冒专利行为欺骗消费者、扰乱市场秩序。本案依法责令改正并处罚款，警示经营者如实标注专利标识、诚信经营。";
        private const string SignificanceDispute =
            "专利侵权纠纷行政裁决和行政调解程序简便、处理高效。本案快速化解纠纷，降低了权利人的维权成本，体现了行政保护的优势。";
        private const string SignificanceGeographicalIndication =
            "地理标志关系特色产业发展和农牧民增收。本案依法保护地理标志证明商标专用权，维护了区域公用品牌的声誉。";
        private const string SignificanceAgency =
            "本案是“蓝天”专项整治行动中查处的无资质专利代理案件，有力规范了专利代理行业秩序。";
        private const string SignificanceHeavy =
            "本案违法经营额较大，执法部门依法没收侵权商品并处罚款，彰显了严格保护知识产权、严厉打击侵权假冒的决心。";
    }
}
