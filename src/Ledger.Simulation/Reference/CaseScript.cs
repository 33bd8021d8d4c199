using Ledger.Application;
using Ledger.Application.Import;
using Ledger.Domain;
using NodaTime;

namespace Ledger.Simulation.Reference;

/// <summary>
/// Writes one case of the reference dataset as the actions a bureau would record: each command is decided by the
/// domain on the spot (a script that breaks a rule of law fails here, at generation, not at load) and becomes an
/// <see cref="ImportAction"/> with the instant the bureau recorded it — on the day, between 08:30 and 18:00, or a few
/// days late — and an idempotency key of its own, so loading twice writes nothing new.
/// </summary>
internal sealed class CaseScript(string caseId, RegionCode region, Random random, Func<int> nextLine)
{
    private static readonly DateTimeZone Zone = DecisionContext.Zone;
    private readonly List<ImportAction> actions = [];
    private Instant lastRecorded = Instant.MinValue;

    public string CaseId { get; } = caseId;
    public RegionCode Region { get; } = region;
    public CaseState State { get; private set; } = CaseState.Initial;
    public IReadOnlyList<ImportAction> Actions => actions;
    /// <summary>When set, every action must be on record before this instant (a publication that counts the case).</summary>
    public Instant? RecordBy { get; set; }

    /// <summary>The bureau's officers: certificate numbers derive from the region, as 执法证号 do.</summary>
    public string Head => Region.Value + "00001";
    public string Reviewer => Region.Value + "00101";
    public string HearingOfficer => Region.Value + "00201";
    public Officer[] Handlers => [new(Region.Value + "01001", "执法人员甲"), new(Region.Value + "01002", "执法人员乙")];

    /// <summary>Records <paramref name="command"/> (by <paramref name="actor"/>, the handling officer by default), at a plausible instant or at <paramref name="at"/>.</summary>
    public void Record(CaseCommand command, Instant? at = null, string? actor = null)
    {
        var recorded = at ?? PlausibleInstant(command.On);
        if (recorded <= lastRecorded) recorded = lastRecorded + Duration.FromSeconds(random.Next(60, 900));
        if (RecordBy is { } by && recorded >= by)
            throw new InvalidOperationException($"reference case {CaseId}: {command.Name} of {command.On} would be recorded at {recorded}, after the publication it must precede ({by})");
        var events = CaseModel.Decide(command, State, DecisionContext.At(recorded));
        State = events.Aggregate(State, CaseModel.Evolve);
        lastRecorded = recorded;
        actions.Add(new ImportAction("reference", nextLine(), CaseId, command, actor ?? Handlers[0].CertificateNumber, recorded,
            $"reference:{CaseId}:{actions.Count + 1}"));
    }

    /// <summary>Records <paramref name="command"/> a second after the step before it. It draws nothing from the random
    /// sequence, so every later case of the dataset stays as it was generated.</summary>
    public void RecordRightAfterLast(CaseCommand command) => Record(command, lastRecorded + Duration.FromSeconds(1));

    private Instant PlausibleInstant(LocalDate on)
    {
        var late = random.NextDouble() < 0.08;
        var day = late ? on.PlusDays(random.Next(1, 6)) : on;
        return day.At(new LocalTime(8, 30)).InZoneLeniently(Zone).ToInstant() + Duration.FromSeconds(random.Next(0, 34_200));
    }
}
