using Ledger.Application;
using Ledger.Application.Import;
using Ledger.Domain;
using NodaTime;
using static Ledger.Application.Totals.PublishedFigures;
using static Ledger.Domain.CaseCommand;

namespace Ledger.Simulation.Reference;

public sealed partial class ReferenceDataset
{
    private enum Outcome { Fined, NoPenalty, Police }

    /// <summary>What one counted penalty case must add to the figures; the script fills in how it got there.</summary>
    private sealed record PenaltySpec(
        RegionCode Region, CaseKind Kind, LocalDate ClosedOn, Outcome Outcome, Money CaseValue, Money Fine, Money Confiscation,
        string[] Flags, string[] Campaigns, ProtectedRight? Right, string Goods, Instant? RecordBy);

    private sealed partial class Generator(Random random)
    {
        private readonly Dictionary<(string, int), int> numbers = [];
        private readonly List<CaseScript> kept = [];
        private int line;

        public List<ImportAction> Actions { get; } = [];
        public List<ReferenceCorrection> Corrections { get; } = [];
        public List<(string, string)> NamedCases { get; } = [];

        // ---- Inner Mongolia 2016–2020 (seed 003) --------------------------------------------------------------------

        private static readonly (string City, int Weight, string[] Counties)[] InnerMongoliaCities =
        [
            ("150100", 18, ["150102", "150103", "150104", "150105", "150121"]), ("150200", 18, ["150202", "150203", "150204", "150205"]),
            ("150300", 3, ["150302"]), ("150400", 14, ["150402", "150403", "150404"]), ("150500", 9, ["150502"]),
            ("150600", 12, ["150602", "150603"]), ("150700", 8, ["150702", "150781"]), ("150800", 6, ["150802"]),
            ("150900", 6, ["150902"]), ("152200", 2, ["152201"]), ("152500", 3, ["152501", "152502"]), ("152900", 1, ["152921"]),
        ];

        private static readonly (string City, int Weight, string[] Counties)[] TaiyuanDistricts =
        [
            ("140100", 1, ["140105", "140106", "140107", "140108", "140109", "140110", "140121", "140122", "140123", "140181"]),
        ];

        public void InnerMongolia()
        {
            var by = InnerMongoliaPublished;
            // Trademark infringement closed 2016–2019: 1,076 cases, 9,884,300 case value, 9,883,400 fines and confiscations
            // (the five-year figures less 2020's).
            var earlier = new List<PenaltySpecDraft>();
            foreach (var (year, count) in new[] { (2016, 221), (2017, 248), (2018, 286), (2019, 321) })
                for (var i = 0; i < count; i++)
                    earlier.Add(Draft(InnerMongoliaBureau(), CaseKind.TrademarkInfringement, DayIn(year), MixedOutcome(), OrdinaryTags(year)));
            WritePenaltyCases(earlier, 9_884_300, 9_883_400, by);

            // 2020 trademark infringement: 287 cases in four disjoint groups, so that the masks (39) and the foreign-related
            // cases (53) — which overlap in the 3M masks — each add up to their own published sums.
            var masks3M = Enumerable.Range(0, 14).Select(_ => Draft(InnerMongoliaBureau(), CaseKind.TrademarkInfringement, DayIn(2020, 2, 9), Outcome.Fined,
                ([CaseFlags.ForeignRelated, CaseFlags.EpidemicPreventionGoods], [MaskCampaign]), Mark3M, "口罩")).ToList();
            var masksPiaoan = Enumerable.Range(0, 25).Select(_ => Draft(InnerMongoliaBureau(), CaseKind.TrademarkInfringement, DayIn(2020, 2, 9), Outcome.Fined,
                ([CaseFlags.EpidemicPreventionGoods], [MaskCampaign]), MarkPiaoan, "口罩")).ToList();
            var foreign = Enumerable.Range(0, 39).Select(_ => Draft(InnerMongoliaBureau(), CaseKind.TrademarkInfringement, DayIn(2020), MixedOutcome(),
                (WithFlag(OrdinaryTags(2020).Flags, CaseFlags.ForeignRelated), OrdinaryTags(2020).Campaigns), ForeignMark())).ToList();
            var others = Enumerable.Range(0, 209).Select(_ => Draft(InnerMongoliaBureau(), CaseKind.TrademarkInfringement, DayIn(2020), MixedOutcome(),
                OrdinaryTags(2020))).ToList();
            WritePenaltyCases(masks3M, 101_300, 412_300, by);
            WritePenaltyCases(masksPiaoan, 180_000, 747_000, by);
            var foreignScripts = WritePenaltyCases(foreign, 2_054_400, 342_300, by);
            WritePenaltyCases(others, 5_570_000, 2_835_000, by);

            // Patent counterfeiting (1,141 in five years, 41 in 2020) and patent disputes (171, 72 in 2020).
            foreach (var (year, count) in new[] { (2016, 312), (2017, 297), (2018, 265), (2019, 226), (2020, 41) })
                WritePatentCounterfeiting(count, year, by);
            foreach (var (year, count) in new[] { (2016, 18), (2017, 21), (2018, 27), (2019, 33), (2020, 72) })
                for (var i = 0; i < count; i++) WriteDispute(InnerMongoliaBureau(cityOrAbove: true), DayIn(year), by);

            // 2020 agency cases: 蓝天 (unlicensed patent agency) and trademark agencies.
            WriteAgencyCase(InnerMongoliaBureau(cityOrAbove: true), CaseKind.PatentAgency, DayIn(2020, 5, 12), Money.FromYuan(20_000), ["蓝天2020"], by);
            WriteAgencyCase(InnerMongoliaBureau(cityOrAbove: true), CaseKind.PatentAgency, DayIn(2020, 5, 12), Money.FromYuan(45_000), ["蓝天2020"], by);
            WriteAgencyCase(InnerMongoliaBureau(cityOrAbove: true), CaseKind.TrademarkAgency, DayIn(2020, 6, 12), Money.FromYuan(30_000), [], by);
            WriteAgencyCase(InnerMongoliaBureau(cityOrAbove: true), CaseKind.TrademarkAgency, DayIn(2020, 6, 12), Money.FromYuan(50_000), [], by);

            // Not in any figure, as in any real year: geographical indications, leads not filed or sent elsewhere, and
            // cases filed in 2020 but closed in 2021 (after the publication).
            for (var year = 2016; year <= 2020; year++)
            {
                for (var i = 0; i < 3; i++)
                    WritePenaltyCases([Draft(InnerMongoliaBureau(), CaseKind.GeographicalIndication, DayIn(year), Outcome.Fined, OrdinaryTags(year), GeographicalIndication())],
                        random.Next(20, 90) * 1_000, random.Next(5, 40) * 1_000, by);
                for (var i = 0; i < 20; i++) WriteLeadNotFiled(InnerMongoliaBureau(), DayIn(year));
                for (var i = 0; i < 3; i++) WriteLeadTransferred(InnerMongoliaBureau(), DayIn(year));
            }
            var spill = Enumerable.Range(0, 12).Select(_ => Draft(InnerMongoliaBureau(), CaseKind.TrademarkInfringement,
                new LocalDate(2021, 1, 1).PlusDays(random.Next(20, 80)), MixedOutcome(), OrdinaryTags(2021))).ToList();
            WritePenaltyCases(spill, random.Next(100, 400) * 1_000, random.Next(50, 150) * 1_000, recordBy: null);

            // The correction: a 2020 foreign-related fine varied on reconsideration in March 2021, after publication.
            var corrected = foreignScripts.First(s => s.Spec.Outcome == Outcome.Fined && s.Spec.Fine >= Money.FromYuan(2_000) && s.Spec.ClosedOn.Month <= 11);
            VaryFineAfterPublication(corrected.Script, corrected.Spec, new LocalDate(2020, 12, 28), new LocalDate(2021, 3, 16));
            TypicalLists = InnerMongoliaTypicalLists(corrected.Script.CaseId);
        }

