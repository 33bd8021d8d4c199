namespace Ledger.Benchmarks;

/// <summary>What a benchmark's header says of the process, beside its figures.</summary>
public static class BenchmarkHeader
{
    /// <summary>How long idle thread-pool workers spin before they block, for a benchmark's header: when the client
    /// shares two cores with PostgreSQL, the figures move with it (docs/performance.md). .NET's default is 70; the
    /// environment variable DOTNET_ThreadPool_UnfairSemaphoreSpinLimit overrides it for one run, and .NET reads that
    /// variable as hexadecimal (70 there means 112), so the header shows the number .NET uses.</summary>
    public static string ThreadPoolSpinSetting()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("DOTNET_ThreadPool_UnfairSemaphoreSpinLimit")
                              ?? Environment.GetEnvironmentVariable("COMPlus_ThreadPool_UnfairSemaphoreSpinLimit");
        if (fromEnvironment is not null)
        {
            var digits = fromEnvironment.StartsWith("0x", StringComparison.Ordinal) ? fromEnvironment[2..] : fromEnvironment;
            return uint.TryParse(digits, System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture, out var spins)
                ? $"thread-pool spin limit {spins} (environment: {fromEnvironment}, read as hexadecimal)"
                : $"thread-pool spin limit unreadable in the environment ('{fromEnvironment}'), so .NET's default";
        }
        return $"thread-pool spin limit {AppContext.GetData("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit")?.ToString() ?? "70"}";
    }
}
