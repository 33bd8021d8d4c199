namespace Ledger.Domain;

/// <summary>The resident identity number of GB 11643: 17 digits and an ISO 7064 MOD 11-2 check character.</summary>
public static class ResidentIdentityNumber
{
    private static readonly int[] Weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    private const string CheckCharacters = "10X98765432";

    /// <summary>True when <paramref name="number"/> is well formed and its check character matches.</summary>
    public static bool IsValid(string number)
    {
        if (number.Length != 18 || !number[..17].All(char.IsAsciiDigit)) return false;
        var sum = 0;
        for (var i = 0; i < 17; i++) sum += (number[i] - '0') * Weights[i];
        return char.ToUpperInvariant(number[17]) == CheckCharacters[sum % 11];
    }
}
