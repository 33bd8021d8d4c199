using Ledger.Application;
using System.CommandLine;
using System.Globalization;
using Ledger.EventStore;
using Ledger.EventStore.Hosting;
using Ledger.Integrity;
using Ledger.Integrity.Signing;
using NodaTime;
using Npgsql;

namespace Ledger.Cli;

/// <summary>Tamper evidence: signing keys, the verifiable log, whole-ledger verification and case dossiers.</summary>
public static class IntegrityCommands
{
    public const string KeyVariable = "LEDGER_SIGNING_KEY";
    public const string OriginVariable = "LEDGER_LOG_ORIGIN";

    private static readonly Option<string?> KeyOption = new("--key")
    {
        Description = $"Checkpoint signing key (PKCS#8 PEM; default: ${KeyVariable}, else .ledger/keys/checkpoint.pem, created on first use)",
    };

    internal static Option<string[]> TrustedKeysOption(string defaultText) => new("--trusted-key")
    {
        Description = $"A public key (PEM) whose checkpoints you trust; repeatable. Default: {defaultText}",
    };

    private static string DefaultKeyPath => Path.Combine(LedgerDatabase.Home(), "keys", "checkpoint.pem");

    private static string Origin() =>
        Environment.GetEnvironmentVariable(OriginVariable) is { Length: > 0 } origin ? origin : "ledger.local";

    /// <summary>The signing key: configured (which must exist), or the embedded default, created on first use as the
    /// embedded cluster is.</summary>
    private static CheckpointSigner Signer(ParseResult parse) => LoadSigner(SigningKeyPath(parse), "--key");

    /// <summary>The signing key's file: configured, or the embedded default (created on first use).</summary>
    internal static string SigningKeyPath(ParseResult parse)
    {
        var configured = parse.GetValue(KeyOption) ?? Environment.GetEnvironmentVariable(KeyVariable);
        if (!string.IsNullOrWhiteSpace(configured)) return configured;
        if (File.Exists(DefaultKeyPath)) return DefaultKeyPath;
        var created = CheckpointKeyFiles.Create(DefaultKeyPath, SignatureSuite.EcdsaP256);
        Cli.Info($"created checkpoint signing key {DefaultKeyPath} ({created.Suite.SignatureAlgorithm}, key id {created.KeyId}); " +
                 $"publish {CheckpointKeyFiles.PublicPathFor(DefaultKeyPath)} so auditors can verify checkpoints");
        return DefaultKeyPath;
    }

    /// <summary>The --key option, for commands outside this class that sign (ledger serve).</summary>
    internal static Option<string?> SigningKeyOption => KeyOption;

    /// <summary>The log's origin: $LEDGER_LOG_ORIGIN or "ledger.local".</summary>
    internal static string LogOrigin => Origin();

    /// <summary>Loads a signing key, naming <paramref name="option"/> when the file is missing or malformed.</summary>
    internal static CheckpointSigner LoadSignerFor(string path, string option) => LoadSigner(path, option);

    private static CheckpointSigner LoadSigner(string path, string option)
    {
        try { return CheckpointKeyFiles.LoadSigner(path); }
        catch (Exception e) when (e is FormatException or IOException) { throw new CliInputException($"{option}: {e.Message}"); }
    }

    /// <summary>The keys given with --trusted-key, else <paramref name="fallback"/>'s paths (a missing or malformed file
    /// is bad input naming the option, never a crash).</summary>
    internal static IReadOnlyCollection<CheckpointPublicKey> TrustedKeys(string[]? paths, Func<IReadOnlyList<string>> fallback)
    {
        var keys = new List<CheckpointPublicKey>();
        foreach (var path in paths is { Length: > 0 } ? paths : fallback())
        {
            try { keys.Add(CheckpointKeyFiles.LoadPublicKey(path)); }
            catch (Exception e) when (e is FormatException or IOException) { throw new CliInputException($"--trusted-key: {e.Message}"); }
        }
        return keys;
    }