        /// <summary>Inner Mongolia's typical-case lists of 2018–2020.</summary>
        public IReadOnlyList<ReferenceTypicalList> TypicalLists { get; private set; } = [];

        // ---- Taiyuan 2019–2021 (seed 000) -----------------------------------------------------------------------------

        public void Taiyuan()
        {
            var by = TaiyuanPublished;
            var drafts = new List<PenaltySpecDraft>();
            var agencies = new List<(CaseKind Kind, LocalDate ClosedOn, Money Fine)>();
            foreach (var (year, count) in new[] { (2019, 172), (2020, 181), (2021, 216) })
                for (var i = 0; i < count; i++)
                {
                    var roll = random.NextDouble();
                    var closedOn = DayIn(year);
                    if (roll < 0.015) agencies.Add((CaseKind.TrademarkAgency, closedOn, Money.FromYuan(random.Next(10, 60) * 1_000)));
                    else if (roll < 0.03 && closedOn >= new LocalDate(2019, 9, 1)) agencies.Add((CaseKind.PatentAgency, closedOn, Money.FromYuan(random.Next(5, 40) * 1_000)));
                    else if (roll < 0.23) drafts.Add(Draft(TaiyuanBureau(), CaseKind.PatentCounterfeiting, closedOn, random.NextDouble() < 0.8 ? Outcome.Fined : Outcome.NoPenalty, OrdinaryTags(year)));
                    else if (roll < 0.26) drafts.Add(Draft(TaiyuanBureau(), CaseKind.GeographicalIndication, closedOn, Outcome.Fined, OrdinaryTags(year), GeographicalIndication()));
                    else drafts.Add(Draft(TaiyuanBureau(), CaseKind.TrademarkInfringement, closedOn, MixedOutcome(), OrdinaryTags(year)));
                }
            // 罚款 547.5万余: fines alone (confiscations are extra), all kinds together.
            var agencyFines = agencies.Aggregate(0L, (sum, a) => sum + (long)a.Fine.Yuan);
            foreach (var (kind, closedOn, fine) in agencies)
                WriteAgencyCase(TaiyuanBureau(cityOrAbove: true), kind, closedOn, fine, [], by);
            var totalFines = 5_475_380 - agencyFines;
            var scripts = WritePenaltyCases(drafts, 14_600_000, totalFines, by, finesOnly: true);

            // Not counted: two disputes accepted late in 2021 and concluded in 2022, leads not filed, a case closed in 2022.
            for (var i = 0; i < 2; i++) WriteDispute(TaiyuanBureau(cityOrAbove: true), new LocalDate(2022, 2, 10).PlusDays(random.Next(0, 40)), recordBy: null);
            for (var i = 0; i < 25; i++) WriteLeadNotFiled(TaiyuanBureau(), DayIn(2019 + i % 3));
            WritePenaltyCases([Draft(TaiyuanBureau(), CaseKind.TrademarkInfringement, new LocalDate(2022, 1, 25), Outcome.Fined, OrdinaryTags(2022))], 36_000, 12_000, recordBy: null);

            // The correction: a 2021 fine revoked by a court in June 2022, after publication.
            var revoked = scripts.First(s => s.Spec.Outcome == Outcome.Fined && s.Spec.Kind == CaseKind.TrademarkInfringement
                && s.Spec.ClosedOn.Year == 2021 && s.Spec.ClosedOn.Month <= 11);
            RevokeInCourtAfterPublication(revoked.Script, revoked.Spec, new LocalDate(2022, 1, 10), new LocalDate(2022, 6, 20));
        }

        // ---- Yuncheng 2024–2025 (seed 002): the cases the source tells, in full -----------------------------------------

