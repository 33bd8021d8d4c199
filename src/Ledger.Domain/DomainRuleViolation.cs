namespace Ledger.Domain;

/// <summary>
/// A command was refused because it breaks a rule of law or of procedure. Nothing is recorded.
/// <see cref="Field"/> names the input at fault and <see cref="Rule"/> the rule, citing the law where there is one.
/// </summary>
public sealed class DomainRuleViolation(string field, string rule) : Exception($"{field}: {rule}")
{
    /// <summary>The command field (or state element) that breaks the rule, in the command's JSON spelling.</summary>
    public string Field { get; } = field;

    /// <summary>The rule broken, citing the article of law or of SAMR's procedure rules where one applies.</summary>
    public string Rule { get; } = rule;
}
