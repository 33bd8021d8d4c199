using Ledger.Application;
using Ledger.Domain;
using Ledger.Domain.Law;
using NodaTime;
using static Ledger.Domain.CaseCommand;

namespace Ledger.Simulation;

/// <summary>One command of a simulated case, the events the domain decided for it, and when it is recorded.</summary>
public sealed record SimulatedStep(CaseCommand Command, IReadOnlyList<CaseEvent> Events, Instant RecordedAt);

/// <summary>A simulated case: its id, region and steps in order.</summary>
public sealed record SimulatedCase(string CaseId, RegionCode Region, IReadOnlyList<SimulatedStep> Steps);

/// <summary>
/// Generates plausible, valid case histories from a seed: penalty cases (fined, with reviews that vary the fine
/// after closing), no-penalty decisions, transfers to the police, leads not filed, withdrawn filings, patent
/// disputes, corrections of particulars, and cases still open at the horizon. Every command goes through
/// <see cref="CaseModel.Decide"/> at its recording instant, so a history that the domain would refuse cannot be
/// produced; fines stay within the cap of the law in force (从旧兼从轻). Used by benchmarks and property tests.
/// </summary>
public sealed class CaseSimulator(Random random, LocalDate horizon)
{
    private static readonly DateTimeZone Zone = DecisionContext.Zone;

    /// <summary>Simulates one case starting on <paramref name="leadOn"/> in <paramref name="region"/>.</summary>
    public SimulatedCase Simulate(string caseId, RegionCode region, LocalDate leadOn)
    {
        var run = new Run(random, region, horizon);
        var roll = random.NextDouble();
        if (roll < 0.10) run.Dispute(leadOn);
        else if (roll < 0.16) run.NotFiled(leadOn);
        else run.PenaltyCase(leadOn, random.NextDouble());
        return new SimulatedCase(caseId, region, run.Steps);
    }

    private sealed class Run(Random random, RegionCode region, LocalDate horizon)
    {
        public List<SimulatedStep> Steps { get; } = [];
        private CaseState state = CaseState.Initial;
        private Instant lastRecorded = Instant.MinValue;
        private LocalDate day;
        private bool stopped;

        private string Officer(string suffix) => region.Value + suffix;
        private string Head => Officer("00001");
        private Officer[] Handlers => [new(Officer("01001"), "执法人员甲"), new(Officer("01002"), "执法人员乙")];

        /// <summary>Decides the command at a plausible recording time; past the horizon the case stays open.</summary>
        private bool Record(CaseCommand command)
        {
            if (stopped || command.On > horizon) { stopped = true; return false; }
            // Most actions are entered on the day, between 08:30 and 18:00; some a few days late.
            var entered = random.NextDouble() < 0.1 ? command.On.PlusDays(random.Next(1, 10)) : command.On;
            var recorded = entered.At(new LocalTime(8, 30)).InZoneLeniently(Zone).ToInstant() + Duration.FromSeconds(random.Next(0, 34_200));
            if (recorded <= lastRecorded) recorded = lastRecorded + Duration.FromSeconds(random.Next(1, 600));
            var events = CaseModel.Decide(command, state, DecisionContext.At(recorded));
            state = events.Aggregate(state, CaseModel.Evolve);
            lastRecorded = recorded;
            Steps.Add(new SimulatedStep(command, events, recorded));
            return true;
        }

        private LocalDate Next(int min, int max) => day = day.PlusDays(random.Next(min, max + 1));

        private Party SomeParty() => random.NextDouble() < 0.55
            ? new Party(PartyKind.NaturalPerson, "某某" + random.Next(1, 1000))
            : new Party(PartyKind.Organisation, $"某商贸有限公司{random.Next(1, 10_000)}");

        private (string[] Flags, string[] Campaigns) Tags(LocalDate on)
        {
            var flags = new List<string>();
            if (random.NextDouble() < 0.18) flags.Add(CaseFlags.ForeignRelated);
            if (random.NextDouble() < 0.25) flags.Add(CaseFlags.ECommerce);
            else if (random.NextDouble() < 0.5) flags.Add(CaseFlags.PhysicalMarket);
            if (random.NextDouble() < 0.1) flags.Add(CaseFlags.Rural);
            var campaigns = new List<string>();
            if (random.NextDouble() < 0.3) campaigns.Add($"铁拳{on.Year}");
            if (random.NextDouble() < 0.1) campaigns.Add($"双打{on.Year}");
            return ([.. flags], [.. campaigns]);
        }

        public void NotFiled(LocalDate leadOn)
        {
            day = leadOn;
            Lead(CaseKind.TrademarkInfringement);
            Record(new DecideNotToFile(Next(1, 14), "违法事实不能成立", Head));
        }

