using Granary.Grains.Emails;
using Granary.Grains.Organizations;
using Granary.Grains.Users;
using Granary.Grains.Webhooks;
using Granary.Grains.Webhooks.Endpoints;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace Granary.Grains.Tests.Webhooks.Endpoints;

/// <summary>One organization's webhook endpoints (each test has its own organization); at most two, disabled after an hour of failures.</summary>
public sealed class WebhookEndpointsGrainTests(WebhookEndpointsGrainTests.Fixture fixture) : IClassFixture<WebhookEndpointsGrainTests.Fixture>
{
    private static readonly TimeSpan DisableAfter = TimeSpan.FromHours(1);
    private readonly string _org = Guid.NewGuid().ToString("N");

    private IGrainFactory Grains => fixture.Grains;

    private FakeTimeProvider Time => fixture.Time;

    private IWebhookEndpointsGrain Endpoints => Grains.GetGrain<IWebhookEndpointsGrain>(_org);

    private static NewWebhookEndpoint Endpoint(string id, params string[] eventTypes) =>
        new(id, $"https://receiver.example.com/{id}", eventTypes, "test endpoint", Enabled: true, Secret: $"whsec_{id}_1");

    [Fact]
    public async Task Create_PastTheLimit_Throws_AndDeleteMakesRoom()
    {
        await Endpoints.Create(Endpoint("we_1"));
        await Endpoints.Create(Endpoint("we_2"));

        var error = await Assert.ThrowsAsync<WebhookEndpointLimitException>(() => Endpoints.Create(Endpoint("we_3")));

        Assert.Contains("at most 2", error.Message, StringComparison.Ordinal);
        Assert.True(await Endpoints.Delete("we_1"));
        Assert.False(await Endpoints.Delete("we_1"));
        await Endpoints.Create(Endpoint("we_3"));
        Assert.Equal(["we_2", "we_3"], (await Endpoints.List()).Select(e => e.Id));
    }

    [Fact]
    public async Task Matching_TakesEnabledEndpointsWhoseFilterTakesTheType()
    {
        await Endpoints.Create(Endpoint("we_created", "order.created"));
        await Endpoints.Create(Endpoint("we_orders", "order.*"));

        Assert.Equal(["we_created", "we_orders"], (await Endpoints.Matching("order.created")).Select(t => t.EndpointId));
        Assert.Equal(["we_orders"], (await Endpoints.Matching("order.shipped")).Select(t => t.EndpointId));
        Assert.Empty(await Endpoints.Matching("inventory.low"));

        await Endpoints.Update("we_orders", new WebhookEndpointUpdate(Enabled: false));
        await Endpoints.Update("we_created", new WebhookEndpointUpdate(EventTypes: []));
        var target = Assert.Single(await Endpoints.Matching("inventory.low"));
        Assert.Equal(("we_created", "https://receiver.example.com/we_created", true), (target.EndpointId, target.Url, target.Enabled));
        Assert.Equal(["whsec_we_created_1"], target.Secrets);
    }

    [Fact]
    public async Task RotateSecret_NewestFirst_KeepsTheOldSecretFor24Hours()
    {
        await Endpoints.Create(Endpoint("we_1"));

        await Endpoints.RotateSecret("we_1", "whsec_new");

        Assert.Equal(["whsec_new", "whsec_we_1_1"], (await Endpoints.GetTarget("we_1"))!.Secrets);
        Time.Advance(TimeSpan.FromHours(23));
        Assert.Equal(["whsec_new", "whsec_we_1_1"], (await Endpoints.GetTarget("we_1"))!.Secrets);
        Time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(["whsec_new"], (await Endpoints.GetTarget("we_1"))!.Secrets);
        Assert.Null(await Endpoints.RotateSecret("we_unknown", "whsec_x"));
    }

    [Fact]
    public async Task Gone_DisablesAtOnce()
    {
        await Endpoints.Create(Endpoint("we_1"));

        await Endpoints.RecordOutcome("we_1", WebhookSendOutcome.Gone, Time.GetUtcNow());

        var endpoint = (await Endpoints.Get("we_1"))!;
        Assert.Equal((false, "the endpoint answered 410 Gone"), (endpoint.Enabled, endpoint.DisabledReason));
        Assert.Empty(await Endpoints.Matching("order.created"));
        Assert.False((await Endpoints.GetTarget("we_1"))!.Enabled);
    }

