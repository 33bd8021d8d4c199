namespace Ledger.Domain;

/// <summary>
/// An administrative division code of GB/T 2260: six digits, the first two the province, the first four the
/// prefecture city ("140824" 稷山县 in "140800" 运城市 in "140000" 山西省). Totals roll up by these prefixes. Only codes of
/// the shipped table (Regions/divisions.tsv, and Regions/replaced-divisions.tsv for codes since replaced) are codes.
/// </summary>
public sealed record RegionCode
{
    private RegionCode(string value) => Value = value;

    /// <summary>The six digits.</summary>
    public string Value { get; }

    /// <summary>Validates a code, naming <paramref name="field"/> when it is not six digits or no division of the
    /// shipped table (current or replaced) has it.</summary>
    public static RegionCode Parse(string? value, string field = "region") =>
        ProblemOf(value) is { } rule ? throw new DomainRuleViolation(field, rule) : new RegionCode(value!);

    /// <summary>The code <paramref name="value"/> stands for, when it is one.</summary>
    public static bool TryParse(string? value, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out RegionCode? code)
    {
        code = ProblemOf(value) is null ? new RegionCode(value!) : null;
        return code is not null;
    }

    private static string? ProblemOf(string? value) =>
        value is null || value.Length != 6 || !value.All(char.IsAsciiDigit) ? $"a region is a six-digit GB/T 2260 code such as 140824 (got '{value}')"
        : !Divisions.Table.ContainsKey(value) ? $"'{value}' is no administrative division of GB/T 2260 (neither a current code nor one since replaced)"
        : null;

    /// <summary>The 34 province-level divisions of GB/T 2260.</summary>
    public static IReadOnlyDictionary<string, string> ProvinceNames { get; } =
        Divisions.Table.Where(d => d.Key.EndsWith("0000", StringComparison.Ordinal)).ToDictionary(d => d.Key, d => d.Value.Name);

    /// <summary>Every division the current table lists (not the codes since replaced), in code order.</summary>
    public static IEnumerable<RegionCode> Current =>
        Divisions.Table.Where(d => d.Value.ReplacedBy is null).Select(d => new RegionCode(d.Key)).OrderBy(r => r.Value, StringComparer.Ordinal);

    /// <summary>
    /// The market-supervision bureau of this division as documents name it: "稷山县市场监督管理局", a city district with
    /// its city ("包头市昆都仑区市场监督管理局", "北京市东城区市场监督管理局").
    /// </summary>
    public string BureauName => Level == RegionLevel.County && Name.EndsWith('区') && City.Name != Name
        ? $"{City.Name}{Name}市场监督管理局"
        : $"{Name}市场监督管理局";

    /// <summary>The division's name ("稷山县"). A municipality's own districts are listed in the table under a city-level
    /// code named 市辖区 (or 县): that code is named after the municipality ("北京市").</summary>
    public string Name
    {
        get
        {
            var name = Divisions.Table[Value].Name;
            return Level == RegionLevel.City && name is "市辖区" or "县" ? Divisions.Table[Value[..2] + "0000"].Name : name;
        }
    }

    /// <summary>The code that replaced this one (a county made a district), or null for a current code.</summary>
    public RegionCode? ReplacedBy => Divisions.Table[Value].ReplacedBy is { } code ? new RegionCode(code) : null;

    /// <summary>Why this code cannot name a case whose lead is on <paramref name="date"/>: it was replaced before the year
    /// of that date. Null when it can.</summary>
    public string? NotInForceOn(NodaTime.LocalDate date) => Divisions.Table[Value] is { ReplacedBy: { } by, ReplacedIn: { } year } && date.Year > year
        ? $"{Value} {Name} was replaced by {by} {Divisions.Table[by].Name} in {year}; a case from {date:yyyy-MM-dd} is recorded under {by}"
        : null;

    /// <summary>The province level: "140000" is a province, "140800" a city, anything else a county.</summary>
    public RegionLevel Level => Value.EndsWith("0000", StringComparison.Ordinal) ? RegionLevel.Province
        : Value.EndsWith("00", StringComparison.Ordinal) ? RegionLevel.City
        : RegionLevel.County;

    /// <summary>The digits every code within this one starts with: "14" for a province, "1408" for a city, all six for a county.</summary>
    public string Prefix => Level switch { RegionLevel.Province => Value[..2], RegionLevel.City => Value[..4], _ => Value };

    /// <summary>The province this code belongs to ("140000").</summary>
    public RegionCode Province => new(Value[..2] + "0000");

    /// <summary>The prefecture city this code belongs to ("140800"), or the province itself for a province code and for a
    /// replaced county whose city-level code is gone too (北京市's 县, 110200).</summary>
    public RegionCode City => Level == RegionLevel.Province ? this
        : Divisions.Table.ContainsKey(Value[..4] + "00") ? new(Value[..4] + "00")
        : Province;

    /// <summary>True when this code is <paramref name="scope"/> or lies within it (county in city in province).</summary>
    public bool IsWithin(RegionCode scope) => scope.Level switch
    {
        RegionLevel.Province => Value[..2] == scope.Value[..2],
        RegionLevel.City => Value[..4] == scope.Value[..4],
        _ => Value == scope.Value,
    };

    /// <inheritdoc />
    public override string ToString() => Value;
}

/// <summary>The shipped division tables, read once from the assembly.</summary>
internal static class Divisions
{
    internal sealed record Division(string Name, string? ReplacedBy, int? ReplacedIn);

    public static IReadOnlyDictionary<string, Division> Table { get; } = Load();

    private static Dictionary<string, Division> Load()
    {
        var table = new Dictionary<string, Division>(StringComparer.Ordinal);
        foreach (var fields in Rows("divisions.tsv")) table.Add(fields[0], new Division(fields[1], null, null));
        foreach (var fields in Rows("replaced-divisions.tsv"))
        {
            if (!table.ContainsKey(fields[2]))
                throw new InvalidOperationException($"replaced-divisions.tsv: {fields[0]} is replaced by {fields[2]}, which divisions.tsv does not list");
            table.Add(fields[0], new Division(fields[1], fields[2], int.Parse(fields[3], System.Globalization.CultureInfo.InvariantCulture)));
        }
        return table;
    }

    private static IEnumerable<string[]> Rows(string file)
    {
        using var stream = typeof(Divisions).Assembly.GetManifestResourceStream("Ledger.Domain.Regions." + file)
            ?? throw new InvalidOperationException($"the division table {file} is missing from the assembly");
        using var reader = new StreamReader(stream);
        while (reader.ReadLine() is { } line)
            if (line.Length > 0 && line[0] != '#') yield return line.Split('\t');
    }
}

/// <summary>The three levels at which market-supervision bureaus keep cases.</summary>
public enum RegionLevel
{
    /// <summary>省、自治区、直辖市.</summary>
    Province,
    /// <summary>地级市 (prefecture city).</summary>
    City,
    /// <summary>县、县级市、区.</summary>
    County,
}