    public static Command Keys()
    {
        var algorithm = new Option<string>("--algorithm")
        {
            Description = "ecdsa-p256 (default: ECDSA P-256 over a SHA-256 tree) or sm2 (SM2 over an SM3 tree, GB/T 32918 / 32905)",
            DefaultValueFactory = _ => "ecdsa-p256",
        };
        algorithm.AcceptOnlyFromAmong("ecdsa-p256", "sm2");
        var output = new Option<string?>("--out") { Description = $"Private key file to write (default: ${KeyVariable}, else .ledger/keys/checkpoint.pem); the public key goes beside it as .pub" };
        var create = new Command("new", "Create a checkpoint signing key: a private key readable only by you and its public key to publish") { algorithm, output };
        create.SetAction((parse, ct) => Cli.RunAsync(() =>
        {
            var path = parse.GetValue(output) ?? Environment.GetEnvironmentVariable(KeyVariable) ?? DefaultKeyPath;
            if (File.Exists(path)) throw new CliInputException($"--out: {path} exists; a signing key is never overwritten (choose another path)");
            var signer = CheckpointKeyFiles.Create(path, SignatureSuite.ForKeyAlgorithm(parse.GetValue(algorithm)!));
            Console.Out.WriteLine($"private key  {path} (mode 0600)");
            Console.Out.WriteLine($"public key   {CheckpointKeyFiles.PublicPathFor(path)}");
            Console.Out.WriteLine($"key id       {signer.KeyId}");
            Console.Out.WriteLine($"algorithms   {signer.Suite.SignatureAlgorithm} signatures over a {signer.Suite.TreeHasher.Name} Merkle tree");
            return Task.FromResult(ExitCodes.Ok);
        }));
        var command = new Command("keys", "Checkpoint signing keys");
        command.Subcommands.Add(create);
        return command;
    }

    private static async Task<NpgsqlDataSource> OpenAsync(ParseResult parse, CancellationToken ct)
    {
        var connections = await Cli.ConnectAsync(parse, ct);
        await Cli.MigrateAsync(connections, quiet: true, ct);
        return LedgerDatabase.CreateDataSource(connections.Application);
    }

    public static Command Log()
    {
        var command = new Command("log", "The verifiable log: one Merkle tree over every event in commit order, with signed checkpoints");

        var status = new Command("status", "The log's size, root, algorithms, integrator position and latest checkpoint");
        status.SetAction((parse, ct) => Cli.RunAsync(async () =>
        {
            await using var dataSource = await OpenAsync(parse, ct);
            var log = new MerkleLog(dataSource);
            var state = await log.GetStateAsync(ct);
            if (state is null)
            {
                Console.Out.WriteLine("no verifiable log yet (run `ledger log checkpoint`)");
                return ExitCodes.Ok;
            }
            var latest = await log.LatestCheckpointAsync(ct);
            Console.Out.WriteLine($"origin        {state.Origin}");
            Console.Out.WriteLine($"algorithms    {state.SignatureAlgorithm} over a {state.Hasher.Name} tree");
            Console.Out.WriteLine($"leaves        {state.TreeSize:N0}");
            Console.Out.WriteLine($"root          {Convert.ToHexStringLower(state.RootHash)}");
            Console.Out.WriteLine($"integrated    through {state.Integrated} at {(state.IntegratedAt is { } at ? InstantArgument.Format(at) : "never")}");
            Console.Out.WriteLine(latest is null ? "checkpoint    none yet"
                : $"checkpoint    size {latest.TreeSize:N0}, signed {InstantArgument.Format(latest.IssuedAt)} by key {latest.KeyId}");
            return ExitCodes.Ok;
        }));

        var publish = new Option<string?>("--out")
        {
            Description = "Also write the signed checkpoint to this file (JSON: the note and its signature), to keep or publish outside the database; " +
                          "`ledger verify --trusted-checkpoint` reads it",
        };
        var checkpoint = new Command("checkpoint", "Integrate every committed event and sign a checkpoint of the whole log") { KeyOption, publish };
        checkpoint.SetAction((parse, ct) => Cli.RunAsync(async () =>
        {
            var signer = Signer(parse);
            var file = parse.GetValue(publish);
            if (file is not null && Path.GetDirectoryName(Path.GetFullPath(file)) is { } folder && !Directory.Exists(folder))
                throw new CliInputException($"--out: the folder {folder} does not exist");
            await using var dataSource = await OpenAsync(parse, ct);
            var signed = await SignAsync(new MerkleLog(dataSource), signer, ct);
            Console.Out.Write(signed is null ? "the ledger holds no events yet; nothing to sign\n" : signed.Note);
            if (signed is not null && file is not null) await File.WriteAllTextAsync(file, PublishedCheckpoint.ToJson(signed), ct);
            return ExitCodes.Ok;
        }));

        var interval = new Option<int>("--interval") { Description = "Seconds between integrations", DefaultValueFactory = _ => 1 };
        var every = new Option<int>("--checkpoint-every") { Description = "Seconds between signed checkpoints while the log grows", DefaultValueFactory = _ => 60 };
        var follow = new Command("follow", "Run the background integrator: append new events as leaves as they commit, and sign checkpoints") { KeyOption, interval, every };
        follow.SetAction((parse, ct) => Cli.RunAsync(async () =>
        {
            if (parse.GetValue(interval) < 1) throw new CliInputException("--interval: must be at least 1 second");
            if (parse.GetValue(every) < 1) throw new CliInputException("--checkpoint-every: must be at least 1 second");
            var signer = Signer(parse);
            await using var dataSource = await OpenAsync(parse, ct);
            var log = new MerkleLog(dataSource);
            await log.EnsureCreatedAsync(Origin(), signer.Suite, ct);
            var lastCheckpoint = DateTime.MinValue;
            Cli.Info($"integrating every {parse.GetValue(interval)} s, checkpoint every {parse.GetValue(every)} s; Ctrl+C stops");
            try
            {
                while (!ct.IsCancellationRequested)
                {
                    var result = await log.IntegrateAsync(ct: ct);
                    if (result.LeavesAdded > 0) Cli.Info($"{DateTime.Now:HH:mm:ss} +{result.LeavesAdded:N0} leaves, size {result.TreeSize:N0}");
                    if (DateTime.UtcNow - lastCheckpoint >= TimeSpan.FromSeconds(parse.GetValue(every)))
                    {
                        var signed = await log.CheckpointAsync(signer, Origin(), ct);
                        if (signed is not null) Cli.Info($"{DateTime.Now:HH:mm:ss} checkpoint size {signed.TreeSize:N0}");
                        lastCheckpoint = DateTime.UtcNow;
                    }
                    await Task.Delay(TimeSpan.FromSeconds(parse.GetValue(interval)), ct);
                }
            }
            catch (OperationCanceledException) { }
            return ExitCodes.Ok;
        }));

        command.Subcommands.Add(status);
        command.Subcommands.Add(checkpoint);
        command.Subcommands.Add(follow);
        return command;
    }