    [Fact]
    public async Task FailureStreakLongerThanDisableAfter_Disables_AndEmailsEachOwner()
    {
        var owners = new[] { await CreateUser("first-owner@example.com"), await CreateUser("second-owner@example.com") };
        var admin = await CreateUser("admin@example.com");
        var org = Grains.GetGrain<IOrganizationGrain>(_org);
        await org.Create(new CreateOrganization("Acme", "acme"), owners[0]);
        await org.AddMember(owners[0], new NewMember(owners[1], "second-owner@example.com", "Second", OrgRole.Owner));
        await org.AddMember(owners[0], new NewMember(admin, "admin@example.com", "Admin", OrgRole.Admin));
        await Endpoints.Create(Endpoint("we_1"));

        var start = Time.GetUtcNow();
        await Endpoints.RecordOutcome("we_1", WebhookSendOutcome.Failed, start);
        await Endpoints.RecordOutcome("we_1", WebhookSendOutcome.Failed, start + DisableAfter);
        Assert.True((await Endpoints.Get("we_1"))!.Enabled);
        var last = start + DisableAfter + TimeSpan.FromSeconds(1);
        await Endpoints.RecordOutcome("we_1", WebhookSendOutcome.Failed, last);

        var endpoint = (await Endpoints.Get("we_1"))!;
        Assert.Equal((false, "the endpoint failed for more than 1 hour without a success", start), (endpoint.Enabled, endpoint.DisabledReason, endpoint.FailingSince));
        foreach (var (userId, email) in owners.Zip(["first-owner@example.com", "second-owner@example.com"]))
        {
            var key = EmailJobKey.For(_org, WebhookEndpointsGrain.NoticeJobId("we_1", last.ToUnixTimeSeconds(), userId));
            var job = await Grains.GetGrain<IEmailJobGrain>(key).Get();
            Assert.True(job is not null, $"no email job {key}");
            Assert.Equal((EmailTemplate.WebhookEndpointDisabled, email, _org), (job.Template, job.To, job.OrganizationId));
        }
        var adminKey = EmailJobKey.For(_org, WebhookEndpointsGrain.NoticeJobId("we_1", last.ToUnixTimeSeconds(), admin));
        Assert.Null(await Grains.GetGrain<IEmailJobGrain>(adminKey).Get());
    }

    [Fact]
    public async Task DisabledEndpoint_WhoseNoticesCouldNotBeHandedOver_KeepsItsReminder_WhoseTickSendsThem()
    {
        var owner = await CreateUser("owner@example.com");
        await Grains.GetGrain<IOrganizationGrain>(_org).Create(new CreateOrganization("Acme", "acme"), owner);
        await Endpoints.Create(Endpoint("we_1"));
        fixture.FailedEnqueues.Hold(_org);
        var at = Time.GetUtcNow();
        var before = DateTime.UtcNow;

        await Endpoints.RecordOutcome("we_1", WebhookSendOutcome.Gone, at);

        var notice = Grains.GetGrain<IEmailJobGrain>(EmailJobKey.For(_org, WebhookEndpointsGrain.NoticeJobId("we_1", at.ToUnixTimeSeconds(), owner)));
        Assert.False((await Endpoints.Get("we_1"))!.Enabled);
        Assert.Null(await notice.Get());
        var reminder = await fixture.Cluster.ReminderAsync(Endpoints, WebhookEndpointsGrain.NoticesReminder);
        Assert.NotNull(reminder);
        Assert.InRange(reminder.StartAt, before + TimeSpan.FromMinutes(1), DateTime.UtcNow + TimeSpan.FromMinutes(1));

        fixture.FailedEnqueues.Release(_org);
        Time.Advance(TimeSpan.FromMinutes(1));
        await fixture.Cluster.TickAsync(Endpoints, WebhookEndpointsGrain.NoticesReminder);

        var job = await notice.Get();
        Assert.True(job is not null, "the tick handed no notice over");
        Assert.Equal((EmailTemplate.WebhookEndpointDisabled, "owner@example.com"), (job.Template, job.To));
        Assert.Null(await fixture.Cluster.ReminderAsync(Endpoints, WebhookEndpointsGrain.NoticesReminder));
    }

