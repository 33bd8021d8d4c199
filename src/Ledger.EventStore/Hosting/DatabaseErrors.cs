using System.Net.Sockets;
using Npgsql;

namespace Ledger.EventStore.Hosting;

/// <summary>Which failures mean the database could not be reached (down, restarting, unreachable) rather than that it
/// refused what was asked: the former are worth trying again, by the client (503) or by a message's retry.</summary>
public static class DatabaseErrors
{
    public static bool IsUnreachable(Exception exception) => exception switch
    {
        NpgsqlException { IsTransient: true } => true,
        // 57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot connect now (starting up or shutting down).
        PostgresException { SqlState: "57P01" or "57P02" or "57P03" } => true,
        NpgsqlException { InnerException: SocketException or IOException } => true,
        SocketException { SocketErrorCode: SocketError.ConnectionRefused } => true,
        _ => exception.InnerException is { } inner && IsUnreachable(inner),
    };
}