        public void Yuncheng()
        {
            // 稷山县: the shoe shop, an innocent seller of "N" shoes; the supplier lead goes to 临汾.
            var jishan = RegionCode.Parse("140824");
            var shoes = Script("140824-2025-0012", jishan);
            var shop = new Party(PartyKind.NaturalPerson, "王某某", WithCheckCharacter("14082419870315241"), "13935900000", "山西省运城市稷山县某街道某鞋铺");
            var newBalance = new ProtectedRight(RightKind.Trademark, "N", "第1237011号", "New Balance Athletics, Inc.");
            shoes.Record(new RegisterLead(new LocalDate(2025, 2, 19), LeadSource.Complaint, "权利人投诉某鞋铺销售带有“N”或近似标识的运动鞋",
                jishan, CaseKind.TrademarkInfringement, shop, newBalance, new LocalDate(2025, 2, 19), [CaseFlags.ForeignRelated, CaseFlags.PhysicalMarket], ["铁拳2025"]));
            shoes.Record(new RecordEvidence(new LocalDate(2025, 2, 19), "现场检查：店内陈列带有“N”或近似标识的运动鞋22双，涉及9个品牌12个型号"));
            shoes.Record(new FileCase(new LocalDate(2025, 2, 20), shoes.Head, ["商标法第五十七条第三项"]));
            shoes.Record(new AssignOfficers(new LocalDate(2025, 2, 20), shoes.Handlers));
            shoes.Record(new HoldGoods(new LocalDate(2025, 2, 20), "稷市监先保〔2025〕5号", GoodsMeasure.RegisteredForPreservation, "带有“N”或近似标识的运动鞋22双", Money.FromYuan(6_410)));
            shoes.Record(new AssessAmounts(new LocalDate(2025, 2, 24), null, new Assessment(Money.FromYuan(6_410), "按实际销售价格计算，22双共计6410元"), null));
            shoes.Record(new EstablishInnocentSeller(new LocalDate(2025, 2, 26), "临汾市某鞋业商行", RegionCode.Parse("141000"), "提供进货单据、付款记录及供货商信息，能证明合法取得并说明提供者"));
            shoes.Record(new ReleaseGoods(new LocalDate(2025, 2, 27), "稷市监先保〔2025〕5号", "依法作出处理：责令停止销售，涉案商品由当事人下架封存"));
            shoes.Record(new ReferRelatedLead(new LocalDate(2025, 2, 28), RegionCode.Parse("141000"), "供货商涉嫌销售侵犯“N”注册商标专用权商品，线索移送临汾市市场监督管理局"));
            shoes.Record(new DecideNoPenalty(new LocalDate(2025, 3, 14), "稷市监不罚〔2025〕3号", NoPenaltyGround.InnocentSeller,
                [new PenaltyItem(PenaltyItemKind.OrderToStop, null, "责令立即停止销售侵犯“N”注册商标专用权的运动鞋")],
                ["商标法第五十七条第三项", "商标法第六十条第二款", "山西省市场监管领域轻微违法行为不予处罚清单(2023年版)"], shoes.Head));
            shoes.Record(new ServeDecision(new LocalDate(2025, 3, 17), "直接送达"));
            shoes.Record(new CloseCase(new LocalDate(2025, 3, 24), ClosingGround.NoPenalty, "销售者能证明合法取得并说明提供者，不予处罚，责令停止销售，结案"));
            Keep(shoes, "稷山县: shoe shop selling 22 pairs of \"N\" shoes (6,410 yuan) — innocent seller, no penalty, supplier lead to 临汾");

            // 闻喜县: the glass-vase ("手捧花") design patent dispute between former partners, settled by mediation.
            var wenxi = RegionCode.Parse("140823");
            var vase = Script("140823-2024-0003", wenxi);
            var patent = new ProtectedRight(RightKind.DesignPatent, "玻璃花瓶（手捧花）", "ZL202130215876.3", "闻喜县某玻璃制品厂");
            vase.Record(new RequestDispute(new LocalDate(2024, 4, 8), wenxi, new Party(PartyKind.Organisation, "闻喜县某玻璃制品厂"),
                new Party(PartyKind.NaturalPerson, "张某某", Address: "山西省运城市闻喜县某镇"), patent, "原合伙人未经许可制造、销售“手捧花”玻璃花瓶，请求处理外观设计专利侵权纠纷", [], []));
            vase.Record(new AcceptDispute(new LocalDate(2024, 4, 11), vase.Head, vase.Handlers));
            vase.Record(new RecordDisputeAnswer(new LocalDate(2024, 4, 24), "被请求人承认制造销售事实，请求调解"));
            vase.Record(new RecordMediationAgreement(new LocalDate(2024, 5, 9), Money.FromYuan(30_000), "被请求人停止制造、销售涉案玻璃花瓶，销毁库存，赔偿请求人3万元"));
            vase.Record(new CloseCase(new LocalDate(2024, 5, 13), ClosingGround.DisputeConcluded, "行政调解结案"));
            Keep(vase, "闻喜县: design patent dispute over the glass vase \"手捧花\" between partners, settled by mediation");

            // 运城市 with 晋中市: two patent infringement disputes handled jointly, with an oral hearing.
            var yuncheng = RegionCode.Parse("140800");
            foreach (var (id, on) in new[] { ("140800-2024-0101", new LocalDate(2024, 6, 17)), ("140800-2024-0102", new LocalDate(2024, 9, 9)) })
            {
                var joint = Script(id, yuncheng);
                var invention = new ProtectedRight(RightKind.UtilityModelPatent, "一种农用喷雾装置", $"ZL2021{random.Next(20_000_000, 29_999_999)}.{random.Next(0, 10)}", "晋中市某农机有限公司");
                joint.Record(new RequestDispute(on, yuncheng, new Party(PartyKind.Organisation, "晋中市某农机有限公司"),
                    new Party(PartyKind.Organisation, $"运城市某农业机械有限公司{random.Next(1, 9)}"), invention, "请求处理实用新型专利侵权纠纷", [], []));
                joint.Record(new AcceptDispute(on.PlusDays(3), joint.Head, joint.Handlers));
                joint.Record(new AgreeJointHandling(on.PlusDays(5), RegionCode.Parse("140700"), "请求人住所地在晋中市，两地联合办案"));
                joint.Record(new RecordDisputeAnswer(on.PlusDays(18), "被请求人答辩称不构成侵权"));
                joint.Record(new HoldOralHearing(on.PlusDays(33), "运城、晋中两地执法人员共同组成合议组进行口头审理"));
                joint.Record(new AdjudicateDispute(on.PlusDays(55), $"运市监专裁〔2024〕{random.Next(2, 20)}号", AdjudicationFinding.Infringes, joint.Head));
                joint.Record(new CloseCase(on.PlusDays(62), ClosingGround.DisputeConcluded, "作出行政裁决，结案"));
                Keep(joint, "运城市 with 晋中市: patent infringement dispute handled jointly, oral hearing, adjudicated");
            }

            // 运城市: three patent infringement requests sent to the competent bureaus in 重庆永川, 广东佛山 and 四川泸州.
            foreach (var (id, on, target, name) in new[]
                     {
                         ("140800-2024-0201", new LocalDate(2024, 7, 2), "500118", "重庆市永川区"),
                         ("140800-2024-0202", new LocalDate(2024, 10, 21), "440600", "广东省佛山市"),
                         ("140800-2025-0203", new LocalDate(2025, 1, 13), "510500", "四川省泸州市"),
                     })
            {
                var request = Script(id, yuncheng);
                var right = new ProtectedRight(RightKind.InventionPatent, "一种陶瓷制品", $"ZL2019{random.Next(10_000_000, 19_999_999)}.{random.Next(0, 10)}", "运城市某科技有限公司");
                request.Record(new RequestDispute(on, yuncheng, new Party(PartyKind.Organisation, "运城市某科技有限公司"),
                    new Party(PartyKind.Organisation, $"{name}某制品有限公司"), right, "请求处理发明专利侵权纠纷", [], []));
                request.Record(new TransferLead(on.PlusDays(4), RegionCode.Parse(target), $"被请求人住所地及侵权行为地在{name}，移送有管辖权的管理专利工作的部门处理"));
                Keep(request, $"运城市: patent infringement request transferred to {name}");
            }
        }

