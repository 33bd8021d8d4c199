namespace Ledger.Domain;

/// <summary>
/// What may be shown of a party outside the bureau (《政府信息公开条例》 art. 15, 《个人信息保护法》 art. 28): a natural
/// person's name becomes 某某 and their identity number, phone and address are not shown; an organisation keeps its
/// name unless it is marked confidential. Where a party is, is said only down to the county.
/// </summary>
public static class Redaction
{
    /// <summary>How a natural person's name is published.</summary>
    public const string PersonName = "某某";

    /// <summary>How a confidential organisation's name is published.</summary>
    public const string ConfidentialOrganisation = "某单位";

    /// <summary>The party as it may be published: name only, redacted as the rules above say.</summary>
    public static string PublishedName(Party party) => party switch
    {
        { Kind: PartyKind.NaturalPerson } => PersonName,
        { Confidential: true } => ConfidentialOrganisation,
        _ => party.Name,
    };

    /// <summary>Where the party is, as published: the county (or city, or province) the case is kept in.</summary>
    public static string PublishedPlace(RegionCode region) => region.Name ?? region.Value;
}
