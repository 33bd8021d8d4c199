namespace Ledger.Domain.Tests.Support;

/// <summary>
/// A clock the test sets by hand (NodaTime.Testing is not available). The domain never reads a clock;
/// tests use this one to build the instant a command is recorded at.
/// </summary>
public sealed class FakeClock(Instant now) : IClock
{
    private Instant now = now;

    /// <summary>A clock at the given local time in China.</summary>
    public static FakeClock AtChinaTime(int year, int month, int day, int hour = 10) =>
        new(new LocalDateTime(year, month, day, hour, 0).InZoneStrictly(DecisionContext.Zone).ToInstant());

    /// <inheritdoc />
    public Instant GetCurrentInstant() => now;

    /// <summary>Sets the clock to the given local date (10:00 in China).</summary>
    public void SetChinaDate(LocalDate date) =>
        now = date.At(new LocalTime(10, 0)).InZoneStrictly(DecisionContext.Zone).ToInstant();
}