        // ---- case scripts ------------------------------------------------------------------------------------------

        private sealed record PenaltySpecDraft(RegionCode Region, CaseKind Kind, LocalDate ClosedOn, Outcome Outcome, string[] Flags, string[] Campaigns, ProtectedRight? Right, string Goods);

        private PenaltySpecDraft Draft(RegionCode region, CaseKind kind, LocalDate closedOn, Outcome outcome, (string[] Flags, string[] Campaigns) tags,
            ProtectedRight? right = null, string? goods = null) =>
            new(region, kind, closedOn, kind is CaseKind.TrademarkInfringement ? outcome : outcome == Outcome.Police ? Outcome.Fined : outcome,
                tags.Flags, tags.Campaigns,
                right ?? (kind == CaseKind.PatentCounterfeiting ? null : DomesticMark()),
                goods ?? Pick(["运动鞋", "白酒", "服装", "箱包", "手机配件", "润滑油", "电线电缆", "化妆品", "轮胎", "奶粉", "五金工具", "卷烟"]));

        /// <summary>
        /// Writes penalty cases whose case values add up to <paramref name="caseValue"/> and whose money adds up to
        /// <paramref name="money"/> (fines and confiscations; fines alone when <paramref name="finesOnly"/>, with
        /// confiscations on top), spread over the fined cases.
        /// </summary>
        private List<(CaseScript Script, PenaltySpec Spec)> WritePenaltyCases(
            List<PenaltySpecDraft> drafts, long caseValue, long money, Instant? recordBy, bool finesOnly = false)
        {
            var values = Allocate(caseValue, drafts.Select(d => d.Outcome == Outcome.Police ? 4.0 : 1.0).ToList());
            var fined = drafts.Select((d, i) => (d, i)).Where(p => p.d.Outcome == Outcome.Fined).Select(p => p.i).ToList();
            var amounts = Allocate(money, fined.Select(_ => 1.0).ToList());
            var result = new List<(CaseScript, PenaltySpec)>();
            for (var i = 0; i < drafts.Count; i++)
            {
                var d = drafts[i];
                var index = fined.IndexOf(i);
                var total = index < 0 ? 0 : amounts[index];
                // A third of the fined cases also confiscate illegal gains (罚没 = fine + confiscation) — not patent
                // counterfeiting, whose cap would then be a multiple of the gains (专利法第六十三条).
                long confiscation = 0;
                if (total > 0 && d.Kind != CaseKind.PatentCounterfeiting && random.NextDouble() < 0.33)
                    confiscation = finesOnly ? random.Next(2, 60) * 100 : Math.Min(total - 100, (long)(total * (0.1 + random.NextDouble() * 0.25)) / 10 * 10);
                if (confiscation < 0) confiscation = 0;
                var fine = finesOnly ? total : total - confiscation;
                var spec = new PenaltySpec(d.Region, d.Kind, d.ClosedOn, d.Outcome, Money.FromYuan(values[i]), Money.FromYuan(fine), Money.FromYuan(confiscation),
                    d.Flags, d.Campaigns, d.Right, d.Goods, recordBy);
                result.Add((WritePenaltyCase(spec), spec));
            }
            return result;
        }

