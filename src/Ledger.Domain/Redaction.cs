using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Ledger.Domain;

/// <summary>How a natural person's name is published: 某某, or the surname followed by ** (余**).</summary>
public enum PersonNaming
{
    /// <summary>某某.</summary>
    Masked,
    /// <summary>The surname and ** (王**), as the credit-system publications write it.</summary>
    SurnameStars,
}

/// <summary>Personal data found in a text: where, what it is, and what may be published instead.</summary>
public sealed record PersonalDataFinding(int Start, int Length, string Text, string What, string Replacement)
{
    /// <summary>The 1-based character positions of the span, as a publisher counts them.</summary>
    public string Position => Length == 1 ? $"character {Start + 1}" : $"characters {Start + 1}–{Start + Length}";
}

/// <summary>
/// What may be shown of a party outside the bureau (《政府信息公开条例》 art. 15, 《个人信息保护法》 art. 28): a natural
/// person's name becomes 某某 (or surname + **), identity-card numbers keep only the first 12 characters
/// (130427199402******), phone numbers only the first 3 and last 4 digits, addresses are cut to the county; an
/// organisation keeps its name unless it is marked confidential.
/// </summary>
public static partial class Redaction
{
    /// <summary>How a natural person's name is published.</summary>
    public const string PersonName = "某某";

    /// <summary>How a confidential organisation's name is published.</summary>
    public const string ConfidentialOrganisation = "某单位";

    /// <summary>The party as it may be published: name only, redacted as the rules above say.</summary>
    public static string PublishedName(Party party, PersonNaming naming = PersonNaming.Masked) => party switch
    {
        { Kind: PartyKind.NaturalPerson } => PersonAsPublished(party.Name, naming),
        { Confidential: true } => ConfidentialOrganisation,
        // A sole trader's trade name holds its operator's name: 稷山县王建国鞋店 is published as 稷山县某某鞋店.
        { Operator: { Length: > 0 } person } => Redact(party.Name, [new Party(PartyKind.NaturalPerson, person)], naming),
        _ => party.Name,
    };

    private static string PersonAsPublished(string name, PersonNaming naming) =>
        naming == PersonNaming.SurnameStars && Surname(name) is { Length: > 0 } surname ? surname + "**" : PersonName;

    /// <summary>Where the party is, as published: the county (or city, or province) the case is kept in.</summary>
    public static string PublishedPlace(RegionCode region) => region.Name ?? region.Value;

    /// <summary>An identity number as published: the first 12 characters of 18 (birth date to the month), the rest as *.</summary>
    public static string MaskIdentityNumber(string number) =>
        number.Length >= 15 ? number[..(number.Length - 6)] + new string('*', 6) : new string('*', number.Length);

    /// <summary>A phone number as published: the first 3 and last 4 digits of a mobile number; only the area code of a landline.</summary>
    public static string MaskPhone(string phone)
    {
        if (phone.StartsWith('0') && phone.IndexOf('-') is > 0 and var dash) return phone[..(dash + 1)] + new string('*', phone.Length - dash - 1);
        // A mobile number written with +86 or separators is published as its 11 digits: 139****2345.
        var digits = new string([.. phone.Where(char.IsAsciiDigit)]);
        return digits.Length >= 11 ? digits[^11..^8] + "****" + digits[^4..] : new string('*', phone.Length);
    }

    /// <summary>
    /// An address cut to the county: "山西省运城市稷山县某街道某鞋铺" → "山西省运城市稷山县". An address in which no
    /// county, district or banner can be told gives the empty string — nothing of it is published.
    /// </summary>
    public static string CutToCounty(string address)
    {
        // Only a county named under its province or city is taken for one: "某小区" alone is not a county.
        var match = AddressToCounty().Match(address);
        return match.Success && (match.Groups["province"].Success || match.Groups["city"].Success) ? match.Value : "";
    }

    /// <summary>The surname of a Chinese name: a compound surname (欧阳) when the name starts with one, else the first character.</summary>
    public static string Surname(string name)
    {
        name = name.Trim();
        if (name.Length == 0) return "";
        foreach (var compound in CompoundSurnames)
            if (name.Length > compound.Length && name.StartsWith(compound, StringComparison.Ordinal)) return compound;
        return char.IsAsciiLetter(name[0]) ? "" : name[..1];
    }

    /// <summary>
    /// True when a name is already written as a pseudonym (王某某, 余**, 张×): such a name is how the documents
    /// themselves publish a person and is not personal data.
    /// </summary>
    public static bool IsPseudonym(string text) => text.Contains('某') || text.Contains('*') || text.Contains('×') || text.Contains('＊');

