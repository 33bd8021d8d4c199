using Ledger.Application.Referrals;
using Ledger.Application.Tests.Support;
using Ledger.Domain;
using Ledger.Testing;
using Microsoft.Extensions.DependencyInjection;
using static Ledger.Domain.CaseCommand;

namespace Ledger.Application.Tests;

/// <summary>
/// Referrals to other authorities through Wolverine's outbox: the message commits with the event that makes it or not at
/// all, and the receiving bureau's inbox holds each referral once, whichever node delivers it and however often.
/// </summary>
public sealed class BureauReferralTests : IAsyncLifetime
{
    private readonly LedgerNodes nodes = new();
    private static readonly RegionCode Jishan = RegionCode.Parse("140824"), Yongchuan = RegionCode.Parse("500118"), Wenxi = RegionCode.Parse("140823");

    private static LocalDate D(int month, int day) => new(2025, month, day);
    private static RegisterLead Lead => new(D(2, 19), LeadSource.Complaint, "投诉某鞋铺销售假冒注册商标的运动鞋", Jishan,
        CaseKind.TrademarkInfringement, new Party(PartyKind.NaturalPerson, "余某某"), new ProtectedRight(RightKind.Trademark, "N", null, "某体育用品有限公司"),
        D(2, 10), [], []);
    private static FileCase Filing => new(D(2, 25), "局长", ["商标法第五十七条第三项"]);

    public Task InitializeAsync() => nodes.InitializeAsync();

    public Task DisposeAsync() => nodes.DisposeAsync();

    private Task<long> InboxAsync() => nodes.CountAsync("select count(*) from ledger.bureau_inbox");

    [Fact]
    public async Task EachReferringEventReachesTheReceivingRegionsInboxOnce()
    {
        var node = await nodes.StartAsync(D(12, 1), poll: TimeSpan.FromMilliseconds(100));
        await LedgerNodes.RecordAsync(node, "140824-2025-0301", Lead, "lead");
        await LedgerNodes.RecordAsync(node, "140824-2025-0301", new TransferLead(D(2, 20), Yongchuan, "违法行为发生地在重庆市永川区"), "transfer");
        await LedgerNodes.RecordAsync(node, "140824-2025-0302", Lead, "lead");
        await LedgerNodes.RecordAsync(node, "140824-2025-0302", Filing, "filed");
        await LedgerNodes.RecordAsync(node, "140824-2025-0302", new ReferRelatedLead(D(3, 1), Wenxi, "供货商位于闻喜县"), "refer");
        await LedgerNodes.RecordAsync(node, "140824-2025-0302", new AgreeJointHandling(D(3, 2), Yongchuan, "与永川区局联合办案"), "joint");
        await LedgerNodes.RecordAsync(node, "140824-2025-0302", new TransferCase(D(3, 10), TransferTarget.Police, null, "稷山县公安局", "涉嫌假冒注册商标罪", "局长"), "police");

        await LedgerNodes.WaitUntilAsync(async () => await InboxAsync() == 4, "four referrals");
        var inbox = node.Services.GetRequiredService<BureauInbox>();
        (await inbox.ListAsync(Yongchuan)).Select(r => (r.Kind, r.FromCaseId, r.FromRegion)).OrderBy(r => r.Kind).ShouldBe([
            ("joint_handling_invited", "140824-2025-0302", "140824"), ("lead_transferred", "140824-2025-0301", "140824")]);
        (await inbox.ListAsync(Wenxi)).ShouldHaveSingleItem().Summary.ShouldBe("供货商位于闻喜县");
        var police = (await inbox.ListAsync(Jishan)).ShouldHaveSingleItem();
        (police.Kind, police.ToAgency, police.On).ShouldBe(("police_transfer", "稷山县公安局", D(3, 10)));
        (await inbox.ListAsync(RegionCode.Parse("140000"))).Count.ShouldBe(2, "Shanxi: Wenxi's and Jishan's");
    }

    [Fact]
    public async Task ARefusedCommandOrARetrySendsNothing()
    {
        var node = await nodes.StartAsync(D(12, 1), poll: null);
        await LedgerNodes.RecordAsync(node, "140824-2025-0303", Lead, "lead");
        var envelopes = await nodes.CountAsync("select count(*) from wolverine.wolverine_incoming_envelopes");

        await Should.ThrowAsync<DomainRuleViolation>(() => LedgerNodes.RecordAsync(node, "140824-2025-0303", new TransferLead(D(2, 18), Yongchuan, "早于线索"), "early"));
        (await nodes.CountAsync("select count(*) from wolverine.wolverine_incoming_envelopes")).ShouldBe(envelopes);

        await LedgerNodes.RecordAsync(node, "140824-2025-0303", new TransferLead(D(2, 20), Yongchuan, "违法行为发生地在重庆市永川区"), "transfer");
        (await nodes.CountAsync("select count(*) from wolverine.wolverine_incoming_envelopes")).ShouldBe(envelopes + 1);
        (await LedgerNodes.RecordAsync(node, "140824-2025-0303", new TransferLead(D(2, 20), Yongchuan, "违法行为发生地在重庆市永川区"), "transfer")).AlreadyApplied.ShouldBeTrue();
        (await nodes.CountAsync("select count(*) from wolverine.wolverine_incoming_envelopes")).ShouldBe(envelopes + 1);
    }

    [Fact]
    public async Task AReferralSentByAProcessThatStoppedBeforeDeliveringIsDeliveredOnceByAnother()
    {
        // The sender commits and stops without delivering anything (a CLI import does the same).
        var sender = await nodes.StartAsync(D(12, 1), poll: null);
        for (var i = 0; i < 10; i++)
        {
            await LedgerNodes.RecordAsync(sender, $"140824-2025-04{i:00}", Lead, "lead");
            await LedgerNodes.RecordAsync(sender, $"140824-2025-04{i:00}", new TransferLead(D(2, 20), Yongchuan, "违法行为发生地在重庆市永川区"), "transfer");
        }
        await sender.StopAsync();
        (await InboxAsync()).ShouldBe(0);

        await nodes.StartAsync(D(12, 1), poll: TimeSpan.FromMilliseconds(100));
        await nodes.StartAsync(D(12, 1), poll: TimeSpan.FromMilliseconds(100));

        await LedgerNodes.WaitUntilAsync(async () =>
            await nodes.CountAsync("select count(*) from wolverine.wolverine_incoming_envelopes where message_type = 'bureau_referral.V1' and status <> 'Handled'") == 0,
            "every referral handled");
        (await InboxAsync()).ShouldBe(10);
        (await nodes.CountAsync("select count(*) from wolverine.wolverine_dead_letters")).ShouldBe(0);
    }
}
