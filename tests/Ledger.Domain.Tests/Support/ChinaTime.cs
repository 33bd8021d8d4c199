using NodaTime.Testing;

namespace Ledger.Domain.Tests.Support;

/// <summary>
/// NodaTime.Testing's <see cref="FakeClock"/> set in China's local time. The domain never reads a clock; tests use
/// one to build the instant a command is recorded at.
/// </summary>
public static class ChinaTime
{
    /// <summary>A clock at the given local time in China.</summary>
    public static FakeClock Clock(int year, int month, int day, int hour = 10) => new(At(new LocalDate(year, month, day), hour));

    /// <summary>Sets the clock to the given local date (10:00 in China).</summary>
    public static void SetChinaDate(this FakeClock clock, LocalDate date) => clock.Reset(At(date, 10));

    private static Instant At(LocalDate date, int hour) =>
        date.At(new LocalTime(hour, 0)).InZoneStrictly(DecisionContext.Zone).ToInstant();
}
