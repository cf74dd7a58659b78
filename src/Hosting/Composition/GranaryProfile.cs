using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Configuration;

namespace Granary.Hosting;

/// <summary>
/// The provider choices read once while the silo is composed, since Orleans providers are registered then. Only
/// strings are read here: typed values are bound and validated at start, so a bad one stops start-up with the
/// validators' message instead of an exception from the middle of composition.
/// </summary>
internal sealed class GranaryProfile
{
    public required MembershipProviderKind? Membership { get; init; }

    public required StorageProviderKind? Storage { get; init; }

    public required ReminderProviderKind? Reminders { get; init; }

    public required bool MigrateOnStart { get; init; }

    /// <summary>Full path of the grain storage's SQLite file.</summary>
    public required string StorageSqlitePath { get; init; }

    /// <summary>Full path of the reminder table's SQLite file (the storage's file unless set).</summary>
    public required string RemindersSqlitePath { get; init; }

    public required string PostgresConnectionString { get; init; }

    public required string RemindersRedisConfiguration { get; init; }

    public required string MembershipRedisConfiguration { get; init; }

    public X509Certificate2? TlsCertificate { get; init; }

    /// <summary>Why the TLS certificate could not be loaded; reported by the cluster validator at start.</summary>
    public string? TlsFailure { get; init; }

    public bool IsCluster => Membership == MembershipProviderKind.Redis;

    /// <summary>The name operators see: <c>embedded</c> (one silo on loopback) or <c>cluster</c>.</summary>
    public string Name => IsCluster ? "cluster" : "embedded";

    public static GranaryProfile Read(IConfiguration configuration, string contentRoot)
    {
        var storage = configuration.GetSection(GranaryStorageOptions.Section);
        var reminders = configuration.GetSection(GranaryRemindersOptions.Section);
        var cluster = configuration.GetSection(GranaryClusterOptions.Section);
        var storagePath = FullPath(contentRoot, storage["Sqlite:Path"] is { Length: > 0 } path ? path : new GranarySqliteStorageOptions().Path);
        var remindersPath = reminders["Sqlite:Path"] is { Length: > 0 } own ? FullPath(contentRoot, own) : storagePath;
        var (certificate, tlsFailure) = LoadCertificate(contentRoot, cluster["Tls:CertificatePath"], cluster["Tls:CertificatePassword"]);
        return new GranaryProfile
        {
            Membership = ProviderNames.Membership(cluster["Membership:Provider"] ?? new GranaryMembershipOptions().Provider),
            Storage = ProviderNames.Storage(storage["Provider"] ?? new GranaryStorageOptions().Provider),
            Reminders = ProviderNames.Reminders(reminders["Provider"] ?? new GranaryRemindersOptions().Provider),
            // A value that is not a boolean is reported by the storage options' binding at start; until then, the default.
            MigrateOnStart = !bool.TryParse(storage["MigrateOnStart"], out var migrate) || migrate,
            StorageSqlitePath = storagePath,
            RemindersSqlitePath = remindersPath,
            PostgresConnectionString = storage["Postgres:ConnectionString"] ?? "",
            RemindersRedisConfiguration = reminders["Redis:Configuration"] ?? new GranaryRedisOptions().Configuration,
            MembershipRedisConfiguration = cluster["Membership:Redis:Configuration"] ?? new GranaryRedisOptions().Configuration,
            TlsCertificate = certificate,
            TlsFailure = tlsFailure,
        };
    }

    /// <summary>Relative paths resolve against the content root: the working directory unless the host says otherwise.</summary>
    public static string FullPath(string contentRoot, string path) => Path.GetFullPath(Path.Combine(contentRoot, path));

    private static (X509Certificate2? Certificate, string? Failure) LoadCertificate(string contentRoot, string? path, string? password)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            return (null, null);
        }
        var fullPath = FullPath(contentRoot, path);
        try
        {
            var certificate = X509CertificateLoader.LoadPkcs12FromFile(fullPath, password);
            return certificate.HasPrivateKey
                ? (certificate, null)
                : (null, $"Granary:Cluster:Tls:CertificatePath is '{path}' but the certificate has no private key; it must be a .pfx holding one.");
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException)
        {
            return (null, $"Granary:Cluster:Tls:CertificatePath is '{path}' but must be a readable .pfx file that Granary:Cluster:Tls:CertificatePassword opens ({ex.Message}).");
        }
    }
}
