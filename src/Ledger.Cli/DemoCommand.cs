using System.CommandLine;
using System.Text.Json;
using Ledger.EventStore;
using Ledger.EventStore.Hosting;
using Npgsql;
using NodaTime;
using Spectre.Console;

namespace Ledger.Cli;

/// <summary>
/// The main job for now: embedded cluster, migrations, then one case stream appended and replayed.
/// The case is the 稷山 shoe shop of seed 002 (2025): a complaint, no penalty for an innocent seller,
/// the supplier lead transferred to 临汾. Event ids are derived from the case, so a second run is an
/// idempotent retry that writes nothing.
/// </summary>
public static class DemoCommand
{
    private const string StreamId = "case-140824-2025-demo-shoe-shop";

    public static Command Create()
    {
        var command = new Command("demo", "Start the embedded cluster, migrate, append a demo case stream and replay it");
        command.SetAction((parse, ct) => Cli.RunAsync(() => RunAsync(parse, ct)));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, CancellationToken ct)
    {
        var connections = await Cli.ConnectAsync(parse, ct);
        await Cli.MigrateAsync(connections, quiet: true, ct);
        await using var dataSource = LedgerDatabase.CreateDataSource(connections.Application);
        var store = new PostgresEventStore(dataSource);

        AnsiConsole.MarkupLine($"[bold]Appending[/] stream [blue]{StreamId}[/] as role {new NpgsqlConnectionStringBuilder(connections.Application).Username}");
        var correlation = DeterministicId.From(StreamId);
        var expected = ExpectedVersion.NoStream;
        foreach (var (actor, batch) in Batches())
        {
            var events = batch.Select((e, i) => new NewEvent(
                DeterministicId.From($"{StreamId}/{e.Type}/{i}"), e.Type, JsonSerializer.SerializeToElement(e.Data))).ToList();
            var result = await store.AppendAsync(new AppendRequest(StreamId, "case", expected, events,
                new EventMetadata(actor, correlation).ToJson()), ct);
            AnsiConsole.MarkupLine(result.AlreadyRecorded
                ? $"  {string.Join(", ", batch.Select(b => b.Type))}: [yellow]already recorded[/] (idempotent retry; nothing written), stream at version {result.StreamVersion}"
                : $"  {string.Join(", ", batch.Select(b => b.Type))}: appended at positions {result.FirstPosition}–{result.LastPosition}, stream now at version {result.StreamVersion}");
            expected = ExpectedVersion.Exactly(result.StreamVersion);
        }

        AnsiConsole.MarkupLine($"\n[bold]Replaying[/] {StreamId}");
        var history = await store.ReadStreamAsync(StreamId, ct: ct);
        var zone = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];
        var table = new Table().AddColumns("version", "position", "type", "recorded (Asia/Shanghai)", "actor", "what happened");
        var status = "none";
        foreach (var e in history)
        {
            using var data = JsonDocument.Parse(e.Data);
            using var metadata = JsonDocument.Parse(e.Metadata);
            status = data.RootElement.TryGetProperty("status_after", out var s) ? s.GetString()! : status;
            table.AddRow(e.Version.ToString(), e.Position.ToString(), e.Type,
                e.RecordedAt.InZone(zone).ToString("yyyy-MM-dd HH:mm:ss.ffffff", null),
                Markup.Escape(metadata.RootElement.GetProperty("actor").GetString()!),
                Markup.Escape(data.RootElement.GetProperty("summary").GetString()!));
        }
        AnsiConsole.Write(table);
        var head = await store.GetStreamAsync(StreamId, ct);
        var problems = EventHashChain.Verify(head, history);
        AnsiConsole.MarkupLine($"Folded state: status [bold]{status}[/] after {history.Count} events.");
        AnsiConsole.MarkupLine(problems.Count == 0
            ? $"Hash chain: [green]verified[/] from the stored rows, head {Convert.ToHexStringLower(head!.HeadHash)[..16]}…"
            : $"Hash chain: [red]{problems.Count} discrepancies[/]\n{Markup.Escape(string.Join('\n', problems))}");
        return problems.Count == 0 ? ExitCodes.Ok : ExitCodes.Failure;
    }

    private sealed record DemoEvent(string Type, object Data);

    private static IEnumerable<(string Actor, DemoEvent[] Events)> Batches()
    {
        yield return ("稷山县市场监督管理局/officer-0824-017", [
            new("lead_registered.v1", new
            {
                summary = "投诉: 某鞋铺销售带有\"N\"标识的跑鞋 (complaint about a shoe shop)",
                source = "complaint", received_on = "2025-02-19", region = "140824", status_after = "lead",
            }),
            new("case_filed.v1", new
            {
                summary = "立案: 涉嫌侵犯New Balance注册商标专用权 (商标法第57条)",
                filed_on = "2025-02-20", officers = new[] { "14082401017", "14082401022" }, status_after = "filed",
            }),
        ]);
        yield return ("稷山县市场监督管理局/officer-0824-022", [
            new("evidence_recorded.v1", new
            {
                summary = "现场检查: 22双跑鞋, 9个品牌12个型号, 货值6410元",
                pairs = 22, brands = 9, models = 12, goods_value_fen = 641_000, status_after = "investigating",
            }),
            new("no_penalty_decided.v1", new
            {
                summary = "不予处罚: 能证明合法取得并说明提供者 (商标法第60条第2款), 责令停止销售",
                decided_on = "2025-03-14", legal_basis = new[] { "商标法第60条第2款", "山西省市场监管领域轻微违法行为不予处罚清单(2023)" },
                order = "stop_selling", status_after = "decided",
            }),
        ]);
        yield return ("稷山县市场监督管理局/officer-0824-017", [
            new("lead_transferred.v1", new
            {
                summary = "供货商线索移送临汾市市场监督管理局", to_region = "141000", transferred_on = "2025-03-17",
                status_after = "decided",
            }),
            new("case_closed.v1", new { summary = "结案", closed_on = "2025-03-20", status_after = "closed" }),
        ]);
    }
}