        private CaseScript WritePenaltyCase(PenaltySpec spec)
        {
            // The steps' gaps in days, decided first so the case can end on its closing date.
            var fileGap = random.Next(1, 9);
            var evidenceGap = random.Next(1, 8);
            var assessGap = random.Next(3, 21);
            var suspended = random.NextDouble() < 0.06 ? (random.Next(2, 6), random.Next(20, 61)) : ((int, int)?)null;
            var hold = spec.Kind is CaseKind.TrademarkInfringement or CaseKind.GeographicalIndication && random.NextDouble() < 0.35;
            var reviewGap = random.Next(3, 11);
            var noticeGap = random.Next(1, 6);
            var heavierNotice = random.NextDouble() < 0.1;
            var decideGap = random.Next(8, 21);
            var serveGap = random.Next(0, 4);
            var reconsidered = random.NextDouble() < 0.03 ? (random.Next(5, 21), random.Next(30, 51)) : ((int, int)?)null;
            var instalments = spec.Fine + spec.Confiscation >= Money.FromYuan(10_000) && random.NextDouble() < 0.05;
            var payGap = random.Next(1, 15);
            var closeGap = random.Next(1, 8);
            var tail = spec.Outcome switch
            {
                Outcome.Police => random.Next(3, 16) + closeGap,
                Outcome.NoPenalty => decideGap + serveGap + closeGap,
                _ => reviewGap + noticeGap + (heavierNotice ? 2 : 0) + decideGap + serveGap + (reconsidered is { } r ? r.Item1 + r.Item2 : 0)
                     + payGap + (instalments ? 30 : 0) + closeGap,
            };
            var span = fileGap + evidenceGap + assessGap + (suspended is { } s ? s.Item1 + s.Item2 : 0) + tail;
            var day = spec.ClosedOn.PlusDays(-span);
            LocalDate Next(int gap) => day = day.PlusDays(gap);

            var lead = day;
            var party = random.NextDouble() < 0.6
                ? new Party(PartyKind.NaturalPerson, Surname() + "某某")
                : new Party(PartyKind.Organisation, $"{Pick(["某商贸", "某贸易", "某百货", "某科技", "某实业"])}有限公司{random.Next(1, 1000)}");
            var script = Script(CaseIdFor(spec.Region, lead.Year), spec.Region);
            script.RecordBy = spec.RecordBy;
            var what = spec.Kind switch
            {
                CaseKind.PatentCounterfeiting => $"涉嫌在{spec.Goods}及其包装上标注他人专利号",
                CaseKind.GeographicalIndication => $"涉嫌销售侵犯“{spec.Right!.Name}”地理标志证明商标专用权的{spec.Goods}",
                _ => $"涉嫌销售侵犯“{spec.Right!.Name}”注册商标专用权的{spec.Goods}",
            };
            script.Record(new RegisterLead(lead, (LeadSource)random.Next(0, 3), what, spec.Region, spec.Kind, party, spec.Right,
                lead.PlusDays(-random.Next(1, 60)), spec.Flags, spec.Campaigns));
            script.Record(new FileCase(Next(fileGap), script.Head, [LegalBasisFor(spec.Kind)]));
            script.Record(new AssignOfficers(day, script.Handlers));
            script.Record(new RecordEvidence(Next(evidenceGap), "现场检查笔录、询问笔录、照片及进销货凭证"));
            if (hold) script.Record(new HoldGoods(day, "M1", GoodsMeasure.Seized, $"涉嫌侵权{spec.Goods}", null));
            var gains = spec.Confiscation > Money.Zero
                ? new Assessment(Money.FromFen(spec.Confiscation.Fen + spec.Confiscation.Fen / 5), "销售收入扣除进货成本")
                : random.NextDouble() < 0.4 && spec.Kind != CaseKind.PatentCounterfeiting
                    ? new Assessment(Money.FromFen(spec.CaseValue.Fen / 5), "销售收入扣除进货成本") : null;
            script.Record(new AssessAmounts(Next(assessGap),
                spec.Kind == CaseKind.PatentCounterfeiting ? null : new Assessment(spec.CaseValue, "按销售记录及库存标价核算违法经营额"),
                spec.Kind == CaseKind.PatentCounterfeiting ? new Assessment(spec.CaseValue, "按标价计算货值") : null,
                gains));
            if (hold) script.Record(new ReleaseGoods(day, "M1", "调查终结，解除扣押，涉案商品依处理决定处置"));
            if (suspended is { } pause)
            {
                script.Record(new SuspendCase(Next(pause.Item1), "当事人对注册商标专用权权属提出异议，等待商标行政部门认定"));
                script.Record(new ResumeCase(Next(pause.Item2), "中止情形消除"));
            }

            switch (spec.Outcome)
            {
                case Outcome.Police:
                    script.Record(new TransferCase(Next(tail - closeGap), TransferTarget.Police, null, "公安局", "涉案金额达到刑事立案追诉标准，涉嫌犯罪，依法移送", script.Head));
                    script.Record(new CloseCase(Next(closeGap), ClosingGround.Transferred, "已移送公安机关，结案"));
                    break;
                case Outcome.NoPenalty:
                    var order = spec.Kind == CaseKind.PatentCounterfeiting
                        ? new PenaltyItem(PenaltyItemKind.OrderToCorrect, null, "责令改正，消除标注")
                        : new PenaltyItem(PenaltyItemKind.OrderToStop, null, "责令停止销售");
                    script.Record(new DecideNoPenalty(Next(decideGap), DecisionNumber(script, day, "不罚"), random.NextDouble() < 0.5 ? NoPenaltyGround.FirstViolationMinor : NoPenaltyGround.MinorAndCorrected,
                        [order], ["行政处罚法第三十三条第一款"], script.Head));
                    script.Record(new ServeDecision(Next(serveGap), "直接送达"));
                    script.Record(new CloseCase(Next(closeGap), ClosingGround.NoPenalty, "不予行政处罚，结案"));
                    break;
                default:
                    var items = PenaltyItems(spec);
                    script.Record(new CompleteLegalReview(Next(reviewGap), script.Reviewer, true, "事实清楚，证据确凿，适用依据正确，程序合法，处罚适当"));
                    var proposed = heavierNotice
                        ? items.Select(i => i.Kind == PenaltyItemKind.Fine ? i with { Amount = Money.FromFen(i.Amount!.Value.Fen + i.Amount!.Value.Fen / 4) } : i).ToList()
                        : items;
                    script.Record(new ServeAdvanceNotice(Next(noticeGap), proposed, [LegalBasisFor(spec.Kind)]));
                    if (heavierNotice) script.Record(new RecordStatementOfDefence(Next(2), "当事人陈述系初次违法，积极配合调查，请求从轻处罚"));
                    var decidedOn = day.PlusDays(decideGap);
                    if (script.State.Notice!.HearingRightGranted && random.NextDouble() < 0.25)
                    {
                        // Requested the next day, held a few days before the decision (行政处罚法第六十四条).
                        script.Record(new RequestHearing(day.PlusDays(1)));
                        script.Record(new HoldHearing(decidedOn.PlusDays(-3), script.HearingOfficer, "当事人到场陈述申辩，调查人员出示证据"));
                    }
                    // Decided within the party's five working days to state a defence: as such decisions record, the party waived
                    // its rights in writing (行政处罚法第四十五条、第六十二条), the day of its last step.
                    if (!script.State.Notice!.PartyHeardBy(decidedOn))
                        script.RecordRightAfterLast(new WaiveDefenceRights(day, "当事人书面放弃陈述、申辩和听证的权利"));
                    script.Record(new DecidePenalty(Next(decideGap), DecisionNumber(script, day, "处罚"), items, [LegalBasisFor(spec.Kind)], script.Head));
                    script.Record(new ServeDecision(Next(serveGap), "直接送达"));
                    var owed = spec.Fine + spec.Confiscation;
                    if (reconsidered is { } review)
                    {
                        script.Record(new ApplyForReview(Next(review.Item1), ReviewKind.Reconsideration, "人民政府"));
                        script.Record(new ConcludeReview(Next(review.Item2), ReviewKind.Reconsideration, ReviewOutcome.Upheld, $"复决字〔{day.Year}〕{random.Next(1, 60)}号", []));
                    }
                    if (instalments)
                    {
                        var first = Money.FromFen(owed.Fen / 2);
                        var second = Money.FromFen(owed.Fen - first.Fen);
                        var granted = Next(payGap);
                        script.Record(new GrantInstalments(granted, [new Instalment(granted.PlusDays(10), first), new Instalment(granted.PlusDays(30), second)], script.Head));
                        script.Record(new RecordPayment(Next(10), first, "非税收入缴款书"));
                        script.Record(new RecordPayment(Next(20), second, "非税收入缴款书"));
                    }
                    else script.Record(new RecordPayment(Next(payGap), owed, "非税收入缴款书"));
                    var closing = new CloseCase(spec.ClosedOn, ClosingGround.Executed, "罚没款已缴清，结案");
                    script.Record(closing.On < day ? closing with { On = day } : closing);
                    break;
            }
            if (script.State.ClosedOn != spec.ClosedOn)
                throw new InvalidOperationException($"reference case {script.CaseId} closed on {script.State.ClosedOn}, planned {spec.ClosedOn}");
            Keep(script);
            return script;
        }

