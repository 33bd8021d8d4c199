using Ledger.Application.Cases;
using Ledger.Domain.Serialization;
using Ledger.EventStore;
using NodaTime;
using Npgsql;

namespace Ledger.Application;

/// <summary>The ledger's event store: every case and typical-case selection event type under its stored name, written
/// in the domain's JSON (snake_case, money as yuan strings, ISO dates).</summary>
public static class LedgerEvents
{
    /// <summary>Every event type the ledger appends.</summary>
    public static EventTypes Types { get; } = new(CaseEventSerializer.EventTypes.Concat(SelectionEventSerializer.EventTypes));

    /// <summary>The store on <paramref name="dataSource"/> (the application role's), writing the case view with every
    /// case's events (<see cref="CaseViewProjection"/>; its deadlines as of <paramref name="clock"/>'s day when no
    /// command handler says which day it decided on).</summary>
    public static LedgerEventStore Store(NpgsqlDataSource dataSource, IClock? clock = null) =>
        new(dataSource, Types, CaseEventSerializer.Options, [new CaseViewProjection(clock ?? SystemClock.Instance)]);
}
