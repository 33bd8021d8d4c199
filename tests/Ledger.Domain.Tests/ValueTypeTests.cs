using Ledger.Domain.Law;

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
    public void RegionCodesMustBeSixDigitsWithAProvince(string code) =>
        Should.Throw<DomainRuleViolation>(() => RegionCode.Parse(code)).Field.ShouldBe("region");

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