        private List<PenaltyItem> PenaltyItems(PenaltySpec spec)
        {
            var items = new List<PenaltyItem> { new(PenaltyItemKind.Fine, spec.Fine) };
            if (spec.Confiscation > Money.Zero) items.Add(new PenaltyItem(PenaltyItemKind.ConfiscationOfGains, spec.Confiscation));
            if (spec.Kind is CaseKind.TrademarkInfringement or CaseKind.GeographicalIndication)
            {
                items.Add(new PenaltyItem(PenaltyItemKind.ConfiscationOfGoods, null, $"没收、销毁侵权{spec.Goods}"));
                items.Add(new PenaltyItem(PenaltyItemKind.OrderToStop, null, "责令立即停止侵权行为"));
            }
            else items.Add(new PenaltyItem(PenaltyItemKind.OrderToCorrect, null, "责令改正"));
            return items;
        }

        private void WritePatentCounterfeiting(int count, int year, Instant recordBy)
        {
            var drafts = Enumerable.Range(0, count).Select(_ => Draft(InnerMongoliaBureau(), CaseKind.PatentCounterfeiting, DayIn(year),
                random.NextDouble() < 0.7 ? Outcome.Fined : Outcome.NoPenalty, OrdinaryTags(year),
                goods: Pick(["保温杯", "电动车配件", "建材", "农用机械配件", "医疗器械", "包装盒"]))).ToList();
            WritePenaltyCases(drafts, count * (long)random.Next(8, 15) * 1_000, drafts.Count(d => d.Outcome == Outcome.Fined) * (long)random.Next(3, 8) * 1_000, recordBy);
        }

        private void WriteAgencyCase(RegionCode region, CaseKind kind, LocalDate closedOn, Money fine, string[] campaigns, Instant recordBy)
        {
            var day = closedOn.PlusDays(-random.Next(60, 100));
            var script = Script(CaseIdFor(region, day.Year), region);
            script.RecordBy = recordBy;
            var agency = new Party(PartyKind.Organisation, kind == CaseKind.PatentAgency ? $"某知识产权咨询服务有限公司{random.Next(1, 99)}" : $"某商标代理有限公司{random.Next(1, 99)}");
            var what = kind == CaseKind.PatentAgency ? "未取得专利代理机构执业许可证，以营利为目的代理专利申请" : "商标代理机构以不正当手段扰乱商标代理市场秩序";
            var basis = kind == CaseKind.PatentAgency ? "专利代理条例第二十七条" : "商标法第六十八条第一款";
            script.Record(new RegisterLead(day, LeadSource.Inspection, what, region, kind, agency, null, day.PlusDays(-random.Next(10, 60)), [], campaigns));
            script.Record(new FileCase(day = day.PlusDays(3), script.Head, [basis]));
            script.Record(new AssignOfficers(day, script.Handlers));
            script.Record(new RecordEvidence(day = day.PlusDays(6), "调取代理委托合同、收费凭证及网络宣传页面"));
            script.Record(new CompleteLegalReview(day = day.PlusDays(20), script.Reviewer, true, "事实清楚，证据确凿"));
            script.Record(new ServeAdvanceNotice(day = day.PlusDays(2), [new PenaltyItem(PenaltyItemKind.Fine, fine)], [basis]));
            script.Record(new DecidePenalty(day = day.PlusDays(12), DecisionNumber(script, day, "处罚"), [new PenaltyItem(PenaltyItemKind.Fine, fine),
                new PenaltyItem(PenaltyItemKind.OrderToCorrect, null, "责令停止违法行为")], [basis], script.Head));
            script.Record(new ServeDecision(day = day.PlusDays(2), "直接送达"));
            script.Record(new RecordPayment(day.PlusDays(random.Next(3, 12)), fine, "非税收入缴款书"));
            script.Record(new CloseCase(closedOn, ClosingGround.Executed, "罚款已缴清，结案"));
            Keep(script);
        }

