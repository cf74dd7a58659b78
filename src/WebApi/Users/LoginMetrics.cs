using System.Diagnostics.Metrics;

namespace Granary.WebApi.Users;

/// <summary>Meter <c>Granary.Auth</c>: failed logins, and logins refused by the throttle before the password was checked.</summary>
internal sealed class LoginMetrics
{
    public const string MeterName = "Granary.Auth";

    private readonly Counter<long> _failed;
    private readonly Counter<long> _throttled;

    public LoginMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(MeterName);
        _failed = meter.CreateCounter<long>("granary.logins.failed", "{login}", "Logins refused for a wrong email or password.");
        _throttled = meter.CreateCounter<long>("granary.logins.throttled", "{login}", "Logins refused with 429 because of earlier failures.");
    }

    public void Failed() => _failed.Add(1);

    public void Throttled() => _throttled.Add(1);
}