    /// <summary>
    /// The personal data in <paramref name="text"/>, in order: any resident identity number or phone number, and the
    /// names and addresses of the natural-person <paramref name="parties"/> (and the names of confidential
    /// organisations), each with what may be published instead. Overlapping findings keep the earliest, longest.
    /// </summary>
    public static IReadOnlyList<PersonalDataFinding> FindPersonalData(string text, IEnumerable<Party> parties, PersonNaming naming = PersonNaming.Masked)
    {
        // Matched on a normalised view — every decimal digit as ASCII, full-width letters and signs folded to ASCII,
        // invisible format characters (zero-width spaces, direction marks) dropped, every dash and dot as '-' — and
        // reported as the original spans:
        // "１３９‐１２３４\u200B５６７８" is the phone number it looks like.
        var view = NormalisedText.Of(text);
        var found = new List<PersonalDataFinding>();
        foreach (Match m in IdentityNumberPattern().Matches(view.Text))
            found.Add(view.Finding(m.Index, m.Length, "an identity-card number", MaskIdentityNumber(Digits(m.Value))));
        foreach (Match m in MobilePattern().Matches(view.Text))
            found.Add(view.Finding(m.Index, m.Length, "a phone number", MaskPhone(m.Value)));
        foreach (Match m in LandlinePattern().Matches(view.Text))
            found.Add(view.Finding(m.Index, m.Length, "a phone number", MaskPhone(m.Value)));
        foreach (Match m in StreetAddressPattern().Matches(view.Text))
            found.Add(view.Finding(m.Index, m.Length, "a house number (addresses are published to the county only)", ""));

        foreach (var party in parties.Distinct())
        {
            // The party's own numbers are also found digit for digit, whatever separates the digits.
            if (party.IdentityNumber is { Length: > 0 } id) AddDigits(found, view, id, "the party's identity number", MaskIdentityNumber(id));
            if (party.Phone is { Length: > 0 } phone) AddDigits(found, view, phone, "the party's phone number", MaskPhone(phone));
            if (party.Address is { Length: > 0 } address)
            {
                var county = CutToCounty(address);
                if (county.Length < address.Length)
                {
                    AddAll(found, view, address, "the party's address (published to the county only)", county);
                    var detail = address[county.Length..];
                    if (detail.Length >= 2) AddAll(found, view, detail, "the party's address below the county", "");
                }
            }
            // A person's name: the party's own, or a sole trader's operator's (found inside its trade name too).
            var person = party.Kind == PartyKind.NaturalPerson ? party.Name.Trim() : party.Operator?.Trim();
            if (person is { Length: >= 2 } && !IsPseudonym(person))
            {
                var published = PersonAsPublished(person, naming);
                AddAll(found, view, person, "the name of a natural person who is a party", published);
                var given = person[Surname(person).Length..];
                if (given.Length >= 2) AddAll(found, view, given, "the given name of a natural person who is a party", published);
            }
            if (party is { Kind: PartyKind.Organisation, Confidential: true } && party.Name.Trim().Length >= 2)
                AddAll(found, view, party.Name.Trim(), "the name of an organisation marked confidential", ConfidentialOrganisation);
        }

        var kept = new List<PersonalDataFinding>();
        foreach (var finding in found.OrderBy(f => f.Start).ThenByDescending(f => f.Length))
            if (kept.Count == 0 || finding.Start >= kept[^1].Start + kept[^1].Length) kept.Add(finding);
        return kept;
    }

    /// <summary>
    /// <paramref name="text"/> with every finding of <see cref="FindPersonalData"/> replaced by what may be published:
    /// how text taken from the case file (summaries, evidence, decisions) is made publishable by construction.
    /// </summary>
    public static string Redact(string text, IEnumerable<Party> parties, PersonNaming naming = PersonNaming.Masked)
    {
        var findings = FindPersonalData(text, parties, naming);
        if (findings.Count == 0) return text;
        var result = new StringBuilder(text.Length);
        var at = 0;
        foreach (var f in findings)
        {
            result.Append(text, at, f.Start - at).Append(f.Replacement);
            at = f.Start + f.Length;
        }
        return result.Append(text, at, text.Length - at).ToString();
    }

    private static void AddAll(List<PersonalDataFinding> found, NormalisedText view, string value, string what, string replacement)
    {
        var sought = NormalisedText.Of(value).Text;
        if (sought.Length == 0) return;
        for (var at = view.Text.IndexOf(sought, StringComparison.Ordinal); at >= 0; at = view.Text.IndexOf(sought, at + sought.Length, StringComparison.Ordinal))
            found.Add(view.Finding(at, sought.Length, what, replacement));
    }