        private void WriteDispute(RegionCode region, LocalDate closedOn, Instant? recordBy)
        {
            var mediated = random.NextDouble() < 0.4;
            var hearing = random.NextDouble() < 0.6;
            var confirmed = mediated && random.NextDouble() < 0.25;
            var (acceptGap, answerGap, decideGap, closeGap) = (random.Next(2, 8), random.Next(10, 16), random.Next(10, 31), random.Next(1, 11));
            var day = closedOn.PlusDays(-(acceptGap + answerGap + (hearing ? 20 : 0) + decideGap + (confirmed ? 15 : 0) + closeGap));
            var script = Script(CaseIdFor(region, day.Year), region);
            script.RecordBy = recordBy;
            var kind = random.NextDouble() < 0.6 ? RightKind.UtilityModelPatent : RightKind.DesignPatent;
            var holder = $"某{Pick(["机械", "玻璃制品", "电子", "家居", "农牧科技"])}有限公司";
            var patent = new ProtectedRight(kind, kind == RightKind.DesignPatent ? $"{Pick(["包装盒", "奶茶杯", "灯具", "座椅"])}" : $"一种{Pick(["牧草打捆机", "保温装置", "过滤器", "支架"])}",
                $"ZL{day.Year - random.Next(1, 5)}{(kind == RightKind.DesignPatent ? 3 : 2)}{random.Next(10_000_000, 99_999_999)}.{random.Next(0, 10)}", holder);
            script.Record(new RequestDispute(day, region, new Party(PartyKind.Organisation, holder), new Party(PartyKind.Organisation, $"某销售有限公司{random.Next(1, 999)}"),
                patent, "请求处理专利侵权纠纷", random.NextDouble() < 0.2 ? [CaseFlags.ECommerce] : [], []));
            script.Record(new AcceptDispute(day = day.PlusDays(acceptGap), script.Head, script.Handlers));
            script.Record(new RecordDisputeAnswer(day = day.PlusDays(answerGap), "被请求人提交答辩书"));
            if (hearing) script.Record(new HoldOralHearing(day = day.PlusDays(20), "双方当事人到场陈述，进行技术特征比对"));
            if (mediated) script.Record(new RecordMediationAgreement(day = day.PlusDays(decideGap), Money.FromYuan(random.Next(1, 30) * 1_000), "停止侵权并赔偿经济损失"));
            else script.Record(new AdjudicateDispute(day = day.PlusDays(decideGap), DecisionNumber(script, day, "专裁"), AdjudicationFinding.Infringes, script.Head));
            if (confirmed) script.Record(new RecordJudicialConfirmation(day.PlusDays(15), "中级人民法院", $"({day.Year})司确{random.Next(1, 99)}号"));
            script.Record(new CloseCase(closedOn, ClosingGround.DisputeConcluded, mediated ? "行政调解结案" : "作出行政裁决，结案"));
            Keep(script);
        }

        private void WriteLeadNotFiled(RegionCode region, LocalDate on)
        {
            var script = Script(CaseIdFor(region, on.Year), region);
            script.Record(new RegisterLead(on, LeadSource.Report, "举报某店铺销售假冒商品", region, CaseKind.TrademarkInfringement,
                new Party(PartyKind.NaturalPerson, Surname() + "某某"), DomesticMark(), null, [], []));
            script.Record(new DecideNotToFile(on.PlusDays(random.Next(3, 14)), "经核查，涉案商品系权利人授权生产，违法事实不成立", script.Head));
            Keep(script);
        }

        private void WriteLeadTransferred(RegionCode region, LocalDate on)
        {
            var script = Script(CaseIdFor(region, on.Year), region);
            var target = RegionCode.Parse(Pick(["140100", "610100", "620100", "130100"]));
            script.Record(new RegisterLead(on, LeadSource.Complaint, "投诉网店销售侵权商品，经营者住所地在区外", region, CaseKind.TrademarkInfringement,
                new Party(PartyKind.Organisation, $"某网络科技有限公司{random.Next(1, 99)}"), DomesticMark(), null, [CaseFlags.ECommerce], []));
            script.Record(new TransferLead(on.PlusDays(random.Next(3, 10)), target, "违法行为发生地不在本辖区，移送有管辖权的市场监督管理部门"));
            Keep(script);
        }

        private void VaryFineAfterPublication(CaseScript script, PenaltySpec spec, LocalDate appliedOn, LocalDate variedOn)
        {
            script.RecordBy = null;
            var lowered = Money.FromYuan(Math.Floor(spec.Fine.Yuan / 2 / 100) * 100);
            var items = PenaltyItems(spec with { Fine = lowered });
            script.Record(new ApplyForReview(appliedOn, ReviewKind.Reconsideration, "内蒙古自治区市场监督管理局"));
            var at = variedOn.At(new LocalTime(10, 12)).InZoneLeniently(DecisionContext.Zone).ToInstant();
            script.Record(new ConcludeReview(variedOn, ReviewKind.Reconsideration, ReviewOutcome.Varied, "内市监复决字〔2021〕7号", items), at);
            Actions.AddRange(script.Actions.Skip(Actions.Count(a => a.CaseId == script.CaseId)));
            Corrections.Add(new ReferenceCorrection(script.CaseId, $"reconsideration varied the fine from {spec.Fine} to {lowered} yuan", at, spec.Region, spec.Kind,
                spec.Flags, spec.Campaigns, spec.ClosedOn, spec.Fine, lowered, spec.Confiscation, spec.Confiscation));
        }

        private void RevokeInCourtAfterPublication(CaseScript script, PenaltySpec spec, LocalDate appliedOn, LocalDate revokedOn)
        {
            script.RecordBy = null;
            script.Record(new ApplyForReview(appliedOn, ReviewKind.Litigation, "太原市中级人民法院"));
            var at = revokedOn.At(new LocalTime(15, 40)).InZoneLeniently(DecisionContext.Zone).ToInstant();
            script.Record(new ConcludeReview(revokedOn, ReviewKind.Litigation, ReviewOutcome.Revoked, "(2022)晋01行终88号", []), at);
            Actions.AddRange(script.Actions.Skip(Actions.Count(a => a.CaseId == script.CaseId)));
            Corrections.Add(new ReferenceCorrection(script.CaseId, "court revoked the penalty decision", at, spec.Region, spec.Kind,
                spec.Flags, spec.Campaigns, spec.ClosedOn, spec.Fine, Money.Zero, spec.Confiscation, Money.Zero));
        }

