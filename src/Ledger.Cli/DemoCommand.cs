using System.CommandLine;
using Ledger.Application;
using Ledger.Application.Cases;
using Ledger.Domain;
using Ledger.EventStore;
using Ledger.EventStore.Hosting;
using NodaTime;
using Spectre.Console;
using static Ledger.Domain.CaseCommand;

namespace Ledger.Cli;

/// <summary>
/// The main job for now: embedded cluster, migrations, then one real case recorded through command handling and
/// replayed. The case is the 稷山 shoe shop of seed 002 (2025): a complaint about running shoes bearing the "N"
/// mark; the shop proved lawful acquisition and named its supplier, so it was ordered to stop selling and not
/// fined (商标法第六十条第二款), and the supplier lead went to 临汾. Every command carries an idempotency key, so
/// a second run writes nothing and reports the original outcomes.
/// </summary>
public static class DemoCommand
{
    public const string CaseId = "140824-2025-0001";
    private const string Actor = "稷山县市场监督管理局/14082401017";
    private const string Head = "14082400001";

    public static Command Create()
    {
        var command = new Command("demo", "Start the embedded cluster, migrate, record the 稷山 shoe-shop case through command handling and replay it");
        command.SetAction((parse, ct) => Cli.RunAsync(() => RunAsync(parse, ct)));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, CancellationToken ct)
    {
        await using var ledger = await CliLedger.StartAsync(parse, ct);
        var store = ledger.Get<LedgerEventStore>();
        var handler = ledger.Get<CaseCommandHandler>();

        AnsiConsole.MarkupLine($"[bold]Recording[/] case [blue]{CaseId}[/] through command handling");
        var i = 0;
        foreach (var command in Commands())
        {
            var outcome = await handler.HandleAsync(new CommandEnvelope(CaseId, Actor, $"demo/{CaseId}/{i++}"), command, ct);
            AnsiConsole.MarkupLine(outcome.AlreadyApplied
                ? $"  {command.Name}: [yellow]already applied[/] (same idempotency key; nothing written), version {outcome.ToVersion}"
                : $"  {command.Name}: recorded {string.Join(", ", outcome.EventTypes)} as version {outcome.ToVersion}");
        }

        AnsiConsole.MarkupLine($"\n[bold]History[/] of {CaseId}");
        var history = await CaseHistory.LoadAsync(store, CaseId, ct: ct);
        CaseCliCommands.WriteHistory(history);
        var problems = EventHashChain.Verify(await store.GetStreamAsync(CaseId, ct), [.. history.Entries.Select(e => e.Recorded)]);
        AnsiConsole.MarkupLine($"Folded state: status [bold]{SnakeCase.Of(history.State.Status)}[/], decision {Markup.Escape(history.State.Decision?.Number ?? "none")}, fines and confiscations {history.State.AmountImposed}.");
        AnsiConsole.MarkupLine(problems.Count == 0
            ? "Hash chain: [green]verified[/] from the stored rows."
            : $"Hash chain: [red]{problems.Count} discrepancies[/]\n{Markup.Escape(string.Join('\n', problems))}");
        AnsiConsole.MarkupLine($"Try: ledger case show {CaseId} --at-version 5 · ledger case diff {CaseId} --from 6 --to 10");
        return problems.Count == 0 ? ExitCodes.Ok : ExitCodes.Failure;
    }

    private static LocalDate D(int month, int day) => new(2025, month, day);

    private static IEnumerable<CaseCommand> Commands()
    {
        var shop = new Party(PartyKind.NaturalPerson, "余某某", Address: "山西省运城市稷山县");
        var mark = new ProtectedRight(RightKind.Trademark, "N", null, "New Balance Athletics, Inc.");
        yield return new RegisterLead(D(2, 19), LeadSource.Complaint, "投诉: 某鞋铺销售带有\"N\"标识的跑鞋", RegionCode.Parse("140824"),
            CaseKind.TrademarkInfringement, shop, mark, null, [CaseFlags.ForeignRelated, CaseFlags.PhysicalMarket], []);
        yield return new FileCase(D(2, 20), Head, ["商标法第五十七条第三项"]);
        yield return new AssignOfficers(D(2, 20), [new Officer("14082401017", "执法人员甲"), new Officer("14082401022", "执法人员乙")]);
        yield return new RecordEvidence(D(2, 20), "现场检查: 跑鞋22双, 9个品牌12个型号");
        yield return new AssessAmounts(D(2, 28), null, new Assessment(Money.FromYuan(6_410), "按标价计算"), null);
        yield return new EstablishInnocentSeller(D(3, 10), "临汾某鞋业批发部", RegionCode.Parse("141000"), "提供进货票据并说明提供者");
        yield return new DecideNoPenalty(D(3, 14), "稷市监不罚〔2025〕1号", NoPenaltyGround.InnocentSeller,
            [new PenaltyItem(PenaltyItemKind.OrderToStop, null, "责令停止销售侵权商品")], ["商标法第六十条第二款"], Head);
        yield return new ServeDecision(D(3, 14), "直接送达");
        yield return new ReferRelatedLead(D(3, 17), RegionCode.Parse("141000"), "供货商线索移送临汾市市场监督管理局");
        yield return new CloseCase(D(3, 20), ClosingGround.NoPenalty, "责令停止销售，结案");
    }
}
