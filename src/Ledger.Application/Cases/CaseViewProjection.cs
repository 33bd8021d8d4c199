using System.Data.Common;
using System.Runtime.CompilerServices;
using JasperFx.Events;
using Ledger.Domain;
using Marten;
using Marten.Events.Projections;
using NodaTime;
using Npgsql;
using Weasel.Core;
using IStorageOperation = Weasel.Storage.IStorageOperation;
using IStorageSession = Weasel.Storage.IStorageSession;
using NoDataReturnedCall = Weasel.Storage.NoDataReturnedCall;

namespace Ledger.Application.Cases;

/// <summary>
/// The case view (<c>ledger.case_view</c>, a flat table so that officials' filters stay plain indexed SQL) as a Marten
/// inline projection: whatever appends a case's events through the store — a command, an import, a bulk load — the
/// case's row is written in the same transaction, in the same round trip as the events. The state before the new
/// events is the one the command handler decided on when it says so (<see cref="DecidedOn"/>), so a command's fold is
/// not repeated; otherwise the projection folds the case's stored events.
/// </summary>
public sealed class CaseViewProjection(IClock clock, Func<Instant, DecisionContext>? contextAt = null) : IProjection
{
    private readonly Func<Instant, DecisionContext> contextAt = contextAt ?? DecisionContext.At;

    /// <summary>The state a handler decided on and its decision context, by the first event it decided (the instance).</summary>
    private static readonly ConditionalWeakTable<CaseEvent, Decided> Handed = new();

    private sealed record Decided(CaseState Before, DecisionContext Context);

    /// <summary>
    /// Tells the projection that <paramref name="firstEvent"/> (and those after it in its append) were decided on
    /// <paramref name="before"/> in <paramref name="context"/>: the view is then computed from that state, with that
    /// day's deadlines. The append's expected version guarantees it is the stored state; if it is not, the append fails.
    /// </summary>
    public static void DecidedOn(CaseEvent firstEvent, CaseState before, DecisionContext context) =>
        Handed.AddOrUpdate(firstEvent, new Decided(before, context));

    public async Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        foreach (var stream in events.Where(e => e.Data is CaseEvent).GroupBy(e => e.StreamKey!, StringComparer.Ordinal))
        {
            var appended = stream.ToList();
            var first = (CaseEvent)appended[0].Data;
            CaseState before;
            DecisionContext context;
            if (Handed.TryGetValue(first, out var decided))
            {
                Handed.Remove(first);
                (before, context) = (decided.Before, decided.Context);
            }
            else
            {
                context = contextAt(clock.GetCurrentInstant());
                before = CaseState.Initial;
                if (appended[0].Version != 1)
                {
                    // The stream as stored: the events of this append are not yet (or, should Marten write them first,
                    // are left out by their ids).
                    var ids = appended.Select(e => e.Id).ToHashSet();
                    var stored = await operations.Events.FetchStreamAsync(stream.Key, token: cancellation);
                    before = stored.Where(e => !ids.Contains(e.Id)).Select(e => (CaseEvent)e.Data).Aggregate(before, CaseModel.Evolve);
                }
            }
            var after = appended.Select(e => (CaseEvent)e.Data).Aggregate(before, CaseModel.Evolve);
            var (sql, parameters) = CaseViewWriter.Upsert(stream.Key, after, context.Calendar, context.Today, appended[^1].Id);
            operations.QueueOperation(new UpsertOperation(sql, parameters));
        }
    }

    /// <summary>The view's upsert, queued after the events in the append's batch. It returns no rows, which Marten is
    /// told (<see cref="NoDataReturnedCall"/>) so that it reads the next operation's results, not this one's.</summary>
    private sealed class UpsertOperation(string sql, IReadOnlyList<NpgsqlParameter> parameters) : IStorageOperation, NoDataReturnedCall
    {
        public Type DocumentType => typeof(CaseState);

        public OperationRole Role() => OperationRole.Other;

        public void ConfigureCommand(ICommandBuilder builder, IStorageSession session)
        {
            var slots = builder.AppendWithDbParameters(sql);
            if (slots.Length != parameters.Count)
                throw new InvalidOperationException($"the case view's upsert has {slots.Length} placeholders for {parameters.Count} values");
            for (var i = 0; i < slots.Length; i++)
            {
                var slot = (NpgsqlParameter)slots[i];
                slot.NpgsqlDbType = parameters[i].NpgsqlDbType;
                slot.Value = parameters[i].Value ?? DBNull.Value;
            }
        }

        public Task PostprocessAsync(DbDataReader reader, IList<Exception> exceptions, CancellationToken token) => Task.CompletedTask;
    }
}
