using Ledger.Application.Cases;
using Ledger.Application.Deadlines;
using Ledger.Application.Tests.Support;
using Ledger.Domain;
using Ledger.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using static Ledger.Domain.CaseCommand;

namespace Ledger.Application.Tests;

/// <summary>
/// Reminders of legal deadlines through Wolverine's durable scheduled messages on the test's PostgreSQL: planned in the
/// transaction of the command that set the deadline, fired once by whichever node polls first, surviving a restart.
/// The ledger's clock is fake; Wolverine's is the wall clock, so a reminder of a 2025 deadline fires as soon as a node
/// polls, and one of a 2027 deadline waits.
/// </summary>
public sealed class DeadlineReminderTests : IAsyncLifetime
{
    private readonly LedgerNodes nodes = new();

    private static LocalDate D(int year, int month, int day) => new(year, month, day);
    private static RegisterLead Lead(LocalDate on) => new(on, LeadSource.Complaint, "投诉某鞋铺销售假冒注册商标的运动鞋", RegionCode.Parse("140824"),
        CaseKind.TrademarkInfringement, new Party(PartyKind.NaturalPerson, "余某某"), new ProtectedRight(RightKind.Trademark, "N", null, "某体育用品有限公司"),
        on.PlusDays(-9), [], []);

    public Task InitializeAsync() => nodes.InitializeAsync();

    public Task DisposeAsync() => nodes.DisposeAsync();

    private Task<IHost> StartNodeAsync(LocalDate today, TimeSpan? poll) => nodes.StartAsync(today, poll);

    private static Task<CommandOutcome> RecordAsync(IHost node, string caseId, CaseCommand command, string key) => LedgerNodes.RecordAsync(node, caseId, command, key);

    private async Task<List<(string CaseId, string Deadline, LocalDate DueOn, string? Finding, int TimesFired)>> RemindersAsync()
    {
        await using var command = nodes.Db.Owner.CreateCommand("select case_id, deadline, due_on, finding, times_fired from ledger.deadline_reminders order by case_id, due_on");
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(string, string, LocalDate, string?, int)>();
        while (await reader.ReadAsync())
            rows.Add((reader.GetString(0), reader.GetString(1), reader.GetFieldValue<LocalDate>(2), reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetInt32(4)));
        return rows;
    }

    private Task<long> CountAsync(string sql) => nodes.CountAsync(sql);

    private static Task WaitUntilAsync(Func<Task<bool>> condition, string what) => LedgerNodes.WaitUntilAsync(condition, what);

    [Fact]
    public async Task ALeadPlansItsFilingReminderWithItsEventsAndWolverineHoldsItUntilTheDayAfterTheDueDate()
    {
        var node = await StartNodeAsync(D(2027, 2, 19), poll: null);

        await RecordAsync(node, "140824-2027-0001", Lead(D(2027, 2, 19)), "lead");

        var reminder = (await RemindersAsync()).ShouldHaveSingleItem();
        (reminder.Deadline, reminder.Finding).ShouldBe(("filing", null));
        await using var envelope = nodes.Db.Owner.CreateCommand("select status, execution_time from wolverine.wolverine_incoming_envelopes");
        await using var reader = await envelope.ExecuteReaderAsync();
        (await reader.ReadAsync()).ShouldBeTrue();
        reader.GetString(0).ShouldBe("Scheduled");
        reader.GetFieldValue<Instant>(1).ShouldBe(DeadlineReminders.FiresAt(reminder.DueOn));
        (await reader.ReadAsync()).ShouldBeFalse();
    }

    [Fact]
    public async Task ACommandThatIsRefusedOrMovesNoDeadlinePlansNothing()
    {
        var node = await StartNodeAsync(D(2027, 2, 19), poll: null);
        await RecordAsync(node, "140824-2027-0002", Lead(D(2027, 2, 19)), "lead");

        await Should.ThrowAsync<DomainRuleViolation>(() => RecordAsync(node, "140824-2027-0002", new FileCase(D(2027, 2, 18), "局长", ["商标法第五十七条第三项"]), "filed-too-early"));
        await RecordAsync(node, "140824-2027-0002", new FileCase(D(2027, 2, 19), "局长", ["商标法第五十七条第三项"]), "filed");
        await RecordAsync(node, "140824-2027-0002", new AssignOfficers(D(2027, 2, 19), [new Officer("14082401001", "张某"), new Officer("14082401002", "李某")]), "officers");
        // The same command again (a retry) plans nothing either.
        (await RecordAsync(node, "140824-2027-0002", new FileCase(D(2027, 2, 19), "局长", ["商标法第五十七条第三项"]), "filed")).AlreadyApplied.ShouldBeTrue();

        (await RemindersAsync()).Select(r => r.Deadline).ShouldBe(["filing", "decision"]);
        (await CountAsync("select count(*) from wolverine.wolverine_incoming_envelopes")).ShouldBe(2);
    }