        public void Dispute(LocalDate leadOn)
        {
            day = leadOn;
            var (flags, campaigns) = Tags(leadOn);
            var patent = new ProtectedRight(RightKind.DesignPatent, "外观设计" + random.Next(1, 999), $"ZL{leadOn.Year - 2}3{random.Next(10_000_000, 99_999_999)}.{random.Next(0, 10)}", "某制品有限公司");
            Record(new RequestDispute(day, region, new Party(PartyKind.Organisation, "某制品有限公司"), SomeParty(), patent, "请求处理专利侵权纠纷", flags, campaigns));
            Record(new AcceptDispute(Next(1, 5), Head, Handlers));
            Record(new RecordDisputeAnswer(Next(10, 15), "被请求人提交答辩书"));
            if (random.NextDouble() < 0.5) Record(new HoldOralHearing(Next(5, 20), "双方到场陈述并比对"));
            if (random.NextDouble() < 0.6)
                Record(new AdjudicateDispute(Next(5, 30), $"专裁〔{day.Year}〕{random.Next(1, 500)}号", AdjudicationFinding.Infringes, Head));
            else
                Record(new RecordMediationAgreement(Next(5, 30), Money.FromYuan(random.Next(1, 50) * 1_000), "停止侵权并赔偿"));
            Record(new CloseCase(Next(1, 20), ClosingGround.DisputeConcluded, "纠纷处理完毕，结案"));
        }

        private void Lead(CaseKind kind)
        {
            var (flags, campaigns) = Tags(day);
            var right = kind is CaseKind.TrademarkAgency or CaseKind.PatentAgency ? null
                : kind == CaseKind.PatentCounterfeiting ? new ProtectedRight(RightKind.InventionPatent, "专利" + random.Next(1, 999), null, "某科技有限公司")
                : new ProtectedRight(RightKind.Trademark, "商标" + random.Next(1, 999), null, flags.Contains(CaseFlags.ForeignRelated) ? "Foreign Brand Inc." : "某品牌有限公司");
            Record(new RegisterLead(day, (LeadSource)random.Next(0, 3), "线索: 涉嫌侵权", region, kind, SomeParty(), right,
                day.PlusDays(-random.Next(1, 60)), flags, campaigns));
        }

