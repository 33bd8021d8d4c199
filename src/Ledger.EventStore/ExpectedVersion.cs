using System.Globalization;

namespace Ledger.EventStore;

/// <summary>
/// What the writer believes the stream's version to be. Versions count events: a stream's first event
/// is version 1, so "no stream" and "exactly 0" mean the same thing.
/// </summary>
public readonly record struct ExpectedVersion
{
    private ExpectedVersion(long value) => Value = value;

    /// <summary>-1 for <see cref="Any"/>, otherwise the exact version required (0 = no stream).</summary>
    public long Value { get; }

    /// <summary>Append whatever the stream's version is (no concurrency check).</summary>
    public static ExpectedVersion Any { get; } = new(-1);

    /// <summary>The stream must not exist yet.</summary>
    public static ExpectedVersion NoStream { get; } = new(0);

    public bool IsAny => Value == -1;

    /// <summary>The stream must be at exactly <paramref name="version"/> (0 = must not exist).</summary>
    public static ExpectedVersion Exactly(long version) => version >= 0
        ? new ExpectedVersion(version)
        : throw new EventStoreValidationException("expectedVersion",
            $"must be 'any', 'no-stream' or a version ≥ 0; got {version}");

    /// <summary>Parses "any", "no-stream" or a non-negative integer (as sent in an HTTP If-Match or a CLI flag).</summary>
    public static ExpectedVersion Parse(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        "any" => Any,
        "no-stream" => NoStream,
        { } s when long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var n) => Exactly(n),
        _ => throw new EventStoreValidationException("expectedVersion",
            $"must be 'any', 'no-stream' or a version ≥ 0; got '{text}'"),
    };

    public override string ToString() => Value switch
    {
        -1 => "any",
        0 => "no-stream",
        _ => Value.ToString(CultureInfo.InvariantCulture),
    };
}
