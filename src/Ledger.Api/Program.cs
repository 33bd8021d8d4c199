// The API on its own (`dotnet Ledger.Api.dll` with Ledger__Connection set); `ledger serve` is the usual way in,
// resolving the embedded cluster, migrating and issuing the signing key first.
var builder = WebApplication.CreateBuilder(args);
Ledger.Api.LedgerApi.Build(builder).Run();

/// <summary>The entry point, named so tests can host the API with WebApplicationFactory.</summary>
public partial class Program;