    [Fact]
    public async Task Success_EndsTheStreak_SoTheEndpointStaysEnabled()
    {
        await Endpoints.Create(Endpoint("we_1"));
        var start = Time.GetUtcNow();
        await Endpoints.RecordOutcome("we_1", WebhookSendOutcome.Failed, start);
        Assert.Equal(start, (await Endpoints.Get("we_1"))!.FailingSince);

        await Endpoints.RecordOutcome("we_1", WebhookSendOutcome.Success, start.AddMinutes(30));
        await Endpoints.RecordOutcome("we_1", WebhookSendOutcome.Failed, start.AddMinutes(45));
        await Endpoints.RecordOutcome("we_1", WebhookSendOutcome.Failed, start + DisableAfter + TimeSpan.FromMinutes(1));

        var endpoint = (await Endpoints.Get("we_1"))!;
        Assert.Equal((true, start.AddMinutes(45)), (endpoint.Enabled, endpoint.FailingSince));
    }

    [Fact]
    public async Task RecordOutcome_ThatChangesNothing_DoesNotWrite()
    {
        await Endpoints.Create(Endpoint("we_1"));
        var start = Time.GetUtcNow();
        var created = await StoredEtagAsync();

        await Endpoints.RecordOutcome("we_1", WebhookSendOutcome.Success, start);
        await Endpoints.RecordOutcome("we_unknown", WebhookSendOutcome.Failed, start);
        Assert.Equal(created, await StoredEtagAsync());

        await Endpoints.RecordOutcome("we_1", WebhookSendOutcome.Failed, start);
        var failing = await StoredEtagAsync();
        Assert.NotEqual(created, failing);
        for (var i = 1; i <= 10; i++)
        {
            await Endpoints.RecordOutcome("we_1", WebhookSendOutcome.Failed, start.AddMinutes(i));
        }
        Assert.Equal(failing, await StoredEtagAsync());
    }

    [Fact]
    public async Task Reenabling_ClearsTheReasonAndTheStreak()
    {
        await Endpoints.Create(Endpoint("we_1"));
        await Endpoints.RecordOutcome("we_1", WebhookSendOutcome.Gone, Time.GetUtcNow());
        Time.Advance(TimeSpan.FromMinutes(5));

        var enabled = await Endpoints.Update("we_1", new WebhookEndpointUpdate(Enabled: true));

        Assert.Equal((true, null, null), (enabled!.Enabled, enabled.DisabledReason, enabled.FailingSince));
        // An outcome of an attempt made before the re-enable is stale.
        await Endpoints.RecordOutcome("we_1", WebhookSendOutcome.Gone, Time.GetUtcNow().AddMinutes(-1));
        Assert.True((await Endpoints.Get("we_1"))!.Enabled);
    }

    private async Task<string?> StoredEtagAsync()
    {
        var storage = fixture.Cluster.SiloServices.GetRequiredKeyedService<IGrainStorage>("Default");
        var stored = new GrainState<WebhookEndpointsState>();
        await storage.ReadStateAsync("webhooks", Endpoints.GetGrainId(), stored);
        return stored.ETag;
    }

    private async Task<string> CreateUser(string email)
    {
        var id = Guid.NewGuid().ToString("N");
        Assert.True(await Grains.GetGrain<IUserGrain>(id).Create(new NewUser(email, email, "hash")));
        return id;
    }

    /// <summary>Endpoint limits of two and an hour of failures; email job enqueues of chosen organizations can be made to fail.</summary>
    public sealed class Fixture : ClusterFixture
    {
        public Fixture()
            : this(new FailEnqueues())
        {
        }

        private Fixture(FailEnqueues failures)
            : base(options => options
                .Set(("Webhooks:MaxEndpointsPerOrganization", "2"), ("Webhooks:DisableAfter", "01:00:00"))
                .AddServices(services => services.AddSingleton<IIncomingGrainCallFilter>(failures))) =>
            FailedEnqueues = failures;

        internal FailEnqueues FailedEnqueues { get; }
    }

    /// <summary>Fails IEmailJobGrain.Enqueue for the email jobs of held organizations, as an unreachable silo would.</summary>
    internal sealed class FailEnqueues : IIncomingGrainCallFilter
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _held = new(StringComparer.Ordinal);

        public void Hold(string organizationId) => _held[organizationId] = true;

        public void Release(string organizationId) => _held.TryRemove(organizationId, out _);

        public Task Invoke(IIncomingGrainCallContext context) =>
            context.InterfaceMethod.DeclaringType == typeof(IEmailJobGrain) && context.MethodName == nameof(IEmailJobGrain.Enqueue)
                && context.TargetId.Key.ToString() is { } key && _held.ContainsKey(key[..Math.Max(0, key.IndexOf('/'))])
                ? throw new InvalidOperationException("Email jobs of this organization are held in this test.")
                : context.Invoke();
    }
}
