namespace Ledger.EventStore;

/// <summary>Base of the errors the store reports on purpose (as opposed to infrastructure failures).</summary>
public abstract class EventStoreException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Another writer got there first: the stream is not at the expected version. Nothing was written.</summary>
public sealed class ConcurrencyException(string streamId, ExpectedVersion expected, long actualVersion)
    : EventStoreException($"stream '{streamId}' is at version {actualVersion}, expected {expected}; nothing was written")
{
    public string StreamId { get; } = streamId;
    public ExpectedVersion Expected { get; } = expected;
    public long ActualVersion { get; } = actualVersion;
}

/// <summary>An event id was reused for different content, or a retried batch was only partly recorded.</summary>
public sealed class EventIdReusedException(string message, Exception? inner = null) : EventStoreException(message, inner);

/// <summary>Input that breaks a rule of the store. <see cref="Field"/> names the offending argument.</summary>
public sealed class EventStoreValidationException(string field, string rule)
    : EventStoreException($"{field}: {rule}")
{
    public string Field { get; } = field;
    public string Rule { get; } = rule;
}
