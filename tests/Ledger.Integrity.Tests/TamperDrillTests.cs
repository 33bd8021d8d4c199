using Ledger.Integrity.Signing;
using NodaTime;

namespace Ledger.Integrity.Tests;

/// <summary>
/// Tamper drills: an intruder with superuser access (triggers off) changes the stored ledger after a checkpoint was
/// signed; <c>ledger verify</c> (and, for dossiers, <c>ledger verify-dossier</c>) must find each change and say exactly
/// where it is. Three streams of four events each; case-0002 version 2 is the usual victim.
/// </summary>
public sealed class TamperDrillTests : IAsyncLifetime
{
    private LedgerWithLog _ledger = null!;

    public async Task InitializeAsync()
    {
        _ledger = await LedgerWithLog.CreateAsync();
        await _ledger.AppendAsync(streams: 3, events: 4);
        await _ledger.CheckpointAsync();
        (await _ledger.Verifier().VerifyAsync()).Discrepancies.ShouldBeEmpty("the untouched ledger verifies");
    }

    public async Task DisposeAsync() => await _ledger.DisposeAsync();

    private async Task<long> PositionOf(string stream, long version) =>
        (await _ledger.Store.ReadStreamAsync(stream, version, version)).Single().Position;

    private async Task<IReadOnlyList<Discrepancy>> VerifyAsync()
    {
        var report = await _ledger.Verifier().VerifyAsync();
        report.Ok.ShouldBeFalse();
        return report.Discrepancies;
    }

    [Fact]
    public async Task An_events_data_edited_is_reported_at_that_event()
    {
        var position = await PositionOf("case-0002", 2);
        await _ledger.TamperAsync($"update ledger.mt_events set data = jsonb_set(data, '{{fine_fen}}', '1') where seq_id = {position}");
        var found = await VerifyAsync();
        found.ShouldContain(d => d.StreamId == "case-0002" && d.Version == 2 && d.Position == position && d.What.Contains("differs from the hash recomputed from the row's content"));
        found.ShouldAllBe(d => d.StreamId == "case-0002" && d.Version == 2);
    }

    [Fact]
    public async Task An_event_edited_with_its_chain_rehashed_is_caught_by_the_log()
    {
        // A careful intruder recomputes the edited event's hash (the stream's last, so no later link breaks; the head is
        // the last event's hash).
        var position = await PositionOf("case-0002", 4);
        await _ledger.TamperAsync($$"""
            update ledger.mt_events set data = jsonb_set(data, '{fine_fen}', '1') where seq_id = {{position}};
            update ledger.mt_events set hash = ledger.event_hash(previous_hash, stream_id, version, id, type, recorded_at, data, headers) where seq_id = {{position}};
            """);
        var found = await VerifyAsync();
        found.ShouldContain(d => d.StreamId == "case-0002" && d.Version == 4 && d.Position == position && d.LeafIndex != null && d.What.Contains("leaf hash differs"));
        found.ShouldContain(d => d.CheckpointSize == 12 && d.What.Contains("signed root"));
    }

    [Fact]
    public async Task An_event_deleted_is_reported_with_its_stream_version_position_and_leaf()
    {
        var position = await PositionOf("case-0002", 2);
        await _ledger.TamperAsync($"delete from ledger.mt_events where seq_id = {position}");
        var found = await VerifyAsync();
        found.ShouldContain(d => d.StreamId == "case-0002" && d.Version == 2 && d.Position == position && d.LeafIndex != null && d.What.Contains("missing from ledger.events"));
        found.ShouldContain(d => d.StreamId == "case-0002" && d.Version == 3 && d.What.Contains("version 3 where 2 was expected"));
    }

    [Fact]
    public async Task Two_events_swapped_are_reported_at_both()
    {
        // Versions 2 and 3 of one stream exchange their content (type, data, metadata, hashes stay with the row).
        var (second, third) = (await PositionOf("case-0002", 2), await PositionOf("case-0002", 3));
        await _ledger.TamperAsync($"""
            update ledger.mt_events set version = 1000002 where seq_id = {second};
            update ledger.mt_events set version = 2 where seq_id = {third};
            update ledger.mt_events set version = 3 where seq_id = {second};
            """);
        var found = await VerifyAsync();
        found.ShouldContain(d => d.Position == second && d.What.Contains("the leaf is stream case-0002 version 2 but the event at this position is stream case-0002 version 3"));
        found.ShouldContain(d => d.Position == third && d.What.Contains("the leaf is stream case-0002 version 3 but the event at this position is stream case-0002 version 2"));
        found.ShouldContain(d => d.StreamId == "case-0002" && d.What.Contains("differs from the hash recomputed"));
    }

    [Fact]
    public async Task A_streams_tail_cut_with_its_head_rewound_is_reported_at_each_missing_event()
    {
        // Versions 3 and 4 removed and the stream row set back to version 2 (its head is then version 2's hash): the
        // chain alone still looks whole.
        var (third, fourth) = (await PositionOf("case-0003", 3), await PositionOf("case-0003", 4));
        await _ledger.TamperAsync($"""
            delete from ledger.mt_events where seq_id in ({third}, {fourth});
            update ledger.mt_streams set version = 2 where id = 'case-0003';
            """);
        var found = await VerifyAsync();
        found.Count(d => d.What.Contains("missing from ledger.events")).ShouldBe(2);
        found.ShouldContain(d => d.StreamId == "case-0003" && d.Version == 3 && d.Position == third && d.LeafIndex != null);
        found.ShouldContain(d => d.StreamId == "case-0003" && d.Version == 4 && d.Position == fourth && d.LeafIndex != null);
    }

