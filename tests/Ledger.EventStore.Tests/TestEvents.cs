using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ledger.EventStore.Tests;

/// <summary>The event types of the store's contract tests, under the stored names the tests read back. Shapes vary
/// (text with quotes and line breaks, large integers, nested objects) because the hash covers the stored JSON.</summary>
public static class TestEvents
{
    public sealed record ThingHappened(int N = 1);
    public sealed record CaseFiled(string? Region = null, long? FineFen = null, string[]? Officers = null, string? Party = null, string? Note = null);
    public sealed record FinePaid(long AmountFen, string PaidOn);
    public sealed record ComplaintReceived(string Note);
    public sealed record DecisionTaken(int Z, Pair A);
    public sealed record Pair(int C, int B);
    public sealed record RaceStarted;
    public sealed record RaceWon(int Writer);
    public sealed record LateCommit;

    /// <summary>Not an event type of the test store.</summary>
    public sealed record NotRegistered(int N);

    public static EventTypes Types { get; } = new([
        new(typeof(ThingHappened), "thing_happened.v1"),
        new(typeof(CaseFiled), "case_filed.v1"),
        new(typeof(FinePaid), "fine_paid.v1"),
        new(typeof(ComplaintReceived), "complaint_received.v1"),
        new(typeof(DecisionTaken), "decision_taken.v1"),
        new(typeof(RaceStarted), "race_started.v1"),
        new(typeof(RaceWon), "race_won.v1"),
        new(typeof(LateCommit), "late_commit.v1"),
    ]);

    public static JsonSerializerOptions Json { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The JSON object the store writes for <paramref name="data"/>.</summary>
    public static JsonElement JsonOf(object data) => JsonSerializer.SerializeToElement(data, data.GetType(), Json);
}
