using Ledger.Domain.Law;
using NodaTime;

namespace Ledger.Domain.Tests;

public sealed class ValueTypeTests
{
    [Theory]
    [InlineData("1159300", 115_930_000)]
    [InlineData("281300.00", 28_130_000)]
    [InlineData("0.01", 1)]
    [InlineData("0.5", 50)]
    [InlineData("1000000000000.00", 100_000_000_000_000)]
    public void YuanAreKeptExactlyInFen(string yuan, long fen) => Money.ParseYuan(yuan).Fen.ShouldBe(fen);

    [Theory]
    [InlineData("-5", "may not be negative")]
    [InlineData("1.005", "more than two decimals")]
    [InlineData("1e3", "is not an amount")]
    [InlineData("", "is not an amount")]
    // Issue 24: each of these was accepted, silently rounded, or overflowed into a 500.
    [InlineData("5000.0000000000000000000000000001", "more than two decimals")]
    [InlineData("1000000000000000000000000000", "is not an amount")]
    [InlineData("92233720368547758.07", "is not an amount")]
    [InlineData("1000000000000.01", "at most 1000000000000.00 yuan")]
    [InlineData("+5000", "is not an amount")]
    [InlineData(".5", "is not an amount")]
    [InlineData("5.", "is not an amount")]
    [InlineData(" 5000", "is not an amount")]
    [InlineData("5000 ", "is not an amount")]
    [InlineData("5,000", "is not an amount")]
    [InlineData("５０００", "is not an amount")]
    public void BadAmountsAreRefusedNamingTheField(string yuan, string rule)
    {
        var refusal = Should.Throw<DomainRuleViolation>(() => Money.ParseYuan(yuan, "fine"));
        refusal.Field.ShouldBe("fine");
        refusal.Rule.ShouldContain(rule);
    }

    [Fact]
    public void MoneyFormatsAsYuanWithTwoDecimals() => Money.FromFen(28_130_000).ToString().ShouldBe("281300.00");

    [Theory]
    [InlineData("14082")]
    [InlineData("1408245")]
    [InlineData("14o824")]
    [InlineData("000000")]
    [InlineData("990000")]
    [InlineData("150999")]
    [InlineData("140899")]
    [InlineData("110200")]
    public void RegionCodesAreDivisionsOfTheShippedTable(string code) =>
        Should.Throw<DomainRuleViolation>(() => RegionCode.Parse(code)).Field.ShouldBe("region");

    [Fact]
    public void AnUnknownCodeIsRefusedSayingItIsNoDivision() =>
        Should.Throw<DomainRuleViolation>(() => RegionCode.Parse("150999", "target_region")).ShouldSatisfyAllConditions(
            e => e.Field.ShouldBe("target_region"),
            e => e.Rule.ShouldContain("'150999' is no administrative division of GB/T 2260"));

    [Theory]
    [InlineData("140824", "稷山县", "稷山县市场监督管理局")]
    [InlineData("150203", "昆都仑区", "包头市昆都仑区市场监督管理局")]
    [InlineData("110101", "东城区", "北京市东城区市场监督管理局")]
    [InlineData("110100", "北京市", "北京市市场监督管理局")]
    [InlineData("652301", "昌吉市", "昌吉市市场监督管理局")]
    [InlineData("441900", "东莞市", "东莞市市场监督管理局")]
    [InlineData("540000", "西藏自治区", "西藏自治区市场监督管理局")]
    public void EveryDivisionOfTheTableHasItsNameAndBureau(string code, string name, string bureau)
    {
        var region = RegionCode.Parse(code);
        region.Name.ShouldBe(name);
        region.BureauName.ShouldBe(bureau);
    }

    [Fact]
    public void TheTableHoldsTheProvincesCitiesAndCountiesOfTheCountry()
    {
        RegionCode.ProvinceNames.Count.ShouldBe(34);
        RegionCode.Parse("441900").Level.ShouldBe(RegionLevel.City);
        // A county made a district keeps its old code for the cases recorded under it.
        var miyunCounty = RegionCode.Parse("110228");
        miyunCounty.Name.ShouldBe("密云县");
        miyunCounty.ReplacedBy!.Value.ShouldBe("110118");
        miyunCounty.City.ShouldBe(RegionCode.Parse("110000"));
        miyunCounty.NotInForceOn(new LocalDate(2015, 12, 31)).ShouldBeNull();
        miyunCounty.NotInForceOn(new LocalDate(2016, 1, 4))!.ShouldContain("replaced by 110118 密云区 in 2015");
        RegionCode.Parse("110118").NotInForceOn(new LocalDate(2026, 1, 1)).ShouldBeNull();
    }

    [Fact]
    public void RegionCodesRollUpCountyToCityToProvince()
    {
        var jishan = RegionCode.Parse("140824");
        jishan.Level.ShouldBe(RegionLevel.County);
        jishan.City.Value.ShouldBe("140800");
        jishan.Province.Value.ShouldBe("140000");
        jishan.IsWithin(RegionCode.Parse("140800")).ShouldBeTrue();
        jishan.IsWithin(RegionCode.Parse("140000")).ShouldBeTrue();
        jishan.IsWithin(RegionCode.Parse("141000")).ShouldBeFalse();
        RegionCode.Parse("150000").Level.ShouldBe(RegionLevel.Province);
    }

    [Theory]
    [InlineData("140824198001011230", true)]
    [InlineData("130427199402150012", true)]
    [InlineData("140824198001011231", false)]
    [InlineData("14082419800101123", false)]
    public void ResidentIdentityNumbersCarryACheckCharacter(string number, bool valid) =>
        ResidentIdentityNumber.IsValid(number).ShouldBe(valid);

    [Fact]
    public void FineRulesOfOneFamilyNeverOverlapInTime()
    {
        foreach (var family in FineRuleBook.China.Rules.GroupBy(r => r.Family))
        {
            var versions = family.OrderBy(r => r.InForceFrom).ToList();
            for (var i = 1; i < versions.Count; i++)
                versions[i - 1].InForceUntil.ShouldBe(versions[i].InForceFrom, $"{family.Key}: each version ends the day its successor starts");
        }
    }

    [Theory]
    [InlineData(2013, 6, 1, 30_000, 90_000)]      // 商标法实施条例(2002)第五十二条: 3 × turnover
    [InlineData(2014, 6, 1, 30_000, 250_000)]     // 商标法第六十条第二款: < 50,000 → 250,000
    [InlineData(2014, 6, 1, 50_000, 250_000)]     // 50,000 or more → 5 ×
    [InlineData(2014, 6, 1, 80_000, 400_000)]
    public void TrademarkCapsFollowTheLawInForce(int year, int month, int day, decimal turnover, decimal cap)
    {
        var on = new LocalDate(year, month, day);
        FineRuleBook.China.Resolve("trademark-infringement", on, on, Money.FromYuan(turnover), null)!.Cap.ShouldBe(Money.FromYuan(cap));
    }

    [Fact]
    public void AViolationBeforeMay2014DecidedAfterKeepsTheOldLighterCap()
    {
        var resolved = FineRuleBook.China.Resolve("trademark-infringement", new LocalDate(2014, 3, 1), new LocalDate(2014, 8, 1), Money.FromYuan(30_000), null)!;
        resolved.Cap.ShouldBe(Money.FromYuan(90_000));
        resolved.Rule.Citation.ShouldBe("商标法实施条例(2002)第五十二条");
        resolved.Explanation.ShouldContain("第三十七条");
    }
}