    private static async Task<Checkpoint?> SignAsync(MerkleLog log, CheckpointSigner signer, CancellationToken ct)
    {
        try { return await log.CheckpointAsync(signer, Origin(), ct); }
        catch (MerkleLogException e) { throw new CliInputException(e.Message); }
    }

    public static Command Verify()
    {
        var trusted = TrustedKeysOption("the public key beside the configured signing key");
        var publishedFiles = TrustedCheckpointOption();
        var command = new Command("verify",
            "Verify the whole ledger: every stream's chain, every leaf, every checkpoint's signature and its consistency with the latest. Exit 0 only when everything verifies")
            { KeyOption, trusted, publishedFiles };
        command.SetAction((parse, ct) => Cli.RunAsync(async () =>
        {
            var keys = TrustedKeys(parse.GetValue(trusted), () =>
            {
                var path = parse.GetValue(KeyOption) ?? Environment.GetEnvironmentVariable(KeyVariable) ?? DefaultKeyPath;
                var publicPath = CheckpointKeyFiles.PublicPathFor(path);
                if (!File.Exists(publicPath)) throw new CliInputException($"--trusted-key: give the public key(s) to verify checkpoints with ({publicPath} does not exist)");
                return [publicPath];
            });
            var published = (parse.GetValue(publishedFiles) ?? []).Select(ReadPublishedCheckpoint).ToList();
            await using var dataSource = await OpenAsync(parse, ct);
            var report = await VerifyAndPrintAsync(dataSource, keys, published, ct);
            return report.Ok ? ExitCodes.Ok : ExitCodes.Failure;
        }));
        return command;
    }

    internal static Option<string[]> TrustedCheckpointOption() => new("--trusted-checkpoint")
    {
        Description = "A signed checkpoint kept outside the database (`ledger log checkpoint --out`, or GET /checkpoints/latest saved); repeatable. " +
                      "Everything it covers must be present and unchanged; what was recorded after the latest is listed by position",
    };

