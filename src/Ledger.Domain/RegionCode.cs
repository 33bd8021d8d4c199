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
        if (!ProvinceNames.ContainsKey(value[..2] + "0000"))
            throw new DomainRuleViolation(field, $"'{value}' does not start with a GB/T 2260 province code (11–15, 21–23, 31–37, 41–46, 50–54, 61–65, 71, 81, 82)");
        return new RegionCode(value);
    }

    /// <summary>The 34 province-level divisions of GB/T 2260.</summary>
    public static IReadOnlyDictionary<string, string> ProvinceNames { get; } = new Dictionary<string, string>
    {
        ["110000"] = "北京市", ["120000"] = "天津市", ["130000"] = "河北省", ["140000"] = "山西省", ["150000"] = "内蒙古自治区",
        ["210000"] = "辽宁省", ["220000"] = "吉林省", ["230000"] = "黑龙江省",
        ["310000"] = "上海市", ["320000"] = "江苏省", ["330000"] = "浙江省", ["340000"] = "安徽省", ["350000"] = "福建省",
        ["360000"] = "江西省", ["370000"] = "山东省",
        ["410000"] = "河南省", ["420000"] = "湖北省", ["430000"] = "湖南省", ["440000"] = "广东省", ["450000"] = "广西壮族自治区",
        ["460000"] = "海南省",
        ["500000"] = "重庆市", ["510000"] = "四川省", ["520000"] = "贵州省", ["530000"] = "云南省", ["540000"] = "西藏自治区",
        ["610000"] = "陕西省", ["620000"] = "甘肃省", ["630000"] = "青海省", ["640000"] = "宁夏回族自治区", ["650000"] = "新疆维吾尔自治区",
        ["710000"] = "台湾省", ["810000"] = "香港特别行政区", ["820000"] = "澳门特别行政区",
    };

    // The cities and counties the source documents name; others are shown by code.
    private static readonly Dictionary<string, string> LocalNames = new()
    {
        ["140100"] = "太原市", ["140300"] = "阳泉市", ["140400"] = "长治市", ["140700"] = "晋中市", ["140800"] = "运城市",
        ["140823"] = "闻喜县", ["140824"] = "稷山县", ["140826"] = "绛县", ["140900"] = "忻州市", ["141000"] = "临汾市",
        ["410700"] = "新乡市",
    };

    /// <summary>The division's name when we know it ("稷山县"), else null.</summary>
    public string? Name => ProvinceNames.TryGetValue(Value, out var province) ? province : LocalNames.GetValueOrDefault(Value);

    /// <summary>The province level: "140000" is a province, "140800" a city, anything else a county.</summary>
    public RegionLevel Level => Value.EndsWith("0000", StringComparison.Ordinal) ? RegionLevel.Province
        : Value.EndsWith("00", StringComparison.Ordinal) ? RegionLevel.City
        : RegionLevel.County;

    /// <summary>The digits every code within this one starts with: "14" for a province, "1408" for a city, all six for a county.</summary>
    public string Prefix => Level switch { RegionLevel.Province => Value[..2], RegionLevel.City => Value[..4], _ => Value };

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
