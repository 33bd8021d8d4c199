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
        : !ProvinceNames.ContainsKey(value[..2] + "0000") ? $"'{value}' does not start with a GB/T 2260 province code (11–15, 21–23, 31–37, 41–46, 50–54, 61–65, 71, 81, 82)"
        : null;

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
        // 太原市's districts and counties (seed 000's cases are kept there).
        ["140105"] = "小店区", ["140106"] = "迎泽区", ["140107"] = "杏花岭区", ["140108"] = "尖草坪区", ["140109"] = "万柏林区",
        ["140110"] = "晋源区", ["140121"] = "清徐县", ["140122"] = "阳曲县", ["140123"] = "娄烦县", ["140181"] = "古交市",
        // 内蒙古自治区: the cities and leagues, and the districts, banners and county-level cities of seed 003's cases.
        ["150100"] = "呼和浩特市", ["150102"] = "新城区", ["150103"] = "回民区", ["150104"] = "玉泉区", ["150105"] = "赛罕区", ["150121"] = "土默特左旗",
        ["150200"] = "包头市", ["150202"] = "东河区", ["150203"] = "昆都仑区", ["150204"] = "青山区", ["150205"] = "石拐区",
        ["150300"] = "乌海市", ["150302"] = "海勃湾区", ["150400"] = "赤峰市", ["150402"] = "红山区", ["150403"] = "元宝山区", ["150404"] = "松山区",
        ["150500"] = "通辽市", ["150502"] = "科尔沁区", ["150600"] = "鄂尔多斯市", ["150602"] = "东胜区", ["150603"] = "康巴什区",
        ["150700"] = "呼伦贝尔市", ["150702"] = "海拉尔区", ["150781"] = "满洲里市", ["150800"] = "巴彦淖尔市", ["150802"] = "临河区",
        ["150900"] = "乌兰察布市", ["150902"] = "集宁区", ["152200"] = "兴安盟", ["152201"] = "乌兰浩特市",
        ["152500"] = "锡林郭勒盟", ["152501"] = "二连浩特市", ["152502"] = "锡林浩特市", ["152900"] = "阿拉善盟", ["152921"] = "阿拉善左旗",
    };

    /// <summary>
    /// The market-supervision bureau of this division as documents name it: "稷山县市场监督管理局", a city district with
    /// its city ("包头市昆都仑区市场监督管理局"); a division whose name we do not know by its code.
    /// </summary>
    public string BureauName => Name switch
    {
        null => $"{Value}（行政区划代码）市场监督管理局",
        var name when Level == RegionLevel.County && name.EndsWith('区') && City.Name is { } city => $"{city}{name}市场监督管理局",
        var name => $"{name}市场监督管理局",
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