    /// <summary>Verifies the ledger on <paramref name="dataSource"/> and prints every notice, every discrepancy and the verdict.</summary>
    internal static async Task<VerificationReport> VerifyAndPrintAsync(
        NpgsqlDataSource dataSource, IReadOnlyCollection<CheckpointPublicKey> keys, IReadOnlyCollection<Checkpoint> published, CancellationToken ct)
    {
        var report = await new LedgerVerifier(dataSource, keys, published).VerifyAsync(new Progress<long>(n => { if (n % 200_000 == 0 && n > 0) Cli.Info($"  {n:N0} events"); }), ct);
        foreach (var notice in report.Notices) Console.Out.WriteLine($"notice: {notice}");
        foreach (var discrepancy in report.Discrepancies) Console.Out.WriteLine($"DISCREPANCY {discrepancy}");
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{(report.Ok ? "OK" : $"FAILED: {report.Discrepancies.Count} discrepancies")}: {report.Events:N0} events in {report.Streams:N0} streams, " +
            $"{report.Leaves:N0} leaves ({report.PendingEvents:N0} events not yet integrated), {report.Checkpoints} checkpoints" +
            $"{(report.PublishedCheckpoints > 0 ? $" and {report.PublishedCheckpoints} published" : "")}, " +
            $"trusted keys {string.Join(", ", keys.Select(k => k.KeyId))}; {report.Elapsed.TotalSeconds:F1} s"));
        return report;
    }

    /// <summary>A <c>--trusted-checkpoint</c> file, refused naming the option and the file when it cannot be read.</summary>
    internal static Checkpoint ReadPublishedCheckpoint(string path)
    {
        try
        {
            return PublishedCheckpoint.FromJson(File.ReadAllText(path));
        }
        catch (Exception e) when (e is FormatException or IOException or UnauthorizedAccessException)
        {
            throw new CliInputException($"--trusted-checkpoint: {path}: {e.Message.TrimEnd('.')}");
        }
    }

    /// <summary><c>ledger case export</c>.</summary>
    public static Command Export()
    {
        var id = new Argument<string>("id") { Description = "The case id, e.g. 140824-2025-0012" };
        var output = new Option<string>("--out") { Description = "The dossier file to write (JSON)", Required = true };
        var command = new Command("export", "Write a case's self-contained dossier: events, chain, inclusion proofs, signed checkpoint and public key") { id, output, KeyOption };
        command.SetAction((parse, ct) => Cli.RunAsync(async () =>
        {
            var caseId = parse.GetValue(id)!;
            var signer = Signer(parse);
            await using var dataSource = await OpenAsync(parse, ct);
            var store = LedgerEvents.Store(dataSource);
            if (await store.GetStreamAsync(caseId, ct) is null) throw new CliInputException($"id: no case '{caseId}' is recorded in this ledger");
            var log = new MerkleLog(dataSource);
            await SignAsync(log, signer, ct);
            Dossier dossier;
            try { dossier = await new DossierExporter(store, log).ExportAsync(caseId, SystemClock.Instance.GetCurrentInstant(), ct); }
            catch (MerkleLogException e) { throw new CliInputException(e.Message); }
            var path = parse.GetValue(output)!;
            await File.WriteAllTextAsync(path, dossier.ToJson() + "\n", ct);
            var checkpoint = Checkpoint.FromNote(dossier.Checkpoint.Note, Convert.FromBase64String(dossier.Checkpoint.Signature));
            Console.Out.WriteLine($"{path}: case {caseId}, {dossier.Events.Count} events, checkpoint size {checkpoint.TreeSize:N0} signed by key {checkpoint.KeyId}");
            return ExitCodes.Ok;
        }));
        return command;
    }

    public static Command VerifyDossier()
    {
        var file = new Argument<string>("dossier") { Description = "A dossier written by `ledger case export`" };
        var trusted = TrustedKeysOption("none — the dossier's own key is used and its id printed for you to compare with the bureau's published key");
        var command = new Command("verify-dossier", "Check a case dossier with no database: checkpoint signature, every event's hash and chain, every inclusion proof") { file, trusted };
        command.SetAction((parse, ct) => Cli.RunAsync(async () =>
        {
            var path = parse.GetValue(file)!;
            if (!File.Exists(path)) throw new CliInputException($"dossier: {path} does not exist");
            var keys = TrustedKeys(parse.GetValue(trusted), () => []);
            Dossier dossier;
            try { dossier = Dossier.FromJson(await File.ReadAllTextAsync(path, ct)); }
            catch (FormatException e) { throw new CliInputException(e.Message); }
            var report = DossierVerifier.Verify(dossier, keys);
            foreach (var problem in report.Problems) Console.Out.WriteLine($"DISCREPANCY {problem}");
            var signed = report.Checkpoint is { } c ? $"checkpoint size {c.TreeSize:N0} of {c.Origin} signed {InstantArgument.Format(c.IssuedAt)}" : "no readable checkpoint";
            Console.Out.WriteLine($"{(report.Ok ? "OK" : $"FAILED: {report.Problems.Count} discrepancies")}: case {report.StreamId}, {report.Events} events, {signed}, " +
                                  (report.KeyTrusted ? $"by trusted key {report.KeyId}" : $"by key {report.KeyId} (not checked against a trusted key: compare this id with the bureau's published key)"));
            return report.Ok ? ExitCodes.Ok : ExitCodes.Failure;
        }));
        return command;
    }
}