        // ---- helpers -----------------------------------------------------------------------------------------------

        private CaseScript Script(string caseId, RegionCode region) => new(caseId, region, random, () => ++line);

        private void Keep(CaseScript script, string? named = null)
        {
            Actions.AddRange(script.Actions);
            kept.Add(script);
            if (named is not null) NamedCases.Add((script.CaseId, named));
        }

        private string CaseIdFor(RegionCode region, int year)
        {
            var key = (region.Value, year);
            var number = numbers[key] = numbers.GetValueOrDefault(key) + 1;
            return $"{region.Value}-{year}-{number:D4}";
        }

        private string DecisionNumber(CaseScript script, LocalDate on, string word) =>
            $"{script.Region.Value}市监{word}〔{on.Year}〕{random.Next(1, 900)}号";

        private RegionCode InnerMongoliaBureau(bool cityOrAbove = false) => Bureau("150000", InnerMongoliaCities, cityOrAbove);
        private RegionCode TaiyuanBureau(bool cityOrAbove = false) => Bureau(null, TaiyuanDistricts, cityOrAbove);

        /// <summary>A bureau: a county's most of the time, a city's often, the province's now and then.</summary>
        private RegionCode Bureau(string? province, (string City, int Weight, string[] Counties)[] cities, bool cityOrAbove)
        {
            var roll = random.NextDouble();
            if (province is not null && roll < (cityOrAbove ? 0.2 : 0.04)) return RegionCode.Parse(province);
            var pick = random.Next(cities.Sum(c => c.Weight));
            var city = cities.First(c => (pick -= c.Weight) < 0);
            return cityOrAbove || roll < 0.4 ? RegionCode.Parse(city.City) : RegionCode.Parse(city.Counties[random.Next(city.Counties.Length)]);
        }

        private LocalDate DayIn(int year, int fromMonth = 1, int toMonth = 12)
        {
            var first = new LocalDate(year, fromMonth, 1);
            var last = new LocalDate(year, toMonth, 1).PlusMonths(1).PlusDays(-1);
            return first.PlusDays(random.Next(Period.Between(first, last, PeriodUnits.Days).Days + 1));
        }

        private Outcome MixedOutcome()
        {
            var roll = random.NextDouble();
            return roll < 0.04 ? Outcome.Police : roll < 0.13 ? Outcome.NoPenalty : Outcome.Fined;
        }

        private (string[] Flags, string[] Campaigns) OrdinaryTags(int year)
        {
            var flags = new List<string>();
            if (random.NextDouble() < 0.2) flags.Add(CaseFlags.ECommerce);
            else if (random.NextDouble() < 0.5) flags.Add(CaseFlags.PhysicalMarket);
            if (random.NextDouble() < 0.12) flags.Add(CaseFlags.Rural);
            var campaigns = new List<string>();
            if (random.NextDouble() < 0.3) campaigns.Add(year >= 2019 ? $"铁拳{year}" : $"双打{year}");
            return ([.. flags], [.. campaigns]);
        }

        private static string[] WithFlag(string[] flags, string flag) => [.. flags, flag];

        private T Pick<T>(T[] choices) => choices[random.Next(choices.Length)];
        private string Surname() => Pick(["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "乌", "包", "白", "郭"]);

        private ProtectedRight DomesticMark() => new(RightKind.Trademark, Pick(["伊利", "蒙牛", "鄂尔多斯", "汾酒", "老陈醋", "安踏", "李宁", "海尔", "恒源祥", "稻香村"]),
            $"第{random.Next(1_000_000, 40_000_000)}号", "某品牌权利人");
        private ProtectedRight ForeignMark() => new(RightKind.Trademark, Pick(["NIKE", "adidas", "CHANEL", "LOUIS VUITTON", "Apple", "Shell", "Mobil", "BOSCH"]),
            $"第G{random.Next(100_000, 999_999)}号", "Foreign Brand Holder");
        private ProtectedRight GeographicalIndication() => new(RightKind.Trademark, Pick(["锡林郭勒羊肉", "五常大米", "阿拉善白绒山羊", "清徐老陈醋"]),
            $"第{random.Next(1_000_000, 40_000_000)}号", "某协会");
        private static readonly ProtectedRight Mark3M = new(RightKind.Trademark, "3M", "第G1062456号", "3M Company");
        private static readonly ProtectedRight MarkPiaoan = new(RightKind.Trademark, "飘安", "第1518062号", "河南飘安集团有限公司");

        /// <summary>A resident identity number from its 17 digits, with the check character GB 11643 gives them.</summary>
        private static string WithCheckCharacter(string digits) =>
            "0123456789X".Select(c => digits + c).First(ResidentIdentityNumber.IsValid);

        private static string LegalBasisFor(CaseKind kind) => kind switch
        {
            CaseKind.PatentCounterfeiting => "专利法第六十三条（2020年修正后第六十八条）",
            _ => "商标法第五十七条、第六十条第二款",
        };

        /// <summary>Splits <paramref name="total"/> yuan over shares of the given weights: whole tens of yuan, random spread, exact sum.</summary>
        private long[] Allocate(long total, IReadOnlyList<double> weights)
        {
            if (weights.Count == 0) return [];
            var draws = weights.Select(w => w * Math.Exp(random.NextDouble() * 1.4 - 0.7)).ToArray();
            var sum = draws.Sum();
            var shares = draws.Select(d => (long)(total * d / sum) / 10 * 10).ToArray();
            var rest = total - shares.Sum();
            for (var i = 0; rest >= 10; i = (i + 1) % shares.Length)
            {
                shares[i] += 10;
                rest -= 10;
            }
            shares[0] += rest;
            return shares;
        }
    }
}
