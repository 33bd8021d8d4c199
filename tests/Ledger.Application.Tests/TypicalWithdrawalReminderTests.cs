using Ledger.Application.Cases;
using Ledger.Application.Import;
using Ledger.Application.Tests.Support;
using Ledger.Application.Typical;
using Ledger.Domain;
using Ledger.Domain.Typical;
using Ledger.EventStore;
using Ledger.Simulation.Reference;
using Ledger.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using static Ledger.Domain.Typical.SelectionCommand;

namespace Ledger.Application.Tests;

/// <summary>
/// A published typical case whose decision changes must be withdrawn within 3 working days: the case command that
/// changes it plans the reminder, and the reminder asks the list whether the withdrawal was made.
/// </summary>
public sealed class TypicalWithdrawalReminderTests : IAsyncLifetime
{
    private const string Shoes = "140824-2025-0012";
    private static readonly SelectionId Shanxi2025 = new(RegionCode.Parse("140000"), 2025);
    private readonly LedgerNodes nodes = new();

    public Task InitializeAsync() => nodes.InitializeAsync();

    public Task DisposeAsync() => nodes.DisposeAsync();

    private static async Task PublishShoesAsync(IHost node)
    {
        var importer = new CaseImporter(node.Services.GetRequiredService<LedgerEventStore>(), node.Services.GetRequiredService<CaseCommandHandler>(), SystemClock.Instance);
        (await importer.ImportAsync([.. ReferenceDataset.Generate().Actions.Where(a => a.CaseId == Shoes)], [], "test", new ImportOptions())).Problems.ShouldBeEmpty();
        var selections = node.Services.GetRequiredService<TypicalCaseSelections>();
        Task Handle(SelectionCommand command, string key, string actor = "14000000301") => selections.HandleAsync(Shanxi2025, command, actor, key);
        await Handle(new NominateCase(Shoes, "14000000301"), "n1");
        await Handle(new DraftCase(Shoes, null, null, null, "销售者能证明合法取得并说明提供者的，依法不予处罚，同时追溯上游供货商。", "14000000301"), "d1");
        await Handle(new ApproveSelection(new LocalDate(2026, 4, 20), "14000000001", "同意发布。", "本年度全省仅此一件案件符合典型案例条件。"), "a1", "14000000001");
        await Handle(new PublishSelection(new LocalDate(2026, 4, 26), "14000000301"), "p1");
    }

    private static async Task RevokeAsync(IHost node)
    {
        await LedgerNodes.RecordAsync(node, Shoes, new CaseCommand.ApplyForReview(new LocalDate(2026, 5, 6), ReviewKind.Litigation, "稷山县人民法院"), "review-1");
        await LedgerNodes.RecordAsync(node, Shoes,
            new CaseCommand.ConcludeReview(new LocalDate(2026, 5, 8), ReviewKind.Litigation, ReviewOutcome.Revoked, "(2026)晋0824行初3号", []), "review-2");
    }

    private Task<long> WithdrawalRemindersAsync(string? finding = null) => nodes.CountAsync(
        "select count(*) from ledger.deadline_reminders where deadline = 'typical_withdrawal:typical-cases/140000/2025' and due_on = '2026-05-12'" +
        (finding is null ? "" : $" and finding = '{finding}'"));

    [Fact]
    public async Task ARevokedDecisionOfAPublishedCaseIsRemindedAndOverdueWhenNotWithdrawn()
    {
        // The node's day is 2026-05-14, after the due date (Fri 8 May + 3 working days = Tue 12 May).
        var node = await nodes.StartAsync(new LocalDate(2026, 5, 14), poll: TimeSpan.FromMilliseconds(100));
        await PublishShoesAsync(node);
        (await WithdrawalRemindersAsync()).ShouldBe(0);

        await RevokeAsync(node);

        (await WithdrawalRemindersAsync()).ShouldBe(1);
        await LedgerNodes.WaitUntilAsync(async () => await WithdrawalRemindersAsync("overdue") == 1, "the withdrawal's reminder to find it overdue");
        (await nodes.CountAsync("select count(*) from ledger.deadline_notices where case_id = '140824-2025-0012' and deadline like 'typical_withdrawal:%'")).ShouldBe(1);
    }

    [Fact]
    public async Task AWithdrawalMadeInTimeLeavesNoNotice()
    {
        var recorder = await nodes.StartAsync(new LocalDate(2026, 5, 11), poll: null);
        await PublishShoesAsync(recorder);
        await RevokeAsync(recorder);
        await recorder.Services.GetRequiredService<TypicalCaseSelections>()
            .HandleAsync(Shanxi2025, new WithdrawPublishedCase(Shoes, new LocalDate(2026, 5, 11), "人民法院判决撤销了原决定", "14000000301"), "14000000301", "w1");

        await nodes.StartAsync(new LocalDate(2026, 5, 14), poll: TimeSpan.FromMilliseconds(100));
        await LedgerNodes.WaitUntilAsync(async () => await WithdrawalRemindersAsync("kept") == 1, "the withdrawal's reminder to find it made");
        (await nodes.CountAsync("select count(*) from ledger.deadline_notices where deadline like 'typical_withdrawal:%'")).ShouldBe(0);
    }
}
