using System.Security.Cryptography;
using System.Text;

namespace Ledger.EventStore;

/// <summary>Name-based uuids (RFC 9562 version 8 layout, SHA-256 of the name): the same name always gives the
/// same id, so an importer or generator that derives event ids from its input is idempotent on re-runs.</summary>
public static class DeterministicId
{
    public static Guid From(string name)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(name));
        var bytes = hash.AsSpan(0, 16).ToArray();
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80); // version 8: custom
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC variant
        return new Guid(bytes, bigEndian: true);
    }
}
