using System.Globalization;
using NodaTime;
using NodaTime.Text;

namespace Ledger.Domain.Calendar;

/// <summary>How far the calendar can be trusted for one year's arrangement.</summary>
public enum YearCoverage
{
    /// <summary>Checked against the State Council's notice for that year.</summary>
    Confirmed,
    /// <summary>In the file but not checked against the notice.</summary>
    Unconfirmed,
    /// <summary>Not in the file: only weekends are known to be days off.</summary>
    NotCovered,
}

/// <summary>A date found by counting working days, and what the count relied on that is not confirmed.</summary>
public sealed record CalendarResult(LocalDate Date, IReadOnlyList<string> Warnings);

/// <summary>
/// Which days are working days (工作日): Monday to Friday except public holidays, plus the weekend days made working
/// days (调休上班). 《行政处罚法》 art. 85 makes the law's "two, three, five and seven days" working days, and SAMR's
/// procedure rules count the filing period in working days, so deadlines depend on this calendar.
/// </summary>
public sealed class WorkingDayCalendar
{
    private readonly Dictionary<LocalDate, string> daysOff;
    private readonly Dictionary<LocalDate, string> workingWeekendDays;
    private readonly Dictionary<int, YearSection> years;

    private WorkingDayCalendar(Dictionary<LocalDate, string> daysOff, Dictionary<LocalDate, string> workingWeekendDays, Dictionary<int, YearSection> years)
    {
        this.daysOff = daysOff;
        this.workingWeekendDays = workingWeekendDays;
        this.years = years;
    }

    /// <summary>One year's arrangement: its status and the notice it comes from.</summary>
    public sealed record YearSection(int Year, YearCoverage Status, string Notice, string Source);

    /// <summary>The years the calendar holds, with their notices.</summary>
    public IReadOnlyCollection<YearSection> Years => years.Values;

    /// <summary>China's calendar for 2016–2026, shipped with the ledger.</summary>
    public static WorkingDayCalendar China { get; } = LoadChina();