        public void PenaltyCase(LocalDate leadOn, double outcome)
        {
            day = leadOn;
            var kindRoll = random.NextDouble();
            var kind = kindRoll < 0.70 ? CaseKind.TrademarkInfringement
                : kindRoll < 0.78 ? CaseKind.GeographicalIndication
                : kindRoll < 0.93 ? CaseKind.PatentCounterfeiting
                : kindRoll < 0.97 ? CaseKind.TrademarkAgency
                : CaseKind.PatentAgency;
            // 专利代理条例 (2018) art. 25 fines agencies from 2019-03-01; the ledger knows no earlier provision.
            if (kind == CaseKind.PatentAgency && leadOn < new LocalDate(2019, 6, 1)) kind = CaseKind.PatentCounterfeiting;
            Lead(kind);
            if (!Record(new FileCase(Next(1, 12), Head, ["相关法律条款"]))) return;
            Record(new AssignOfficers(day, Handlers));
            Record(new RecordEvidence(Next(0, 10), "现场检查笔录及照片"));
            var turnover = Money.FromYuan(Math.Round((decimal)Math.Exp(7 + random.NextDouble() * 5.5), 2));
            var gains = Money.FromYuan(Math.Round(turnover.Yuan * (decimal)(0.1 + random.NextDouble() * 0.3), 2));
            Record(new AssessAmounts(Next(3, 25),
                kind == CaseKind.PatentCounterfeiting ? null : new Assessment(turnover, "销售记录核算"),
                new Assessment(Money.FromYuan(Math.Round(turnover.Yuan * 0.6m, 2)), "按标价计算"),
                new Assessment(gains, "销售收入扣除成本")));

            if (random.NextDouble() < 0.05)
            {
                var (flags, campaigns) = Tags(day);
                Record(new CorrectCaseDetails(Next(1, 10), "登记信息有误",
                    Kind: kind == CaseKind.TrademarkInfringement ? CaseKind.GeographicalIndication : null, Flags: flags, Campaigns: campaigns));
            }

            if (outcome < 0.06)
            {
                Record(new TransferCase(Next(3, 20), TransferTarget.Police, null, "公安局", "涉嫌犯罪，依法移送", Head));
                Record(new CloseCase(Next(1, 10), ClosingGround.Transferred, "已移送公安机关，结案"));
                return;
            }
            if (outcome < 0.09)
            {
                Record(new WithdrawFiling(Next(3, 20), "违法事实不能成立", Head));
                Record(new CloseCase(Next(1, 10), ClosingGround.FilingWithdrawn, "撤销立案，结案"));
                return;
            }
            if (outcome < 0.22)
            {
                Record(new DecideNoPenalty(Next(5, 30), $"不罚〔{day.Year}〕{random.Next(1, 900)}号", NoPenaltyGround.MinorAndCorrected,
                    [new PenaltyItem(PenaltyItemKind.OrderToStop, null, "责令停止违法行为")], ["行政处罚法第三十三条第一款"], Head));
                Record(new ServeDecision(Next(0, 3), "直接送达"));
                Record(new CloseCase(Next(1, 10), ClosingGround.NoPenalty, "不予处罚，结案"));
                return;
            }

            var items = new List<PenaltyItem> { new(PenaltyItemKind.Fine, Fine(kind)) };
            if (random.NextDouble() < 0.4)
                items.Add(new PenaltyItem(PenaltyItemKind.ConfiscationOfGains, Money.FromYuan(Math.Round(gains.Yuan * (decimal)(0.2 + random.NextDouble() * 0.8), 2))));
            // About one trademark case in seventeen is also fined under another law, for its labelling (产品质量法第五十四条,
            // up to 30 % of the goods value; here half of that cap). Chosen from the turnover rather than a new draw,
            // so the random sequence, and every other simulated case, stays as it was.
            if (kind == CaseKind.TrademarkInfringement && turnover.Fen % 17 == 0)
                items.Add(new PenaltyItem(PenaltyItemKind.Fine, Money.FromFen(Math.Max(1, turnover.Times(0.6m * 0.3m).Fen / 2)), "产品标识不符合规定", "product-labelling"));
            Record(new CompleteLegalReview(Next(3, 10), Officer("00101"), true, "事实清楚，证据确凿"));
            Record(new ServeAdvanceNotice(Next(1, 5), items, ["相关法律条款"]));
            if (state.Notice?.HearingRightGranted == true && random.NextDouble() < 0.3)
            {
                Record(new RequestHearing(Next(1, 3)));
                Record(new HoldHearing(Next(5, 15), Officer("00201"), "当事人到场陈述"));
            }
            // The party's five working days to state a defence run out first (行政处罚法第四十五条、第六十二条).
            if (state.Notice is { } notice && !notice.PartyHeardBy(day)) day = notice.StatementDueOn;
            if (!Record(new DecidePenalty(Next(1, 20), $"处罚〔{day.Year}〕{random.Next(1, 900)}号", items, ["相关法律条款"], Head))) return;
            Record(new ServeDecision(Next(0, 3), "直接送达"));
            Record(new RecordPayment(Next(1, 15), items.FinesAndConfiscations(), "非税收入缴款书"));
            Record(new CloseCase(Next(1, 10), ClosingGround.Executed, "罚没款已缴清，结案"));
            if (random.NextDouble() < 0.04)
            {
                // A reconsideration after closing that lowers the fine: the totals of the closing period change later.
                Record(new ApplyForReview(Next(10, 50), ReviewKind.Reconsideration, "人民政府"));
                var lowered = items.Select(i => i.Kind == PenaltyItemKind.Fine
                    ? i with { Amount = Money.FromFen(Math.Max(1, i.Amount!.Value.Fen / 2)) } : i).ToList();
                Record(new ConcludeReview(Next(20, 60), ReviewKind.Reconsideration, ReviewOutcome.Varied, $"复决〔{day.Year}〕{random.Next(1, 99)}号", lowered));
            }
        }

        /// <summary>A fine within the cap (and above the floor) of the law that applies to this violation on this day.</summary>
        private Money Fine(CaseKind kind)
        {
            var wanted = Money.FromYuan(random.Next(5, 200) * 500);
            var family = FineRuleBook.China.FamiliesFor(kind).FirstOrDefault();
            if (family is null || state.ViolationOn is not { } violationOn) return wanted;
            // Decided at least a few weeks from now; the later law in force then may differ, so take the stricter cap.
            var cap = new[] { day, day.PlusDays(60) }
                .Select(on => FineRuleBook.China.Resolve(family, violationOn, on, state.Turnover?.Amount, state.IllegalGains?.Amount))
                .Where(a => a is not null).Select(a => a!).ToList();
            if (cap.Count == 0) return wanted;
            var max = cap.Min(a => a.Cap);
            var min = cap.Max(a => a.Minimum);
            var fine = Money.Min(wanted, max);
            return fine < min ? min : fine;
        }
    }
}
