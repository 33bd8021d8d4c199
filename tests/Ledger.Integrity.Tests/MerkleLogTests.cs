using Ledger.EventStore;
using Ledger.Integrity.Merkle;
using Ledger.Integrity.Signing;
using Npgsql;

namespace Ledger.Integrity.Tests;

/// <summary>The log on PostgreSQL: leaves in commit order, tiles, checkpoints and proofs served from the database.</summary>
public sealed class MerkleLogTests
{
    [Fact]
    public async Task Proofs_from_stored_tiles_equal_the_proofs_of_the_tree_built_in_memory_across_several_integrations()
    {
        await using var ledger = await LedgerWithLog.CreateAsync();
        await ledger.Log.EnsureCreatedAsync(LedgerWithLog.Origin, SignatureSuite.EcdsaP256);
        var expected = new InMemoryTree(TreeHasher.Sha256);
        var sizes = new List<long>();
        // Three rounds; pages of 97 leaves so tiles fill in the middle of a page. 600 leaves reach the second tile level.
        foreach (var round in new[] { 150, 200, 250 })
        {
            await ledger.AppendAsync(streams: round / 10, events: 10, prefix: $"r{round}");
            var result = await ledger.Log.IntegrateAsync(pageSize: 97, waitForCommitted: MerkleLog.CheckpointWait);
            result.LeavesAdded.ShouldBe(round);
            sizes.Add(result.TreeSize);
        }
        var all = await ledger.Store.ReadAllAsync(GlobalCheckpoint.Start, 10_000);
        foreach (var e in all.Events) expected.AppendLeafHash(MerkleLog.LeafHash(TreeHasher.Sha256, e.Position, e.StreamId, e.Version, e.Hash));
        expected.Size.ShouldBe(600);

        var state = (await ledger.Log.GetStateAsync())!;
        state.TreeSize.ShouldBe(600);
        state.RootHash.ShouldBe(expected.Root(600));
        (await ledger.Log.LeavesOfPositionsAsync([.. all.Events.Select(e => e.Position)])).Select(l => l.Position)
            .ShouldBe(all.Events.Select(e => e.Position), "leaves in commit order");

        foreach (var size in new long[] { 1, 2, 255, 256, 257, 511, 512, 513, 599, 600 })
        {
            (await ledger.Log.RootAsync(size)).ShouldBe(expected.Root(size), $"root of {size}");
            var indexes = Enumerable.Range(0, (int)size).Select(i => (long)i).Where(i => i % 7 == 0 || i == size - 1).ToList();
            var proofs = await ledger.Log.InclusionProofsAsync(indexes, size);
            foreach (var proof in proofs)
            {
                proof.Path.ShouldBe(expected.InclusionProof(proof.LeafIndex, size), $"inclusion ({proof.LeafIndex}, {size})");
                MerkleTree.VerifyInclusion(TreeHasher.Sha256, proof.LeafIndex, size, expected.Node(new TreeNode(0, proof.LeafIndex)), proof.Path, expected.Root(size)).ShouldBeTrue();
            }
            foreach (var from in new long[] { 1, 3, 100, 256, 300 }.Where(f => f <= size))
            {
                var consistency = await ledger.Log.ConsistencyProofAsync(from, size);
                consistency.Path.ShouldBe(expected.ConsistencyProof(from, size), $"consistency ({from}, {size})");
            }
        }
        var again = await ledger.Log.IntegrateAsync();
        again.LeavesAdded.ShouldBe(0);
    }

    [Fact]
    public void The_tile_edge_matches_the_tree_in_memory_beyond_the_third_tile_level()
    {
        // 70,000 leaves: three tile levels (256² = 65,536), with the edge rebuilt from its own stored tiles midway.
        var hasher = TreeHasher.Sha256;
        var expected = new CompactRange(hasher);
        var edge = new TileEdge(hasher, 0, new Dictionary<(int, long), byte[][]>());
        var stored = new Dictionary<(int Level, long Index), byte[][]>();
        for (var i = 0; i < 70_000; i++)
        {
            var leaf = hasher.HashLeaf(BitConverter.GetBytes(i));
            expected.Append(leaf);
            edge.Append(leaf);
            if (i + 1 is 1 or 255 or 256 or 65_535 or 65_536 or 65_537 or 70_000)
                edge.Root().ShouldBe(expected.Root(), $"root of {i + 1}");
            if (i + 1 == 65_600)
            {
                foreach (var (key, value) in edge.TakeChanged()) stored[key] = Tiles.Split(value);
                edge = new TileEdge(hasher, 65_600, stored);
                edge.Root().ShouldBe(expected.Root(), "rebuilt from stored tiles");
            }
        }
    }