    /// <summary>Every run of the view's digits (and letters X) that spells <paramref name="number"/>'s digits, whatever
    /// separates them: spaces, dashes, dots.</summary>
    private static void AddDigits(List<PersonalDataFinding> found, NormalisedText view, string number, string what, string replacement)
    {
        var sought = Digits(NormalisedText.Of(number).Text);
        if (sought.Length < 7) { AddAll(found, view, number, what, replacement); return; }
        var digits = new StringBuilder();
        var at = new List<int>();
        for (var i = 0; i < view.Text.Length; i++)
        {
            var c = view.Text[i];
            if (char.IsAsciiDigit(c) || c is 'X' or 'x') { digits.Append(char.ToUpperInvariant(c)); at.Add(i); }
            // Only separators join digits into one number; any other character ends the run.
            else if (c is not (' ' or '-')) { digits.Append('|'); at.Add(i); }
        }
        var all = digits.ToString();
        for (var k = all.IndexOf(sought, StringComparison.Ordinal); k >= 0; k = all.IndexOf(sought, k + 1, StringComparison.Ordinal))
            found.Add(view.Finding(at[k], at[k + sought.Length - 1] - at[k] + 1, what, replacement));
    }

    private static string Digits(string text) => new([.. text.Where(c => char.IsAsciiDigit(c) || c is 'X' or 'x').Select(char.ToUpperInvariant)]);

    /// <summary>A text as redaction compares it, each of its characters knowing the original span it came from.</summary>
    private sealed class NormalisedText
    {
        private readonly string _original;
        private readonly int[] _from, _to;

        private NormalisedText(string original, string text, int[] from, int[] to) => (_original, Text, _from, _to) = (original, text, from, to);

        public string Text { get; }

        public static NormalisedText Of(string original)
        {
            var text = new StringBuilder(original.Length);
            var from = new List<int>(original.Length);
            var to = new List<int>(original.Length);
            for (var i = 0; i < original.Length;)
            {
                var length = char.IsSurrogatePair(original, i) ? 2 : 1;
                var category = CharUnicodeInfo.GetUnicodeCategory(original, i);
                if (category != UnicodeCategory.Format)
                {
                    var c = category == UnicodeCategory.DecimalDigitNumber ? (char)('0' + CharUnicodeInfo.GetDecimalDigitValue(original, i)) : Fold(original[i]);
                    text.Append(IsSeparator(c) ? '-' : c);
                    from.Add(i);
                    to.Add(i + length);
                }
                i += length;
            }
            return new NormalisedText(original, text.ToString(), [.. from], [.. to]);
        }

        // Full-width forms (U+FF01–FF5E) and the ideographic space as their ASCII counterparts. Done by hand: the
        // ledger runs with invariant globalization, which has no Unicode normalisation (NFKC) data.
        private static char Fold(char c) => c switch
        {
            >= '\uFF01' and <= '\uFF5E' => (char)(c - 0xFEE0),
            '\u3000' => ' ',
            _ => c,
        };

        // Dashes of every width (U+2010–2015, minus, small and full-width hyphens) and dots, as writers separate digits.
        private static bool IsSeparator(char c) => c is '.' or '·' or '\u2212' or '\uFE63' or '-' || c is >= '\u2010' and <= '\u2015';

        /// <summary>The finding for the view's span [<paramref name="start"/>, +<paramref name="length"/>), reported as
        /// the original text it came from.</summary>
        public PersonalDataFinding Finding(int start, int length, string what, string replacement)
        {
            var begin = _from[start];
            var end = _to[start + length - 1];
            return new(begin, end - begin, _original[begin..end], what, replacement);
        }
    }

    private static readonly string[] CompoundSurnames =
    [
        "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒", "令狐", "夏侯", "轩辕",
        "端木", "独孤", "南宫", "西门", "呼延", "澹台", "百里", "东郭", "万俟", "闻人", "申屠", "太史", "钟离", "完颜", "拓跋",
    ];

    // GB 11643: 17 digits and a check character (18) or the old 15 digits; not part of a longer run of digits.
    [GeneratedRegex(@"(?<![0-9A-Za-z])(?:[1-9]\d{5}[- ]?(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])[- ]?\d{3}[\dXx]|[1-9]\d{7}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3})(?![0-9A-Za-z])")]
    private static partial Regex IdentityNumberPattern();

    [GeneratedRegex(@"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)")]
    private static partial Regex MobilePattern();

    [GeneratedRegex(@"(?<!\d)0\d{2,3}-\d{7,8}(?!\d)")]
    private static partial Regex LandlinePattern();

    // A house number on a road or street: the "8号3单元201室" of 新华大街8号3单元201室 (the street alone locates nobody).
    [GeneratedRegex(@"(?<=(?:路|街|道|巷|胡同|弄|村))\d+号(?:\d+(?:号楼|栋|单元|层|室|号))*")]
    private static partial Regex StreetAddressPattern();

    // Province (or municipality / autonomous region), city (or prefecture, league), then county, district, banner or
    // county-level city; each part without the markers of the others so that a shop's name is never taken for a county.
    [GeneratedRegex(@"^(?<province>[^省区县旗市]{1,8}?(?:省|自治区|市(?=[^市]{1,8}?(?:区|县))))?(?<city>[^省区县旗市]{1,8}?(?:市|自治州|州|盟|地区))?(?<county>[^省区县旗市盟]{1,8}?(?:县|区|旗|市))")]
    private static partial Regex AddressToCounty();
}
