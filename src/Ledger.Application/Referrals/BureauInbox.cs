using Ledger.Domain;
using Ledger.Domain.Serialization;
using NodaTime;
using Npgsql;
using NpgsqlTypes;

namespace Ledger.Application.Referrals;

/// <summary>A referral as the receiving bureau's inbox holds it.</summary>
public sealed record ReceivedReferral(
    Guid EventId, string Kind, string FromCaseId, string FromRegion, string ToRegion, string? ToAgency, LocalDate On, string Summary, Instant ReceivedAt);

/// <summary>
/// The inbox of the bureaus this database serves: what other bureaus referred to them (a lead transferred, a related
/// lead, an invitation to handle a case jointly, a transferred case) and what went to the police or another organ.
/// Written only by the referral's handler, once per referral; read by the receiving region's users.
/// </summary>
public sealed class BureauInbox(NpgsqlDataSource dataSource)
{
    /// <summary>The most rows one read returns.</summary>
    public const int MaxLimit = 1000;

    /// <summary>Records a delivered referral; a second delivery of the same one changes nothing.</summary>
    public async Task ReceiveAsync(BureauReferral referral, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            "insert into ledger.bureau_inbox (event_id, kind, from_case_id, from_region, to_region, to_agency, on_date, summary) " +
            "values ($1, $2, $3, $4, $5, $6, $7, $8) on conflict do nothing");
        command.Parameters.Add(new() { Value = referral.EventId });
        command.Parameters.Add(new() { Value = KindName(referral.Kind) });
        command.Parameters.Add(new() { Value = referral.CaseId });
        command.Parameters.Add(new() { Value = referral.FromRegion.Value });
        command.Parameters.Add(new() { Value = referral.ToRegion.Value });
        command.Parameters.Add(new() { Value = (object?)referral.ToAgency ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = referral.On, NpgsqlDbType = NpgsqlDbType.Date });
        command.Parameters.Add(new() { Value = referral.Summary });
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The referrals received within <paramref name="region"/> (and everything in it), newest first.</summary>
    public async Task<IReadOnlyList<ReceivedReferral>> ListAsync(RegionCode? region, int limit = 200, CancellationToken ct = default)
    {
        if (limit is < 1 or > MaxLimit) throw new DomainRuleViolation("limit", $"limit is 1 to {MaxLimit}");
        await using var command = dataSource.CreateCommand(
            "select event_id, kind, from_case_id, from_region, to_region, to_agency, on_date, summary, received_at from ledger.bureau_inbox " +
            "where $1::text is null or to_region like $1 || '%' order by received_at desc, event_id limit $2");
        command.Parameters.Add(new() { Value = (object?)region?.Prefix ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = limit });
        var received = new List<ReceivedReferral>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            received.Add(new ReceivedReferral(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5), reader.GetFieldValue<LocalDate>(6), reader.GetString(7), reader.GetFieldValue<Instant>(8)));
        return received;
    }

    /// <summary>The stored name of a kind (<c>lead_transferred</c>), as the domain's JSON writes it.</summary>
    public static string KindName(ReferralKind kind) => System.Text.Json.JsonSerializer.Serialize(kind, CaseEventSerializer.Options).Trim('"');
}
