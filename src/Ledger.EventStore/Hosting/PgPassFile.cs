using System.Globalization;
using System.Text;

namespace Ledger.EventStore.Hosting;

/// <summary>Reads a PostgreSQL password file (<c>host:port:database:user:password</c>, <c>*</c> matching anything,
/// <c>\:</c> and <c>\\</c> escaped), as libpq does: the first line that matches.</summary>
public static class PgPassFile
{
    /// <summary>The password for that server, database and user, or null when no line matches (or there is no file).</summary>
    public static string? Lookup(string path, string host, int port, string database, string user)
    {
        if (!File.Exists(path)) return null;
        foreach (var line in File.ReadLines(path))
        {
            if (line.Length == 0 || line[0] == '#') continue;
            var fields = Split(line);
            if (fields.Count != 5) continue;
            if (Matches(fields[0], host) && Matches(fields[1], port.ToString(CultureInfo.InvariantCulture)) && Matches(fields[2], database) && Matches(fields[3], user))
                return fields[4];
        }
        return null;
    }

    private static bool Matches(string pattern, string value) => pattern == "*" || pattern == value;

    private static List<string> Split(string line)
    {
        var fields = new List<string>();
        var current = new StringBuilder();
        for (var i = 0; i < line.Length; i++)
        {
            if (line[i] == '\\' && i + 1 < line.Length) current.Append(line[++i]);
            else if (line[i] == ':' && fields.Count < 4) { fields.Add(current.ToString()); current.Clear(); }
            else current.Append(line[i]);
        }
        fields.Add(current.ToString());
        return fields;
    }
}
