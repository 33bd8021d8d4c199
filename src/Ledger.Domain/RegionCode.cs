namespace Ledger.Domain;

/// <summary>
/// An administrative division code of GB/T 2260: six digits, the first two the province, the first four the
/// prefecture city ("140824" 稷山县 in "140800" 运城市 in "140000" 山西省). Totals roll up by these prefixes.
/// </summary>
public sealed record RegionCode
{
    private RegionCode(string value) => Value = value;

    /// <summary>The six digits.</summary>
    public string Value { get; }

    /// <summary>Validates a code, naming <paramref name="field"/> when it is not six digits with a real province prefix.</summary>
    public static RegionCode Parse(string? value, string field = "region")
    {
        if (value is null || value.Length != 6 || !value.All(char.IsAsciiDigit))
            throw new DomainRuleViolation(field, $"a region is a six-digit GB/T 2260 code such as 140824 (got '{value}')");
        // GB/T 2260 province codes run from 11 (北京) to 82 (澳门); 00 or 99 are never divisions.
        var province = int.Parse(value.AsSpan(0, 2));
        if (province is < 11 or > 82)
            throw new DomainRuleViolation(field, $"'{value}' does not start with a GB/T 2260 province code (11–82)");
        return new RegionCode(value);
    }

    /// <summary>The province level: "140000" is a province, "140800" a city, anything else a county.</summary>
    public RegionLevel Level => Value.EndsWith("0000", StringComparison.Ordinal) ? RegionLevel.Province
        : Value.EndsWith("00", StringComparison.Ordinal) ? RegionLevel.City
        : RegionLevel.County;

    /// <summary>The province this code belongs to ("140000").</summary>
    public RegionCode Province => new(Value[..2] + "0000");

    /// <summary>The prefecture city this code belongs to ("140800"), or the province itself for a province code.</summary>
    public RegionCode City => Level == RegionLevel.Province ? this : new(Value[..4] + "00");

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
