using JasperFx.CodeGeneration;
using JasperFx.CodeGeneration.Model;
using Ledger.Application.Deadlines;
using Ledger.Application.Messaging;
using Ledger.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Weasel.Core;
using Weasel.Core.Migrations;
using Wolverine;

namespace Ledger.Application.Tests;

/// <summary>
/// What Wolverine would generate and create, held against what is committed: the handler code (loaded statically, never
/// compiled at start-up) and the message tables (created by migrations/, never by Wolverine).
/// </summary>
[Collection(CodeGenerationCollection.Name)]
public sealed class MessagingSetupTests
{
    private static string GeneratedCodeDirectory => Path.Combine(RepositoryRoot(), "src", "Ledger.Application", "Internal", "Generated");

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            if (File.Exists(Path.Combine(directory.FullName, "Ledger.sln"))) return directory.FullName;
        throw new InvalidOperationException("Ledger.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>
    /// Fails when a handler or the messaging options changed and the committed code is stale. To regenerate, run the
    /// tests once with LEDGER_APPROVE=1 (it rewrites src/Ledger.Application/Internal/Generated) and commit the diff. When a
    /// handler's parameters changed, the stale code no longer compiles: delete that folder, build, then run this test.
    /// </summary>
    [Fact]
    public void TheCommittedHandlerCodeIsWhatWolverineGeneratesForTheLedgersHandlers()
    {
        var output = Path.Combine(Path.GetTempPath(), $"ledger-codegen-{Guid.NewGuid():N}");
        try
        {
            var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
            builder.AddLedger(() => "Host=127.0.0.1;Database=unused");
            builder.Services.ConfigureWolverine(o => o.CodeGeneration.GeneratedCodeOutputPath = output);
            using var host = builder.Build();
            var generator = new DynamicCodeBuilder(host.Services, [.. host.Services.GetServices<ICodeFileCollection>()])
            {
                ServiceVariableSource = host.Services.GetService<IServiceVariableSource>(),
            };
            generator.WriteGeneratedCode(_ => { });

            var generated = Files(output);
            if (Environment.GetEnvironmentVariable("LEDGER_APPROVE") == "1")
            {
                if (Directory.Exists(GeneratedCodeDirectory)) Directory.Delete(GeneratedCodeDirectory, recursive: true);
                foreach (var (name, text) in generated)
                {
                    Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(GeneratedCodeDirectory, name))!);
                    File.WriteAllText(Path.Combine(GeneratedCodeDirectory, name), text);
                }
            }
            generated.Keys.ShouldContain(name => name.Contains("DeadlineReminderHandler"));
            Files(GeneratedCodeDirectory).ShouldBe(generated,
                "the committed generated code is stale: run the tests with LEDGER_APPROVE=1 and commit src/Ledger.Application/Internal/Generated");
        }
        finally
        {
            if (Directory.Exists(output)) Directory.Delete(output, recursive: true);
        }
    }

    private static Dictionary<string, string> Files(string directory) =>
        Directory.Exists(directory)
            ? Directory.GetFiles(directory, "*.cs", SearchOption.AllDirectories)
                .ToDictionary(f => Path.GetRelativePath(directory, f), f => File.ReadAllText(f).ReplaceLineEndings("\n"))
            : [];

    [Fact]
    public async Task TheMigrationsCreateExactlyTheMessageTablesWolverineExpects()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var connection = await db.Owner.OpenConnectionAsync();

        var expected = LedgerMessaging.SchemaObjects();
        expected.Select(o => o.Identifier.QualifiedName).ShouldContain("wolverine.wolverine_incoming_envelopes");
        var migration = await SchemaMigration.DetermineAsync(connection, default, [.. expected]);

        migration.Deltas.Where(d => d.Difference != SchemaPatchDifference.None).Select(d => d.SchemaObject.Identifier.QualifiedName).ShouldBeEmpty();
    }
}

/// <summary>
/// Generating code sets JasperFx's process-wide <c>DynamicCodeBuilder.WithinCodegenCommand</c> while it runs, and every
/// Wolverine host that starts meanwhile takes itself for a code-generation tool and starts in MediatorOnly mode (it then
/// refuses to schedule a message). So the generating test runs alone, never beside a test that starts a node.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CodeGenerationCollection
{
    public const string Name = "Code generation (runs alone)";
}