    [Fact]
    public async Task AnExtensionReplansTheReminderAndTheOldOneFindsTheDeadlineMoved()
    {
        var recorder = await StartNodeAsync(D(2025, 3, 10), poll: null);
        await RecordAsync(recorder, "140824-2025-0003", Lead(D(2025, 2, 19)), "lead");
        await RecordAsync(recorder, "140824-2025-0003", new ExtendFilingPeriod(D(2025, 3, 10), "局长", "案情复杂"), "extend");

        (await RemindersAsync()).Select(r => (r.Deadline, r.DueOn)).ShouldBe([("filing", D(2025, 3, 12)), ("filing", D(2025, 4, 2))]);

        // A node whose day is 2025-03-13: the first reminder finds the deadline moved to 04-02, the second that it is not due yet.
        await StartNodeAsync(D(2025, 3, 13), poll: TimeSpan.FromMilliseconds(100));
        await WaitUntilAsync(async () => (await RemindersAsync()).All(r => r.Finding is not null), "both reminders to fire");
        (await RemindersAsync()).Select(r => r.Finding).ShouldBe(["moved", "moved"]);
        (await CountAsync("select count(*) from ledger.deadline_notices")).ShouldBe(0);
    }

    [Fact]
    public async Task AReminderOfAStepNotTakenRecordsOneOverdueNoticeOutsideTheCaseStream()
    {
        var node = await StartNodeAsync(D(2025, 4, 1), poll: TimeSpan.FromMilliseconds(100));
        await RecordAsync(node, "140824-2025-0004", Lead(D(2025, 2, 19)), "lead");
        var events = await nodes.Db.CountEventsAsync();

        await WaitUntilAsync(async () => await CountAsync("select count(*) from ledger.deadline_notices") == 1, "the overdue notice");
        var notices = await node.Services.GetRequiredService<DeadlineNotices>().ListAsync(RegionCode.Parse("140800"), overdueOnly: true);
        var notice = notices.ShouldHaveSingleItem();
        (notice.CaseId, notice.Deadline, notice.DueOn, notice.Finding, notice.Region).ShouldBe(("140824-2025-0004", "filing", D(2025, 3, 12), "overdue", "140824"));
        notice.Rule.ShouldContain("15 working days");
        (await nodes.Db.CountEventsAsync()).ShouldBe(events);
        (await node.Services.GetRequiredService<DeadlineNotices>().ListAsync(RegionCode.Parse("150000"), overdueOnly: false)).ShouldBeEmpty();

        // A step taken late is still accepted.
        await RecordAsync(node, "140824-2025-0004", new FileCase(D(2025, 4, 1), "局长", ["商标法第五十七条第三项"]), "filed-late");
    }

    [Fact]
    public async Task AStepTakenBeforeTheReminderFiresLeavesNoNotice()
    {
        var recorder = await StartNodeAsync(D(2025, 3, 1), poll: null);
        await RecordAsync(recorder, "140824-2025-0005", Lead(D(2025, 2, 19)), "lead");
        await RecordAsync(recorder, "140824-2025-0005", new FileCase(D(2025, 3, 1), "局长", ["商标法第五十七条第三项"]), "filed");

        await StartNodeAsync(D(2025, 6, 1), poll: TimeSpan.FromMilliseconds(100));
        await WaitUntilAsync(async () => (await RemindersAsync()).All(r => r.Finding is not null), "both reminders to fire");
        // Filing was kept; the decision (90 days from filing: Fri 2025-05-30) was not: one notice, for it.
        (await RemindersAsync()).Select(r => (r.Deadline, r.DueOn, r.Finding)).ShouldBe([("filing", D(2025, 3, 12), "kept"), ("decision", D(2025, 5, 30), "overdue")]);
        (await CountAsync("select count(*) from ledger.deadline_notices where deadline = 'decision'")).ShouldBe(1);
        (await CountAsync("select count(*) from ledger.deadline_notices")).ShouldBe(1);
    }

    [Fact]
    public async Task RemindersPlannedBeforeARestartFireOnceOnAnotherNodeAndTwoPollingNodesHandleEachOnce()
    {
        var first = await StartNodeAsync(D(2025, 4, 1), poll: null);
        for (var i = 0; i < 10; i++) await RecordAsync(first, $"140824-2025-01{i:00}", Lead(D(2025, 2, 19)), "lead");
        await first.StopAsync();

        var a = await StartNodeAsync(D(2025, 4, 1), poll: TimeSpan.FromMilliseconds(100));
        var b = await StartNodeAsync(D(2025, 4, 1), poll: TimeSpan.FromMilliseconds(100));
        for (var i = 10; i < 30; i++) await RecordAsync(i % 2 == 0 ? a : b, $"140824-2025-01{i:00}", Lead(D(2025, 2, 19)), "lead");

        await WaitUntilAsync(async () => await CountAsync("select count(*) from ledger.deadline_notices") == 30, "30 notices");
        await WaitUntilAsync(async () => await CountAsync("select count(*) from wolverine.wolverine_incoming_envelopes where status <> 'Handled'") == 0, "every reminder handled");
        var reminders = await RemindersAsync();
        reminders.Count.ShouldBe(30);
        reminders.ShouldAllBe(r => r.Finding == "overdue" && r.TimesFired == 1);
        (await CountAsync("select count(*) from wolverine.wolverine_dead_letters")).ShouldBe(0);
    }
}
