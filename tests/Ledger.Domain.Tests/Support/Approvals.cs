using System.Runtime.CompilerServices;

namespace Ledger.Domain.Tests.Support;

/// <summary>
/// Our approval-snapshot helper (Verify is not available). The approved text lives beside the test as
/// <c>Snapshots/NAME.approved.txt</c> and is committed; a difference fails the test, writes
/// <c>NAME.received.txt</c> next to it and prints the first differing line. To accept a reviewed change, copy the
/// received file over the approved one (or run the tests once with LEDGER_APPROVE=1) and commit the diff.
/// </summary>
public static class Approvals
{
    public static void Verify(string received, string name, [CallerFilePath] string callerFile = "")
    {
        var directory = Path.Combine(Path.GetDirectoryName(callerFile)!, "Snapshots");
        var approvedPath = Path.Combine(directory, $"{name}.approved.txt");
        var receivedPath = Path.Combine(directory, $"{name}.received.txt");
        received = Normalise(received);

        if (Environment.GetEnvironmentVariable("LEDGER_APPROVE") == "1")
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(approvedPath, received);
            if (File.Exists(receivedPath)) File.Delete(receivedPath);
            return;
        }

        var approved = File.Exists(approvedPath) ? Normalise(File.ReadAllText(approvedPath)) : null;
        if (approved == received)
        {
            if (File.Exists(receivedPath)) File.Delete(receivedPath);
            return;
        }

        Directory.CreateDirectory(directory);
        File.WriteAllText(receivedPath, received);
        if (approved is null)
            Assert.Fail($"No approved snapshot {approvedPath}. Review {receivedPath} and rename it to approve it.");
        Assert.Fail($"Snapshot {name} differs from the approved one: {FirstDifference(approved, received)}. " +
                    $"Review `diff {approvedPath} {receivedPath}` and approve the change only if the stored shape is meant to change.");
    }

    private static string Normalise(string text) => text.Replace("\r\n", "\n").TrimEnd('\n') + "\n";

    private static string FirstDifference(string approved, string received)
    {
        var a = approved.Split('\n');
        var r = received.Split('\n');
        for (var i = 0; i < Math.Max(a.Length, r.Length); i++)
        {
            var left = i < a.Length ? a[i] : "<end>";
            var right = i < r.Length ? r[i] : "<end>";
            if (left != right) return $"line {i + 1}: approved `{left}` but received `{right}`";
        }
        return "no line differs (whitespace?)";
    }
}
