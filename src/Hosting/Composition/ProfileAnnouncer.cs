using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Granary.Hosting;

/// <summary>
/// Logs once at start which profile and stores the silo runs on, and which settings no longer have an effect, so an
/// operator reads both in the first lines.
/// </summary>
internal sealed partial class ProfileAnnouncer(
    GranaryProfile profile,
    IOptions<GranarySiloOptions> silo,
    IOptions<GranaryClusterOptions> cluster,
    IConfiguration configuration,
    ILogger<ProfileAnnouncer> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        LogProfile(logger, silo.Value.SiloName, profile.Name, silo.Value.ClusterId, silo.Value.ServiceId, profile.Storage, profile.Reminders);
        if (profile.IsCluster && profile.TlsCertificate is null)
        {
            LogPlainSiloPort(logger, cluster.Value.SiloPort);
        }
        foreach (var (key, instead) in RetiredSettings.PresentIn(configuration))
        {
            LogRetiredSetting(logger, key, instead);
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 1, Level = LogLevel.Information,
        Message = "Silo {SiloName} runs the {Profile} profile: cluster {ClusterId}, service {ServiceId}, storage {Storage}, reminders {Reminders}")]
    private static partial void LogProfile(ILogger logger, string siloName, string profile, string clusterId, string serviceId,
        StorageProviderKind? storage, ReminderProviderKind? reminders);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning,
        Message = "Silo port {SiloPort} carries unencrypted, unauthenticated silo traffic: keep it on a private network or set Granary:Cluster:Tls:CertificatePath")]
    private static partial void LogPlainSiloPort(ILogger logger, int siloPort);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "{Key} is set but no longer read: {Instead}")]
    private static partial void LogRetiredSetting(ILogger logger, string key, string instead);
}
