using System.Text;
using System.Text.Json;
using Ledger.EventStore;
using Ledger.Integrity.Signing;

namespace Ledger.Integrity.Tests;

public sealed class SigningTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"ledger-signing-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }

    [Theory]
    [InlineData("ecdsa-p256", "ecdsa-p256-sha256", "sha-256")]
    [InlineData("sm2", "sm2-sm3", "sm3")]
    public void New_keys_are_written_owner_only_with_a_public_key_beside_them_and_reload_to_the_same_key_id(string algorithm, string signature, string tree)
    {
        var path = Path.Combine(_folder, $"{algorithm}.pem");
        var signer = CheckpointKeyFiles.Create(path, SignatureSuite.ForKeyAlgorithm(algorithm));
        (signer.Suite.SignatureAlgorithm, signer.Suite.TreeHasher.Name).ShouldBe((signature, tree));
        if (!OperatingSystem.IsWindows()) File.GetUnixFileMode(path).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.ReadAllText(path).ShouldStartWith("-----BEGIN PRIVATE KEY-----");
        var publicKey = CheckpointKeyFiles.LoadPublicKey(CheckpointKeyFiles.PublicPathFor(path));
        publicKey.KeyId.ShouldBe(signer.KeyId);
        CheckpointKeyFiles.LoadSigner(path).KeyId.ShouldBe(signer.KeyId);

        var message = Encoding.UTF8.GetBytes("ledger checkpoint");
        var signed = signer.Sign(message);
        publicKey.Verify(message, signed).ShouldBeTrue();
        publicKey.Verify(Encoding.UTF8.GetBytes("ledger checkpoinT"), signed).ShouldBeFalse();
        Should.Throw<IOException>(() => CheckpointKeyFiles.Create(path, SignatureSuite.EcdsaP256)).Message.ShouldContain("never overwritten");
    }

    [Fact]
    public void Malformed_key_files_and_checkpoint_notes_are_refused_naming_the_file_or_line()
    {
        Directory.CreateDirectory(_folder);
        var notAKey = Path.Combine(_folder, "not-a-key.pem");
        File.WriteAllText(notAKey, "hello");
        Should.Throw<FormatException>(() => CheckpointKeyFiles.LoadSigner(notAKey)).Message.ShouldStartWith(notAKey);
        Should.Throw<FileNotFoundException>(() => CheckpointKeyFiles.LoadSigner(Path.Combine(_folder, "absent.pem"))).Message.ShouldContain("ledger keys new");
        var publicAsPrivate = Path.Combine(_folder, "p.pem");
        CheckpointKeyFiles.Create(publicAsPrivate, SignatureSuite.EcdsaP256);
        Should.Throw<FormatException>(() => CheckpointKeyFiles.LoadSigner(CheckpointKeyFiles.PublicPathFor(publicAsPrivate))).Message.ShouldContain("expected PRIVATE KEY");

        var signer = CheckpointKeyFiles.LoadSigner(publicAsPrivate);
        var good = Checkpoint.Sign(signer, "ledger.test", 5, new byte[32], NodaTime.Instant.FromUtc(2026, 11, 21, 8, 0));
        var read = Checkpoint.FromNote(good.Note, good.Signature);
        (read.Origin, read.TreeSize, read.IssuedAt, read.KeyId, read.Note).ShouldBe((good.Origin, good.TreeSize, good.IssuedAt, good.KeyId, good.Note));
        read.RootHash.ShouldBe(good.RootHash);
        Should.Throw<FormatException>(() => Checkpoint.FromNote(good.Note.Replace("size: 5", "size: -5"), good.Signature)).Message.ShouldContain("size");
        Should.Throw<FormatException>(() => Checkpoint.FromNote(good.Note.Replace("size: 5", "size: 05"), good.Signature)).Message.ShouldContain("canonical");
        Should.Throw<FormatException>(() => Checkpoint.FromNote(good.Note.Replace("origin:", "origins:"), good.Signature)).Message.ShouldContain("line 2");
        Should.Throw<FormatException>(() => Checkpoint.FromNote(good.Note.TrimEnd('\n'), good.Signature)).Message.ShouldContain("line feed");
        (good with { Note = good.Note.Replace("size: 5", "size: 6") }).SignatureProblem([signer.PublicKey])!.ShouldContain("does not verify");
    }

    [Fact]
    public async Task Verify_reports_as_a_notice_an_import_recorded_before_a_checkpoint_that_does_not_contain_it()
    {
        await using var ledger = await LedgerWithLog.CreateAsync();
        await ledger.AppendAsync(streams: 1, events: 1);
        var checkpoint = (await ledger.CheckpointAsync())!;
        await ledger.Store.AppendAsync(new AppendRequest("imported-case", "case", ExpectedVersion.NoStream,
            [new NewEvent(Guid.NewGuid(), new LedgerWithLog.FineRecorded(1, 100_000))],
            new EventMetadata("importer", Guid.NewGuid(), Source: "old-case-system.csv").ToJson(),
            RecordedInSource: checkpoint.IssuedAt - NodaTime.Duration.FromDays(30)));
        await ledger.CheckpointAsync();
        var report = await ledger.Verifier().VerifyAsync();
        report.Ok.ShouldBeTrue();
        report.Notices.ShouldHaveSingleItem().ShouldContain("stream imported-case version 1");
        report.Notices[0].ShouldContain("imported from old-case-system.csv");
    }

    [Fact]
    public async Task Verify_says_nothing_of_an_event_the_ledger_recorded_while_a_checkpoint_was_signed()
    {
        await using var ledger = await LedgerWithLog.CreateAsync();
        await ledger.AppendAsync(streams: 1, events: 1);
        // The first event in the log before this test holds a transaction open: other tests' transactions on the cluster
        // may still hold the integrator back, and it waits for them here, not below (where it may not wait at all).
        await ledger.Log.EnsureCreatedAsync(LedgerWithLog.Origin, ledger.Signer.Suite);
        (await ledger.Log.IntegrateAsync(waitForCommitted: TimeSpan.FromSeconds(30))).TreeSize.ShouldBe(1);
        // Written (and stamped) before the checkpoint, committed after it: the next checkpoint holds it, as it should.
        await using (var connection = await ledger.Db.App.OpenConnectionAsync())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await ledger.Store.AppendAsync(new AppendRequest("late-case", "case", ExpectedVersion.NoStream,
                [new NewEvent(Guid.NewGuid(), new LedgerWithLog.FineRecorded(1, 100_000))],
                new EventMetadata("recorder", Guid.NewGuid()).ToJson()), connection, transaction);
            // Not waiting for the transaction held open here (the default would wait 30 s for it, and hold back the
            // checkpoints of every other test on the cluster meanwhile: transaction ids are cluster-wide).
            (await ledger.Log.CheckpointAsync(ledger.Signer, LedgerWithLog.Origin, TimeSpan.Zero)).ShouldNotBeNull();
            await transaction.CommitAsync();
        }
        await ledger.CheckpointAsync();
        var report = await ledger.Verifier().VerifyAsync();
        report.Ok.ShouldBeTrue();
        report.Events.ShouldBe(2);
        report.Notices.ShouldBeEmpty();
    }
}
