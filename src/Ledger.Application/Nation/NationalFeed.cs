using System.Globalization;
using Ledger.Domain;
using Ledger.EventStore.Hosting;
using Ledger.EventStore.Migrations;
using Npgsql;

namespace Ledger.Application.Nation;

/// <summary>A province's ledger as the national server holds it: its own database there, fed by logical replication.</summary>
public sealed record ProvinceCopy(RegionCode Province, string Database, string Connection);

/// <summary>How a province's feed stands on the national server.</summary>
public sealed record ProvinceFeedStatus(
    RegionCode Province, string Database, bool Enabled, long ApplyErrors, long CopyErrors, int TablesCopying,
    NodaTime.Instant? LastMessageAt, long Events, long LogSize, long? LatestCheckpointSize, NodaTime.Instant? LatestCheckpointIssuedAt)
{
    /// <summary>Stopped by an error: the national copy refused what the province sent (a change to a published row), or
    /// the province could not be read. Nothing after the error is applied until the nation re-enables it.</summary>
    public bool Stopped => !Enabled && (ApplyErrors > 0 || CopyErrors > 0);
}

/// <summary>
/// Provinces feed the nation (migration 0020, decision record 0010): on the national server each province's ledger is a
/// database of its own, <c>ledger_province_&lt;code&gt;</c>, migrated like any ledger, made a national copy (its published
/// tables empty, its append-only triggers firing for the replication worker too) and subscribed to the province's
/// publication <c>ledger_national_feed</c>. PostgreSQL copies the province's rows, then applies each of its commits in order.
/// </summary>
public static class NationalFeed
{
    public const string Publication = "ledger_national_feed";

    public static string DatabaseOf(RegionCode province) => $"ledger_province_{province.Value}";

    public static string SubscriptionOf(RegionCode province) => $"nation_from_{province.Value}";

    /// <summary>A province's code, as the <paramref name="field"/> option gives it: a province (150000), not a city or county.</summary>
    public static RegionCode Province(string? text, string field = "province")
    {
        var code = RegionCode.Parse(text?.Trim(), field);
        return code.Level == RegionLevel.Province ? code
            : throw new DomainRuleViolation(field, $"{code.Value} is a {code.Level.ToString().ToLowerInvariant()}; a province's ledger feeds the nation, so give its province's code ({code.Province.Value})");
    }

