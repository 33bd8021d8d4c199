using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.HttpOverrides;

namespace Ledger.Api;

/// <summary>A server certificate that cannot be used; <see cref="Option"/> names the command-line option to fix.</summary>
public sealed class ServerCertificateException(string option, string rule) : Exception($"{option}: {rule}")
{
    public string Option { get; } = option;
    public string Rule { get; } = rule;
}

/// <summary>
/// Where and how the API listens: plain HTTP on its address, or TLS with the bureau's server certificate
/// (<c>ledger serve --certificate</c>). Behind a reverse proxy that ends TLS, the proxy's X-Forwarded-For and
/// X-Forwarded-Proto are believed only from the proxies named in <c>Ledger:TrustedProxies</c> (loopback by default), so
/// the client's own address is what failed sign-ins are counted by, and cookies stay Secure.
/// </summary>
public static class Listening
{
    /// <summary>Reads a certificate with its private key: a PEM file (the key in it, or in <paramref name="keyPath"/>), or a
    /// PKCS#12 file (.pfx, .p12) opened with <paramref name="password"/>.</summary>
    public static X509Certificate2 LoadCertificate(string certificatePath, string? keyPath, string? password)
    {
        if (!File.Exists(certificatePath)) throw new ServerCertificateException("--certificate", $"no file at {certificatePath}");
        if (keyPath is not null && !File.Exists(keyPath)) throw new ServerCertificateException("--certificate-key", $"no file at {keyPath}");
        X509Certificate2 certificate;
        try
        {
            certificate = Path.GetExtension(certificatePath).ToLowerInvariant() is ".pfx" or ".p12"
                ? X509CertificateLoader.LoadPkcs12FromFile(certificatePath, password)
                : X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
        }
        catch (CryptographicException e)
        {
            throw new ServerCertificateException(keyPath is null ? "--certificate" : "--certificate-key",
                $"cannot read a certificate and its private key ({e.Message}); give a PEM certificate with its key (in the file or " +
                "with --certificate-key), or a .pfx/.p12 file (password in LEDGER_CERTIFICATE_PASSWORD)");
        }
        if (!certificate.HasPrivateKey)
            throw new ServerCertificateException("--certificate-key", "the certificate comes without its private key; give the key's PEM file");
        return certificate;
    }

    /// <summary>Listens on <paramref name="endpoint"/>, with TLS when <paramref name="certificate"/> is given.</summary>
    public static void Listen(WebApplicationBuilder builder, IPEndPoint endpoint, X509Certificate2? certificate) =>
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(endpoint, listen =>
        {
            if (certificate is not null) listen.UseHttps(certificate);
            listen.Use(RequestLineGuard.Use);
        }));

    /// <summary>The proxies whose forwarded headers are believed: <c>Ledger:TrustedProxies</c> (IP addresses, comma
    /// separated), else ASP.NET Core's default, loopback.</summary>
    internal static void ConfigureForwardedHeaders(IServiceCollection services, IConfiguration configuration) =>
        services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            var trusted = configuration["Ledger:TrustedProxies"];
            if (string.IsNullOrWhiteSpace(trusted)) return;
            options.KnownProxies.Clear();
            foreach (var address in trusted.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                options.KnownProxies.Add(IPAddress.TryParse(address, out var ip)
                    ? ip
                    : throw new InvalidOperationException($"Ledger:TrustedProxies: '{address}' is not an IP address"));
        });
}
