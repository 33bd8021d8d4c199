using System.Globalization;
using Ledger.Application.Import;
using Ledger.Application.Totals;
using Ledger.Domain;
using NodaTime;
using NodaTime.Text;

namespace Ledger.Simulation.Reference;

/// <summary>
/// A change to a counted case recorded after a figure was published (a fine varied on reconsideration, a decision
/// revoked in court): the as-of figure stays as published, the current one moves by exactly this.
/// </summary>
public sealed record ReferenceCorrection(
    string CaseId, string What, Instant RecordedAt, RegionCode Region, CaseKind Kind, IReadOnlyList<string> Flags, IReadOnlyList<string> Campaigns,
    LocalDate ClosedOn, Money FinesBefore, Money FinesAfter, Money ConfiscationsBefore, Money ConfiscationsAfter)
{
    /// <summary>True when the corrected case is counted in <paramref name="figure"/>.</summary>
    public bool Affects(PublishedFigure figure) =>
        Region.IsWithin(RegionCode.Parse(figure.Region))
        && ClosedOn >= figure.From && ClosedOn <= figure.To
        && (figure.Kind is null || CaseKinds.ParseList(figure.Kind).Contains(Kind))
        && (figure.Campaign is null || Campaigns.Contains(figure.Campaign))
        && (figure.Flag is null || Flags.Contains(figure.Flag));
}

/// <summary>
/// The reference dataset: complete case histories from which the ledger reproduces every figure of
/// shared/reference-figures.md — Inner Mongolia 2016–2020 (published 2021-02-01), Taiyuan 2019–2021 (published
/// 2022-04-21) and the Yuncheng cases of 2024–2025 in full — generated deterministically from a seed and loaded
/// through the importer, i.e. through command handling. The published totals fix the sums; the generator spreads
/// them over cases (amounts, dates through the year, bureaus at province, city and county level, flags, campaigns,
/// outcomes) and writes each case as the actions a bureau records, every one decided by the domain.
/// </summary>
public sealed partial class ReferenceDataset
{
    /// <summary>The source name imported events carry.</summary>
    public const string SourceName = "reference-dataset";
    /// <summary>The seed of the published dataset; another seed gives another dataset with the same figures.</summary>
    public const int DefaultSeed = 20210201;

    /// <summary>Every action of every case, in the order a loader records them.</summary>
    public IReadOnlyList<ImportAction> Actions { get; }
    /// <summary>The figures of reference-figures.md.</summary>
    public IReadOnlyList<PublishedFigure> Figures { get; }
    /// <summary>The corrections recorded after publication.</summary>
    public IReadOnlyList<ReferenceCorrection> Corrections { get; }
    /// <summary>The Yuncheng cases recorded in full, by id, with what each is.</summary>
    public IReadOnlyList<(string CaseId, string What)> NamedCases { get; }
    /// <summary>Inner Mongolia's typical-case lists of 2018, 2019 and 2020, drafted, approved and published by the loader.</summary>
    public IReadOnlyList<ReferenceTypicalList> TypicalLists { get; }

    private ReferenceDataset(IReadOnlyList<ImportAction> actions, IReadOnlyList<PublishedFigure> figures,
        IReadOnlyList<ReferenceCorrection> corrections, IReadOnlyList<(string, string)> namedCases, IReadOnlyList<ReferenceTypicalList> typicalLists)
    {
        Actions = actions;
        Figures = figures;
        Corrections = corrections;
        NamedCases = namedCases;
        TypicalLists = typicalLists;
    }

    /// <summary>
    /// The part one province's ledger records (provinces feeding the nation, docs/replication.md): its cases (a case id
    /// begins with its bureau's region code), the figures and corrections of its regions, its typical-case lists.
    /// </summary>
    public ReferenceDataset Of(RegionCode province)
    {
        bool Within(string caseId) => RegionCode.Parse(caseId[..6]).IsWithin(province);
        return new ReferenceDataset(
            [.. Actions.Where(a => Within(a.CaseId))],
            [.. Figures.Where(f => RegionCode.Parse(f.Region).IsWithin(province))],
            [.. Corrections.Where(c => c.Region.IsWithin(province))],
            [.. NamedCases.Where(c => Within(c.CaseId))],
            [.. TypicalLists.Where(l => l.Region.IsWithin(province))]);
    }

    /// <summary>Generates the dataset; the same seed always gives the same actions, ids and instants.</summary>
    public static ReferenceDataset Generate(int seed = DefaultSeed)
    {
        var generator = new Generator(new Random(seed));
        generator.InnerMongolia();
        generator.Taiyuan();
        generator.Yuncheng();
        return new ReferenceDataset(generator.Actions, PublishedFigures.All, generator.Corrections, generator.NamedCases, generator.TypicalLists);
    }
}
