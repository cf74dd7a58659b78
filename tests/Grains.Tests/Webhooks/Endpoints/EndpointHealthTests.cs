using Granary.Grains.Webhooks;
using Granary.Grains.Webhooks.Endpoints;

namespace Granary.Grains.Tests.Webhooks.Endpoints;

public sealed class EndpointHealthTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan DisableAfter = TimeSpan.FromDays(5);
    private static readonly StoredWebhookEndpoint Healthy = new() { Id = "we_1", Url = "https://example.com/h", Enabled = true, HealthyFrom = T0 };

    [Fact]
    public void Success_OnAHealthyEndpoint_ChangesNothing() =>
        Assert.Null(EndpointHealth.After(Healthy, WebhookSendOutcome.Success, T0.AddMinutes(1), DisableAfter));

    [Fact]
    public void Failures_StartTheStreakOnce_ThenChangeNothingUntilDisableAfter()
    {
        var failing = EndpointHealth.After(Healthy, WebhookSendOutcome.Failed, T0.AddMinutes(1), DisableAfter);

        Assert.Equal(T0.AddMinutes(1), failing!.FailingSince);
        Assert.Null(EndpointHealth.After(failing, WebhookSendOutcome.Failed, T0.AddDays(5).AddMinutes(1), DisableAfter));
        Assert.Null(EndpointHealth.After(failing, WebhookSendOutcome.Refused, T0.AddDays(2), DisableAfter));
    }

    [Fact]
    public void FailureLongerThanDisableAfter_Disables_NamingTheDuration()
    {
        var failing = Healthy with { FailingSince = T0.AddMinutes(1) };

        var disabled = EndpointHealth.After(failing, WebhookSendOutcome.Failed, T0.AddDays(5).AddMinutes(2), DisableAfter);

        Assert.Equal((false, "the endpoint failed for more than 5 days without a success"), (disabled!.Enabled, disabled.DisabledReason));
        Assert.Equal("the endpoint failed for more than 90 minutes without a success", EndpointHealth.StreakReason(TimeSpan.FromMinutes(90)));
    }

    [Fact]
    public void Gone_DisablesAtOnce()
    {
        var disabled = EndpointHealth.After(Healthy, WebhookSendOutcome.Gone, T0.AddSeconds(1), DisableAfter);

        Assert.Equal((false, EndpointHealth.GoneReason), (disabled!.Enabled, disabled.DisabledReason));
    }

    [Fact]
    public void StaleOutcomes_AndOutcomesOfADisabledEndpoint_ChangeNothing()
    {
        Assert.Null(EndpointHealth.After(Healthy, WebhookSendOutcome.Gone, T0.AddSeconds(-1), DisableAfter));
        Assert.Null(EndpointHealth.After(Healthy with { Enabled = false }, WebhookSendOutcome.Failed, T0.AddDays(9), DisableAfter));
        var failing = Healthy with { FailingSince = T0.AddHours(1) };
        Assert.Null(EndpointHealth.After(failing, WebhookSendOutcome.Success, T0.AddMinutes(30), DisableAfter));
    }

    [Fact]
    public void Success_EndsTheStreak_AndOlderFailuresNoLongerCount()
    {
        var failing = Healthy with { FailingSince = T0.AddMinutes(1) };

        var healthy = EndpointHealth.After(failing, WebhookSendOutcome.Success, T0.AddHours(1), DisableAfter);

        Assert.Equal((null, T0.AddHours(1)), (healthy!.FailingSince, healthy.HealthyFrom));
        Assert.Null(EndpointHealth.After(healthy, WebhookSendOutcome.Failed, T0.AddMinutes(59), DisableAfter));
    }
}
