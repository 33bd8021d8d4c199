using System.Globalization;

namespace Ledger.Domain;

/// <summary>
/// A non-negative amount of renminbi kept exactly in fen (分). Fines, confiscations, turnover (违法经营额),
/// goods value (货值) and illegal gains (违法所得) are all <see cref="Money"/>; floating point never touches them.
/// </summary>
public readonly record struct Money : IComparable<Money>
{
    private Money(long fen) => Fen = fen;

    /// <summary>The amount in fen (1 yuan = 100 fen).</summary>
    public long Fen { get; }

    /// <summary>No money.</summary>
    public static Money Zero => default;

    /// <summary>An amount in fen; refuses negative amounts, naming <paramref name="field"/>.</summary>
    public static Money FromFen(long fen, string field = "amount") =>
        fen >= 0 ? new Money(fen) : throw new DomainRuleViolation(field, $"an amount may not be negative (got {fen} fen)");

    /// <summary>
    /// An amount in yuan. Refuses negative amounts and amounts finer than one fen rather than rounding them:
    /// a recorded figure must be the figure on the decision.
    /// </summary>
    public static Money FromYuan(decimal yuan, string field = "amount")
    {
        // Checked before scaling to fen, which would overflow decimal for the largest values.
        if (yuan > long.MaxValue / 100m)
            throw new DomainRuleViolation(field, $"the amount is too large (got {yuan.ToString(CultureInfo.InvariantCulture)})");
        var fen = yuan * 100m;
        if (fen != decimal.Truncate(fen))
            throw new DomainRuleViolation(field, $"an amount is kept exactly in fen; {yuan.ToString(CultureInfo.InvariantCulture)} has more than two decimals");
        if (fen < 0)
            throw new DomainRuleViolation(field, $"an amount may not be negative (got {yuan.ToString(CultureInfo.InvariantCulture)})");
        return new Money((long)fen);
    }

    /// <summary>
    /// The largest amount the ledger takes as input: 一万亿元 (10^12 yuan). Far above any fine or case value, and low
    /// enough that a case's amounts and any region's totals of them stay exact in fen (a long) and in the database's
    /// numeric(18, 2). Totals read back from the database are sums and may be larger.
    /// </summary>
    public static Money Max { get; } = new(100_000_000_000_000L);

    /// <summary>
    /// Parses yuan written as digits with at most two decimals ("1159300", "281300.00", "0.5"), nothing else: no sign,
    /// no bare point (".5", "5."), no exponent, no white space, nothing finer than a fen (never rounded), at most
    /// <see cref="Max"/>.
    /// </summary>
    public static Money ParseYuan(string text, string field = "amount")
    {
        if (text.StartsWith('-')) throw new DomainRuleViolation(field, $"an amount may not be negative (got '{text}')");
        var point = text.IndexOf('.');
        var whole = point < 0 ? text : text[..point];
        var fraction = point < 0 ? "" : text[(point + 1)..];
        if (whole.Length is 0 or > 13 || !whole.All(char.IsAsciiDigit) || (point >= 0 && fraction.Length == 0) || !fraction.All(char.IsAsciiDigit))
            throw new DomainRuleViolation(field, $"'{text}' is not an amount in yuan (digits, and at most two decimals after a point, such as \"5000.00\")");
        if (fraction.Length > 2)
            throw new DomainRuleViolation(field, $"an amount is kept exactly in fen; '{text}' has more than two decimals");
        var yuan = decimal.Parse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
        if (yuan > Max.Yuan)
            throw new DomainRuleViolation(field, $"an amount is at most {Max} yuan (一万亿元; got '{text}')");
        return FromYuan(yuan, field);
    }

    /// <summary>The amount in yuan, exactly.</summary>
    public decimal Yuan => Fen / 100m;

    /// <summary>Yuan with two decimals, invariant culture: "281300.00". This is also the JSON form.</summary>
    public override string ToString() => Yuan.ToString("0.00", CultureInfo.InvariantCulture);

    /// <summary>The sum; overflow throws (the build checks arithmetic).</summary>
    public static Money operator +(Money a, Money b) => new(a.Fen + b.Fen);

    /// <summary>The difference, floored at zero: what remains owed never goes negative.</summary>
    public static Money SaturatingSubtract(Money a, Money b) => new(Math.Max(0, a.Fen - b.Fen));

    /// <summary>A whole multiple, as in "five times the turnover".</summary>
    public static Money operator *(Money a, int times) => times >= 0 ? new(a.Fen * times) : throw new ArgumentOutOfRangeException(nameof(times));

    /// <summary>A fraction or multiple such as "百分之三十" (0.3), rounded down to the fen: a cap is never exceeded by rounding.</summary>
    public Money Times(decimal factor) => factor >= 0
        ? new((long)decimal.Floor(Fen * factor))
        : throw new ArgumentOutOfRangeException(nameof(factor));

    public static bool operator <(Money a, Money b) => a.Fen < b.Fen;
    public static bool operator >(Money a, Money b) => a.Fen > b.Fen;
    public static bool operator <=(Money a, Money b) => a.Fen <= b.Fen;
    public static bool operator >=(Money a, Money b) => a.Fen >= b.Fen;

    /// <inheritdoc />
    public int CompareTo(Money other) => Fen.CompareTo(other.Fen);

    /// <summary>The smaller of two amounts.</summary>
    public static Money Min(Money a, Money b) => a <= b ? a : b;

    /// <summary>The sum of a sequence of amounts.</summary>
    public static Money Sum(IEnumerable<Money> amounts) => amounts.Aggregate(Zero, (total, next) => total + next);
}