    /// <summary>
    /// Subscribes the national server (<paramref name="nationalAdmin"/>, a superuser connection) to the ledger of
    /// <paramref name="province"/> at <paramref name="provinceConnection"/> (a role with REPLICATION that may read the
    /// published tables). Checks first that the province's server can publish and that its ledger records that
    /// province's cases only; then creates and migrates the province's database, makes it a national copy and subscribes.
    /// Subscribing again is harmless: an existing subscription is left as it is. Returns the province's copy.
    /// </summary>
    public static async Task<ProvinceCopy> SubscribeAsync(
        string nationalAdmin, RegionCode province, string provinceConnection, string migrationsDirectory, CancellationToken ct = default)
    {
        await CheckPublisherAsync(province, provinceConnection, ct);
        var database = DatabaseOf(province);
        var connection = await LedgerDatabase.EnsureDatabaseAsync(nationalAdmin, database, ct);
        var copy = new ProvinceCopy(province, database, connection);
        if (await SubscribedAsync(nationalAdmin, province, ct)) return copy;

        await using (var owner = LedgerDatabase.CreateDataSource(connection))
        {
            await new Migrator(owner, migrationsDirectory).ApplyAsync(ct: ct);
            await using var mirror = owner.CreateCommand("select ledger.become_national_mirror()");
            await mirror.ExecuteNonQueryAsync(ct);
        }
        // CREATE SUBSCRIPTION may not run in a transaction, and takes no parameters: the connection is quoted as a literal.
        // Its password is kept in pg_subscription, which only superusers read.
        await using var subscriber = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connection) { Pooling = false }.ConnectionString);
        await subscriber.OpenAsync(ct);
        var sql = $"create subscription {SubscriptionOf(province)} connection {Literal(Conninfo(provinceConnection))} " +
                  $"publication {Publication} with (disable_on_error = true)";
        await using (var create = new NpgsqlCommand(sql, subscriber))
        {
            try
            {
                await create.ExecuteNonQueryAsync(ct);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DuplicateObject)
            {
                // Another process subscribed meanwhile.
            }
        }
        return copy;
    }

    /// <summary>The provinces the national server is subscribed to, with their databases.</summary>
    public static async Task<IReadOnlyList<ProvinceCopy>> ProvincesAsync(string nationalAdmin, CancellationToken ct = default)
    {
        var result = new List<ProvinceCopy>();
        await using var connection = new NpgsqlConnection(nationalAdmin);
        await connection.OpenAsync(ct);
        // pg_subscription is shared by the server's databases: one query lists every province.
        await using var command = new NpgsqlCommand(
            "select s.subname, d.datname from pg_subscription s join pg_database d on d.oid = s.subdbid " +
            "where s.subname ~ '^nation_from_[0-9]{6}$' order by s.subname", connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var province = RegionCode.Parse(reader.GetString(0)["nation_from_".Length..]);
            var database = reader.GetString(1);
            result.Add(new ProvinceCopy(province, database, new NpgsqlConnectionStringBuilder(nationalAdmin) { Database = database }.ConnectionString));
        }
        return result;
    }

    /// <summary>Each province's feed: whether it runs, its errors, its last message, and what its copy holds.</summary>
    public static async Task<IReadOnlyList<ProvinceFeedStatus>> StatusAsync(string nationalAdmin, CancellationToken ct = default)
    {
        var result = new List<ProvinceFeedStatus>();
        foreach (var copy in await ProvincesAsync(nationalAdmin, ct))
            if (await StatusOfAsync(copy, ct) is { } status) result.Add(status);
        return result;
    }

    // Null when the subscription went away since the provinces were listed.
    private static async Task<ProvinceFeedStatus?> StatusOfAsync(ProvinceCopy copy, CancellationToken ct)
    {
        // Instants are read as NodaTime's: the ledger's data source maps them.
        await using var source = LedgerDatabase.CreateDataSource(new NpgsqlConnectionStringBuilder(copy.Connection) { Pooling = false }.ConnectionString);
        await using var connection = await source.OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand(
            """
            select s.subenabled,
                   coalesce(e.apply_error_count, 0), coalesce(e.sync_error_count, 0),
                   (select count(*)::int from pg_subscription_rel r where r.srsubid = s.oid and r.srsubstate <> 'r'),
                   (select max(w.last_msg_receipt_time) from pg_stat_subscription w where w.subid = s.oid),
                   (select count(*) from ledger.mt_events),
                   coalesce((select tree_size from ledger.merkle_log), 0),
                   c.tree_size, c.issued_at
            from pg_subscription s
            left join pg_stat_subscription_stats e on e.subid = s.oid
            left join lateral (select tree_size, issued_at from ledger.merkle_checkpoints order by tree_size desc limit 1) c on true
            where s.subname = $1
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = SubscriptionOf(copy.Province) });
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        return new ProvinceFeedStatus(copy.Province, copy.Database, reader.GetBoolean(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt32(3),
            reader.IsDBNull(4) ? null : reader.GetFieldValue<NodaTime.Instant>(4), reader.GetInt64(5), reader.GetInt64(6),
            reader.IsDBNull(7) ? null : reader.GetInt64(7), reader.IsDBNull(8) ? null : reader.GetFieldValue<NodaTime.Instant>(8));
    }

    /// <summary>
    /// Waits until the national copy of <paramref name="province"/> holds everything the province had committed when the
    /// call began: its tables copied, and the subscription's replication slot confirmed past the province's WAL position.
    /// Throws when the feed stopped on an error or <paramref name="timeout"/> passes.
    /// </summary>
    public static async Task WaitUntilCaughtUpAsync(string nationalAdmin, RegionCode province, string provinceConnection, TimeSpan timeout, CancellationToken ct = default)
    {
        string target;
        await using (var publisher = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(provinceConnection) { Pooling = false }.ConnectionString))
        {
            await publisher.OpenAsync(ct);
            await using (var position = new NpgsqlCommand("select pg_current_wal_lsn()::text", publisher))
                target = (string)(await position.ExecuteScalarAsync(ct))!;
            var copy = (await ProvincesAsync(nationalAdmin, ct)).SingleOrDefault(c => c.Province == province)
                       ?? throw new DomainRuleViolation("province", $"the national server is not subscribed to {province.Value}");
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (true)
            {
                var status = await StatusOfAsync(copy, ct)
                             ?? throw new DomainRuleViolation("province", $"the national server is not subscribed to {province.Value}");
                if (status.Stopped)
                    throw new InvalidOperationException($"the feed of {province.Value} stopped on an error ({status.ApplyErrors} apply, {status.CopyErrors} copy); see the national server's log");
                if (status.TablesCopying == 0)
                {
                    await using var confirmed = new NpgsqlCommand(
                        "select coalesce(bool_and(confirmed_flush_lsn >= $1::pg_lsn), false) from pg_replication_slots where slot_name = $2", publisher);
                    confirmed.Parameters.Add(new NpgsqlParameter<string> { TypedValue = target });
                    confirmed.Parameters.Add(new NpgsqlParameter<string> { TypedValue = SubscriptionOf(province) });
                    if ((bool)(await confirmed.ExecuteScalarAsync(ct))!) return;
                }
                if (waited.Elapsed > timeout)
                    throw new TimeoutException($"the national copy of {province.Value} did not reach the province's position {target} within {timeout.TotalSeconds:0} s");
                await Task.Delay(100, ct);
            }
        }
    }

    private static async Task<bool> SubscribedAsync(string nationalAdmin, RegionCode province, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(nationalAdmin);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand("select exists (select from pg_subscription where subname = $1)", connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = SubscriptionOf(province) });
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }

    // The province's server must write logical WAL and hold a migrated ledger with the publication, and the ledger must
    // be that province's: a city's or another province's cases in it would be counted under the wrong province.
    private static async Task CheckPublisherAsync(RegionCode province, string provinceConnection, CancellationToken ct)
    {
        NpgsqlConnection connection;
        try
        {
            connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(provinceConnection) { Pooling = false }.ConnectionString);
            await connection.OpenAsync(ct);
        }
        catch (Exception e) when (e is NpgsqlException or ArgumentException or FormatException)
        {
            throw new DomainRuleViolation("from", $"the province's ledger cannot be reached: {e.Message}");
        }
        await using var opened = connection;
        await using var command = new NpgsqlCommand(
            "select current_setting('wal_level'), exists (select from pg_publication where pubname = $1), to_regclass('ledger.case_view') is not null", connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Publication });
        string walLevel;
        bool published, ledger;
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            await reader.ReadAsync(ct);
            (walLevel, published, ledger) = (reader.GetString(0), reader.GetBoolean(1), reader.GetBoolean(2));
        }
        if (!ledger) throw new DomainRuleViolation("from", "holds no ledger (no ledger.case_view); give the province ledger's database");
        if (!published)
            throw new DomainRuleViolation("from", $"the province's ledger has no publication {Publication}: apply its migrations first (ledger migrate)");
        if (walLevel != "logical")
            throw new DomainRuleViolation("from", $"the province's server runs with wal_level = {walLevel}; publishing needs wal_level = logical " +
                "(ALTER SYSTEM SET wal_level = logical, then restart it: ledger db stop && ledger db start for the private cluster)");
        await using var foreign = new NpgsqlCommand("select case_id, region from ledger.case_view where left(region, 2) <> $1 limit 1", connection);
        foreign.Parameters.Add(new NpgsqlParameter<string> { TypedValue = province.Prefix });
        await using var found = await foreign.ExecuteReaderAsync(ct);
        if (await found.ReadAsync(ct))
            throw new DomainRuleViolation("province", $"the ledger at --from records case {found.GetString(0)} of region {found.GetString(1)}, " +
                $"outside {province.Value}: it is not that province's ledger");
    }

    /// <summary>The libpq connection string (<c>key='value'</c> pairs) the national server's replication worker uses, from an
    /// Npgsql connection string; its password is the one given, else the one its passfile holds for that server and role.</summary>
    public static string Conninfo(string npgsqlConnection)
    {
        var builder = new NpgsqlConnectionStringBuilder(npgsqlConnection);
        var host = builder.Host ?? "127.0.0.1";
        var password = builder.Password ?? (builder.Passfile is { } file ? PgPassFile.Lookup(file, host, builder.Port, builder.Database ?? "", builder.Username ?? "") : null);
        var parts = new List<(string, string)>
        {
            ("host", host),
            ("port", builder.Port.ToString(CultureInfo.InvariantCulture)),
            ("dbname", builder.Database ?? ""),
            ("user", builder.Username ?? ""),
        };
        if (password is not null) parts.Add(("password", password));
        if (builder.SslMode is not SslMode.Prefer) parts.Add(("sslmode", builder.SslMode switch
        {
            SslMode.VerifyCA => "verify-ca",
            SslMode.VerifyFull => "verify-full",
            var mode => mode.ToString().ToLowerInvariant(),
        }));
        return string.Join(' ', parts.Select(p => $"{p.Item1}='{p.Item2.Replace("\\", "\\\\").Replace("'", "\\'")}'"));
    }

    private static string Literal(string text) => "'" + text.Replace("'", "''") + "'";
}
