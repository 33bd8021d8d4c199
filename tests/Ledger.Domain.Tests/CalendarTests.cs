using Ledger.Domain.Calendar;

namespace Ledger.Domain.Tests;

public sealed class CalendarTests
{
    private static readonly WorkingDayCalendar China = WorkingDayCalendar.China;
    private static LocalDate D(int y, int m, int d) => new(y, m, d);

    [Fact]
    public void TheShippedCalendarCoversEveryYearFrom2016To2026AndCitesEachNotice()
    {
        China.Years.Select(y => y.Year).Order().ShouldBe(Enumerable.Range(2016, 11));
        foreach (var year in China.Years)
        {
            year.Status.ShouldBe(YearCoverage.Confirmed, $"{year.Year}");
            year.Notice.ShouldContain($"{year.Year}年部分节假日安排的通知");
            year.Notice.ShouldContain("国办发明电");
            year.Source.ShouldStartWith("http");
        }
    }

    [Theory]
    [InlineData(2020, 2, 1, false)]   // the make-up Saturday cancelled when the 2020 Spring Festival was extended (国办发明电〔2020〕1号)
    [InlineData(2020, 2, 3, true)]
    [InlineData(2019, 5, 5, true)]    // Sunday worked after the 2019 Labour Day change (国办发明电〔2019〕3号)
    [InlineData(2019, 5, 2, false)]
    [InlineData(2025, 1, 26, true)]   // Sunday made a working day for the 2025 Spring Festival
    [InlineData(2025, 1, 28, false)]  // 除夕, a holiday from 2025
    [InlineData(2026, 2, 23, false)]  // Monday, last day of the nine-day 2026 Spring Festival
    [InlineData(2026, 1, 4, true)]
    [InlineData(2018, 12, 29, true)]  // Saturday worked for the 2019 New Year, announced in the 2019 notice
    [InlineData(2023, 1, 2, false)]
    [InlineData(2025, 6, 4, true)]    // an ordinary Wednesday
    [InlineData(2025, 6, 7, false)]   // an ordinary Saturday
    public void KnownDaysAreWorkingDaysOrNot(int year, int month, int day, bool working) =>
        China.IsWorkingDay(D(year, month, day)).ShouldBe(working);

    [Fact]
    public void EveryMakeUpWorkingDayIsAWeekendDayAndHolidaysFallWhereTheLawSays()
    {
        // From 2016 to 2024 the law gave 11 public holidays a year; from 2025, 13. A year's days off on weekdays minus
        // its weekend working days equals the holidays that fell on weekdays — which can never exceed that count,
        // except in 2020, when the Spring Festival was extended by three days (国办发明电〔2020〕1号).
        for (var year = 2016; year <= 2026; year++)
        {
            var days = Enumerable.Range(0, new LocalDate(year, 12, 31).DayOfYear).Select(i => new LocalDate(year, 1, 1).PlusDays(i)).ToList();
            var weekdaysOff = days.Count(d => d.DayOfWeek < IsoDayOfWeek.Saturday && !China.IsWorkingDay(d));
            var weekendsWorked = days.Count(d => d.DayOfWeek >= IsoDayOfWeek.Saturday && China.IsWorkingDay(d));
            (weekdaysOff - weekendsWorked).ShouldBeLessThanOrEqualTo(year >= 2025 ? 13 : year == 2020 ? 13 : 11, $"{year}");
            (weekdaysOff - weekendsWorked).ShouldBeGreaterThanOrEqualTo(6, $"{year}");
        }
    }

    [Fact]
    public void WorkingDaysAreCountedFromTheDayAfterAndSkipTheSpringFestival() =>
        // Fri 2025-01-24: 27 Jan (Mon) counts, 26 Jan (Sunday, worked) counts, 28 Jan – 4 Feb off, 5 Feb counts.
        China.AddWorkingDays(D(2025, 1, 24), 3).Date.ShouldBe(D(2025, 2, 5));

    [Fact]
    public void APeriodEndingOnADayOffEndsOnTheNextWorkingDay()
    {
        China.EndOfPeriod(D(2024, 10, 3)).Date.ShouldBe(D(2024, 10, 8));
        China.EndOfPeriod(D(2024, 10, 12)).Date.ShouldBe(D(2024, 10, 12)); // a worked Saturday
    }

    [Fact]
    public void AMakeUpWorkingDayOnAWeekdayIsRefusedNamingTheLine() =>
        Should.Throw<FormatException>(() => WorkingDayCalendar.Parse("[2030]\nstatus: confirmed\nwork 2030-01-02 x\n", "mine.txt"))
            .Message.ShouldBe("mine.txt line 3: 2030-01-02 is a Wednesday; a make-up working day (调休上班) is a Saturday or Sunday");

    [Theory]
    [InlineData("off 2030-01-01 x\n", "every entry belongs to a [YYYY] section")]
    [InlineData("[2030]\nstatus: maybe\n", "status is 'confirmed' or 'unconfirmed'")]
    [InlineData("[2030]\noff 2030-02-30 x\n", "'2030-02-30' is not a date")]
    [InlineData("[2030]\noff 2030-02-10 2030-02-01 x\n", "ends before it starts")]
    [InlineData("[2030]\n[2030]\n", "year 2030 appears twice")]
    [InlineData("[2030]\nholiday 2030-01-01\n", "expected")]
    public void MalformedCalendarsAreRefusedWithTheRule(string text, string rule) =>
        Should.Throw<FormatException>(() => WorkingDayCalendar.Parse(text, "mine.txt")).Message.ShouldContain(rule);
}