    [Fact]
    public async Task Checkpoints_are_signed_over_the_log_and_consistent_with_each_other()
    {
        await using var ledger = await LedgerWithLog.CreateAsync();
        await ledger.AppendAsync(streams: 3, events: 2);
        var first = (await ledger.CheckpointAsync())!;
        first.TreeSize.ShouldBe(6);
        first.Origin.ShouldBe(LedgerWithLog.Origin);
        first.SignatureProblem(ledger.TrustedKeys).ShouldBeNull();
        (await ledger.CheckpointAsync())!.TreeSize.ShouldBe(6, "no new checkpoint while the log has not grown");

        await ledger.AppendAsync(streams: 5, events: 3, prefix: "later");
        var second = (await ledger.CheckpointAsync())!;
        second.TreeSize.ShouldBe(21);
        var proof = await ledger.Log.ConsistencyProofAsync(first.TreeSize, second.TreeSize);
        MerkleTree.VerifyConsistency(TreeHasher.Sha256, 6, 21, first.RootHash, second.RootHash, proof.Path).ShouldBeTrue();
        (await ledger.Log.CheckpointsAsync()).Select(c => c.TreeSize).ShouldBe([6L, 21L]);

        var report = await ledger.Verifier().VerifyAsync();
        report.Discrepancies.ShouldBeEmpty();
        (report.Events, report.Leaves, report.Checkpoints, report.Streams).ShouldBe((21L, 21L, 2, 8));
    }

    [Fact]
    public async Task An_SM2_log_hashes_with_SM3_and_signs_with_SM2_and_refuses_a_P256_key()
    {
        await using var ledger = await LedgerWithLog.CreateAsync(SignatureSuite.Sm2);
        await ledger.AppendAsync(streams: 2, events: 2);
        var checkpoint = (await ledger.CheckpointAsync())!;
        checkpoint.TreeHash.ShouldBe("sm3");
        checkpoint.SignatureAlgorithm.ShouldBe("sm2-sm3");
        checkpoint.SignatureProblem(ledger.TrustedKeys).ShouldBeNull();
        var all = await ledger.Store.ReadAllAsync(GlobalCheckpoint.Start, 100);
        MerkleTree.Root(TreeHasher.Sm3, [.. all.Events.Select(e => MerkleLog.LeafHash(TreeHasher.Sm3, e.Position, e.StreamId, e.Version, e.Hash))])
            .ShouldBe(checkpoint.RootHash);
        (await ledger.Verifier().VerifyAsync()).Discrepancies.ShouldBeEmpty();

        var p256 = CheckpointKeyFiles.Create(Path.Combine(ledger.KeyFolder, "other.pem"), SignatureSuite.EcdsaP256);
        var refused = await Should.ThrowAsync<MerkleLogException>(() => ledger.Log.CheckpointAsync(p256, LedgerWithLog.Origin));
        refused.Message.ShouldContain("the log was created for sm2-sm3 signatures over a sm3 tree");
    }

    [Fact]
    public async Task The_log_tables_refuse_rewriting_for_the_application_role_and_the_owner()
    {
        await using var ledger = await LedgerWithLog.CreateAsync();
        await ledger.AppendAsync(streams: 2, events: 2);
        await ledger.CheckpointAsync();
        foreach (var source in new[] { ledger.Db.App, ledger.Db.Owner })
        {
            foreach (var sql in new[]
            {
                "update ledger.merkle_leaves set version = 9 where leaf_index = 0",
                "delete from ledger.merkle_leaves where leaf_index = 0",
                "delete from ledger.merkle_checkpoints",
                "update ledger.merkle_tiles set hashes = substring(hashes from 33) where tile_level = 0",
                "update ledger.merkle_log set tree_size = 1",
            })
            {
                await using var command = source.CreateCommand(sql);
                var refused = await Should.ThrowAsync<PostgresException>(() => command.ExecuteNonQueryAsync());
                refused.SqlState.ShouldBeOneOf("LE003", "42501");
                if (refused.SqlState == "LE003") refused.MessageText.ShouldMatch("refused");
            }
        }
    }

    [Fact]
    public async Task Proofs_for_sizes_or_leaves_outside_the_log_are_refused_naming_the_parameter()
    {
        await using var ledger = await LedgerWithLog.CreateAsync();
        await ledger.AppendAsync(streams: 1, events: 3);
        await ledger.CheckpointAsync();
        (await Should.ThrowAsync<MerkleLogException>(() => ledger.Log.InclusionProofsAsync([0], 4))).Message.ShouldStartWith("treeSize:");
        (await Should.ThrowAsync<MerkleLogException>(() => ledger.Log.InclusionProofsAsync([3], 3))).Message.ShouldStartWith("leafIndex:");
        (await Should.ThrowAsync<MerkleLogException>(() => ledger.Log.ConsistencyProofAsync(2, 5))).Message.ShouldStartWith("toSize:");
        (await Should.ThrowAsync<MerkleLogException>(() => ledger.Log.ConsistencyProofAsync(3, 2))).Message.ShouldStartWith("fromSize:");
    }
}