    [Fact]
    public async Task A_checkpoint_resigned_with_another_key_is_reported_at_that_checkpoint()
    {
        var intruder = CheckpointKeyFiles.Create(Path.Combine(_ledger.KeyFolder, "intruder.pem"), SignatureSuite.EcdsaP256);
        var genuine = (await _ledger.Log.LatestCheckpointAsync())!;
        var forged = Checkpoint.Sign(intruder, genuine.Origin, genuine.TreeSize, genuine.RootHash, genuine.IssuedAt);
        await _ledger.TamperAsync(
            $"update ledger.merkle_checkpoints set key_id = '{forged.KeyId}', note = '{forged.Note}', signature = '\\x{Convert.ToHexStringLower(forged.Signature)}' " +
            $"where tree_size = {genuine.TreeSize}; insert into ledger.signing_keys (key_id, algorithm, public_key) values ('{intruder.KeyId}', 'ecdsa-p256-sha256', '{intruder.PublicKey.Pem}')");
        var found = await VerifyAsync();
        found.ShouldHaveSingleItem().CheckpointSize.ShouldBe(12);
        found[0].What.ShouldContain($"signed by key {intruder.KeyId}, which is not a trusted key");

        // Keeping the genuine key id but signing with the intruder's key fails the signature itself.
        var mislabelled = Checkpoint.Sign(intruder, genuine.Origin, genuine.TreeSize, genuine.RootHash, genuine.IssuedAt);
        await _ledger.TamperAsync(
            $"update ledger.merkle_checkpoints set key_id = '{genuine.KeyId}', note = '{mislabelled.Note.Replace(intruder.KeyId, genuine.KeyId)}', " +
            $"signature = '\\x{Convert.ToHexStringLower(mislabelled.Signature)}' where tree_size = {genuine.TreeSize}");
        (await VerifyAsync()).ShouldHaveSingleItem().What.ShouldContain($"signature does not verify with key {genuine.KeyId}");
    }

    [Fact]
    public async Task A_dossier_edited_is_reported_at_the_edited_event_and_an_untouched_one_verifies()
    {
        var dossier = await new DossierExporter(_ledger.Store, _ledger.Log).ExportAsync("case-0002", SystemClock.Instance.GetCurrentInstant());
        var json = dossier.ToJson();
        var clean = DossierVerifier.Verify(Dossier.FromJson(json), _ledger.TrustedKeys);
        clean.Problems.ShouldBeEmpty();
        (clean.Events, clean.KeyTrusted, clean.Checkpoint!.TreeSize).ShouldBe((4, true, 12L));

        var third = dossier.Events[2];
        // The auditor's copy has the fine of version 3 lowered from 3,000 yuan to 30 yuan.
        var document = System.Text.Json.Nodes.JsonNode.Parse(json)!;
        document["events"]![2]!["data"] = third.Data.Replace("300000", "3000");
        var edited = document.ToJsonString();
        third.Data.ShouldContain("300000");
        var report = DossierVerifier.Verify(Dossier.FromJson(edited), _ledger.TrustedKeys);
        report.Problems.ShouldHaveSingleItem().ShouldStartWith($"events[2] (version 3, position {third.Position}): hash differs");

        // Dropping an event breaks the chain at the next one; a changed proof element fails that event's inclusion.
        var dropped = DossierVerifier.Verify(dossier with { Events = [.. dossier.Events.Where(e => e.Version != 2)] }, _ledger.TrustedKeys);
        dropped.Problems.ShouldContain(p => p.StartsWith("events[1] (version 3") && p.Contains("where 2 was expected"));
        dropped.Problems.ShouldContain(p => p.StartsWith("events[1] (version 3") && p.Contains("previous_hash does not link"));
        var proof = dossier.Events[0].InclusionProof.ToList();
        proof[0] = new string('0', 64);
        var badProof = DossierVerifier.Verify(dossier with { Events = [dossier.Events[0] with { InclusionProof = proof }, .. dossier.Events.Skip(1)] }, _ledger.TrustedKeys);
        badProof.Problems.ShouldHaveSingleItem().ShouldContain("events[0] (version 1");
        badProof.Problems[0].ShouldContain("inclusion proof fails");

        // Signed by someone the auditor does not trust: the dossier's own key verifies it, the auditor's does not.
        var other = CheckpointKeyFiles.Create(Path.Combine(_ledger.KeyFolder, "auditor-trusts.pem"), SignatureSuite.EcdsaP256);
        DossierVerifier.Verify(dossier, [other.PublicKey]).Problems.ShouldHaveSingleItem().ShouldContain("is not one of the trusted keys");
        var untrusted = DossierVerifier.Verify(dossier, []);
        (untrusted.Ok, untrusted.KeyTrusted).ShouldBe((true, false));
    }
}