    private static WorkingDayCalendar LoadChina()
    {
        using var stream = typeof(WorkingDayCalendar).Assembly.GetManifestResourceStream("Ledger.Domain.Calendar.china-working-days.txt")
            ?? throw new InvalidOperationException("the China working-day calendar is missing from the assembly");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd(), "china-working-days.txt");
    }

    /// <summary>
    /// Reads a calendar in the format of the shipped file. Errors name the source, the line and the rule.
    /// </summary>
    public static WorkingDayCalendar Parse(string text, string sourceName)
    {
        var off = new Dictionary<LocalDate, string>();
        var work = new Dictionary<LocalDate, string>();
        var sections = new Dictionary<int, YearSection>();
        YearSection? current = null;
        var lineNumber = 0;
        foreach (var rawLine in text.Split('\n'))
        {
            lineNumber++;
            var line = rawLine.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            string Where() => $"{sourceName} line {lineNumber}";

            if (line.StartsWith('[') && line.EndsWith(']'))
            {
                if (!int.TryParse(line[1..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var year) || year is < 1949 or > 9999)
                    throw new FormatException($"{Where()}: a section header is a year in brackets, such as [2026]");
                if (sections.ContainsKey(year)) throw new FormatException($"{Where()}: year {year} appears twice");
                current = new YearSection(year, YearCoverage.Unconfirmed, "", "");
                sections[year] = current;
                continue;
            }
            if (current is null) throw new FormatException($"{Where()}: every entry belongs to a [YYYY] section");

            var colon = line.IndexOf(':');
            if (colon > 0 && line[..colon] is "status" or "notice" or "source")
            {
                var value = line[(colon + 1)..].Trim();
                current = line[..colon] switch
                {
                    "status" => current with
                    {
                        Status = value switch
                        {
                            "confirmed" => YearCoverage.Confirmed,
                            "unconfirmed" => YearCoverage.Unconfirmed,
                            _ => throw new FormatException($"{Where()}: status is 'confirmed' or 'unconfirmed', not '{value}'"),
                        },
                    },
                    "notice" => current with { Notice = value },
                    _ => current with { Source = value },
                };
                sections[current.Year] = current;
                continue;
            }

            var parts = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            LocalDate Date(string token) => LocalDatePattern.Iso.Parse(token) is { Success: true } parsed
                ? parsed.Value
                : throw new FormatException($"{Where()}: '{token}' is not a date (YYYY-MM-DD)");
            switch (parts[0])
            {
                case "off" when parts.Length >= 2:
                {
                    var from = Date(parts[1]);
                    var hasEnd = parts.Length >= 3 && LocalDatePattern.Iso.Parse(parts[2]).Success;
                    var to = hasEnd ? Date(parts[2]) : from;
                    if (to < from) throw new FormatException($"{Where()}: the range ends before it starts");
                    if (Period.Between(from, to, PeriodUnits.Days).Days > 14)
                        throw new FormatException($"{Where()}: no holiday lasts more than 14 days");
                    var name = string.Join(' ', parts.Skip(hasEnd ? 3 : 2));
                    for (var d = from; d <= to; d = d.PlusDays(1))
                    {
                        if (work.ContainsKey(d)) throw new FormatException($"{Where()}: {d:yyyy-MM-dd} is also listed as a working day");
                        off[d] = name;
                    }
                    break;
                }
                case "work" when parts.Length >= 2:
                {
                    var day = Date(parts[1]);
                    if (day.DayOfWeek is not (IsoDayOfWeek.Saturday or IsoDayOfWeek.Sunday))
                        throw new FormatException($"{Where()}: {day:yyyy-MM-dd} is a {day.DayOfWeek}; a make-up working day (调休上班) is a Saturday or Sunday");
                    if (off.ContainsKey(day)) throw new FormatException($"{Where()}: {day:yyyy-MM-dd} is also listed as a day off");
                    work[day] = string.Join(' ', parts.Skip(2));
                    break;
                }
                default:
                    throw new FormatException($"{Where()}: expected 'status:', 'notice:', 'source:', 'off DATE [DATE] name' or 'work DATE name'");
            }
        }
        return new WorkingDayCalendar(off, work, sections);
    }

    /// <summary>True when <paramref name="date"/> is a working day.</summary>
    public bool IsWorkingDay(LocalDate date) =>
        workingWeekendDays.ContainsKey(date)
        || (!daysOff.ContainsKey(date) && date.DayOfWeek is not (IsoDayOfWeek.Saturday or IsoDayOfWeek.Sunday));

    /// <summary>
    /// How far the answer for <paramref name="date"/> can be trusted. A date in the last week of December also
    /// depends on the next year's notice, whose New Year holiday may begin in December.
    /// </summary>
    public YearCoverage CoverageOf(LocalDate date)
    {
        var coverage = CoverageOfYear(date.Year);
        if (date.Month == 12 && date.Day >= 25)
        {
            var next = CoverageOfYear(date.Year + 1);
            if (next > coverage) coverage = next;
        }
        return coverage;
    }

    private YearCoverage CoverageOfYear(int year) => years.TryGetValue(year, out var section) ? section.Status : YearCoverage.NotCovered;

    /// <summary>
    /// The day <paramref name="workingDays"/> working days after <paramref name="start"/>: the start day itself does not
    /// count (期间开始之日不计算在内). Warns for every year counted through that is not confirmed.
    /// </summary>
    public CalendarResult AddWorkingDays(LocalDate start, int workingDays)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(workingDays);
        var warnings = new SortedSet<string>(StringComparer.Ordinal);
        var date = start;
        var counted = 0;
        while (counted < workingDays)
        {
            date = date.PlusDays(1);
            Note(date, warnings);
            if (IsWorkingDay(date)) counted++;
        }
        return new CalendarResult(date, warnings.ToList());
    }

    /// <summary>
    /// The end of a period counted in calendar days: when it falls on a day off it moves to the next working day
    /// (期间届满的最后一日是节假日的，以节假日后的第一日为期间届满的日期 — 民法典 art. 203 and the procedure laws).
    /// </summary>
    public CalendarResult EndOfPeriod(LocalDate lastDay)
    {
        var warnings = new SortedSet<string>(StringComparer.Ordinal);
        var date = lastDay;
        Note(date, warnings);
        while (!IsWorkingDay(date))
        {
            date = date.PlusDays(1);
            Note(date, warnings);
        }
        return new CalendarResult(date, warnings.ToList());
    }

    private void Note(LocalDate date, SortedSet<string> warnings)
    {
        NoteYear(date.Year, warnings);
        if (date.Month == 12 && date.Day >= 25) NoteYear(date.Year + 1, warnings);
    }

    private void NoteYear(int year, SortedSet<string> warnings)
    {
        switch (CoverageOfYear(year))
        {
            case YearCoverage.Unconfirmed:
                warnings.Add($"the holiday arrangement for {year} is marked unconfirmed in the calendar; check the State Council's notice for {year}");
                break;
            case YearCoverage.NotCovered:
                warnings.Add($"the calendar has no holiday arrangement for {year}; only weekends were treated as days off");
                break;
        }
    }
}
