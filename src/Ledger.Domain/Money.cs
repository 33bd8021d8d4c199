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
        var fen = yuan * 100m;
        if (fen != decimal.Truncate(fen))
            throw new DomainRuleViolation(field, $"an amount is kept exactly in fen; {yuan.ToString(CultureInfo.InvariantCulture)} has more than two decimals");
        if (fen < 0)
            throw new DomainRuleViolation(field, $"an amount may not be negative (got {yuan.ToString(CultureInfo.InvariantCulture)})");
        if (fen > long.MaxValue)
            throw new DomainRuleViolation(field, "the amount is too large");
        return new Money((long)fen);
    }

    /// <summary>Parses yuan written as digits with at most two decimals ("1159300", "281300.00").</summary>
    public static Money ParseYuan(string text, string field = "amount")
    {
        if (!decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var yuan))
            throw new DomainRuleViolation(field, $"'{text}' is not an amount in yuan (digits with at most two decimals)");
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
