using Granary.Grains.Scheduling;
using Granary.Grains.Users;
using Microsoft.Extensions.Logging;

namespace Granary.Grains.Organizations;

/// <summary>The stored shape of an organization: its info, members and API keys (secrets only as hashes).</summary>
[GenerateSerializer, Alias("granary.state.OrganizationState")]
public sealed class OrganizationState
{
    [Id(0)]
    public OrganizationInfo? Info { get; set; }

    [Id(1)]
    public List<MemberInfo> Members { get; set; } = [];

    [Id(2)]
    public List<StoredApiKey> ApiKeys { get; set; } = [];
}

/// <summary>An API key as stored.</summary>
[GenerateSerializer, Alias("granary.state.StoredApiKey")]
public sealed record StoredApiKey(string Id, string Name, IReadOnlyList<string> Scopes, string SecretHash, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt)
{
    public ApiKeyInfo ToInfo() => new(Id, Name, Scopes, Prefix, CreatedAt, RevokedAt);
}

[GrainType("organization")]
public sealed class OrganizationGrain(
    [PersistentState("organization")] IPersistentState<OrganizationState> org,
    ILogger<OrganizationGrain> logger,
    TimeProvider time) : Grain, IOrganizationGrain
{
    private OrganizationState State => org.State;

    public async Task<OrganizationInfo> Create(CreateOrganization command, string ownerUserId)
    {
        if (State.Info is not null)
        {
            throw new InvalidOperationException($"Organization {this.GetPrimaryKeyString()} already exists.");
        }
        var now = time.GetUtcNow();
        var owner = await GrainFactory.GetGrain<IUserGrain>(ownerUserId).GetProfile()
            ?? throw new InvalidOperationException($"User {ownerUserId} doesn't exist.");
        State.Info = new OrganizationInfo(this.GetPrimaryKeyString(), command.Name, command.Slug, new OrganizationSettings(), now);
        State.Members = [new MemberInfo(ownerUserId, owner.Email, owner.Name, OrgRole.Owner, now)];
        await org.WriteStateAsync();
        await GrainFactory.GetGrain<IUserGrain>(ownerUserId).AddOrganization(this.GetPrimaryKeyString());
        await EnsureDailySummary(State.Info.Settings);
        return State.Info;
    }

    public Task<OrganizationInfo?> Get() => Task.FromResult(State.Info);

    public Task<OrgRole?> GetRole(string userId) => Task.FromResult(Find(userId)?.Role);

    public async Task<OrganizationInfo?> UpdateSettings(OrganizationSettings settings)
    {
        if (State.Info is null)
        {
            return null;
        }
        State.Info = State.Info with { Settings = settings };
        await org.WriteStateAsync();
        await EnsureDailySummary(settings);
        return State.Info;
    }

    public Task<IReadOnlyList<MemberInfo>> GetMembers() => Task.FromResult<IReadOnlyList<MemberInfo>>([.. State.Members]);

    public async Task<MemberChange> AddMember(string actorUserId, NewMember member)
    {
        if (State.Info is null)
        {
            return new MemberChange(MemberChangeStatus.NoOrganization);
        }
        var status = MemberRules.CanAdd(Find(actorUserId)?.Role, member.Role);
        if (status == MemberChangeStatus.Done && Find(member.UserId) is not null)
        {
            status = MemberChangeStatus.AlreadyMember;
        }
        if (status != MemberChangeStatus.Done)
        {
            return new MemberChange(status);
        }
        var added = new MemberInfo(member.UserId, member.Email, member.Name, member.Role, time.GetUtcNow());
        State.Members.Add(added);
        await org.WriteStateAsync();
        await GrainFactory.GetGrain<IUserGrain>(member.UserId).AddOrganization(this.GetPrimaryKeyString());
        return new MemberChange(MemberChangeStatus.Done, added);
    }

    public async Task<MemberChange> ChangeRole(string actorUserId, string userId, OrgRole role)
    {
        if (State.Info is null)
        {
            return new MemberChange(MemberChangeStatus.NoOrganization);
        }
        if (Find(userId) is not { } current)
        {
            return new MemberChange(MemberChangeStatus.NotMember);
        }
        var status = MemberRules.CanChange(Find(actorUserId)?.Role, current.Role, role, Owners);
        if (status != MemberChangeStatus.Done)
        {
            return new MemberChange(status);
        }
        var changed = current with { Role = role };
        State.Members[State.Members.IndexOf(current)] = changed;
        await org.WriteStateAsync();
        return new MemberChange(MemberChangeStatus.Done, changed);
    }

    public async Task<MemberChange> RemoveMember(string actorUserId, string userId)
    {
        if (State.Info is null)
        {
            return new MemberChange(MemberChangeStatus.NoOrganization);
        }
        if (Find(userId) is not { } current)
        {
            return new MemberChange(MemberChangeStatus.NotMember);
        }
        var status = MemberRules.CanRemove(Find(actorUserId)?.Role, actorUserId == userId, current.Role, Owners);
        if (status != MemberChangeStatus.Done)
        {
            return new MemberChange(status);
        }
        State.Members.Remove(current);
        await org.WriteStateAsync();
        await GrainFactory.GetGrain<IUserGrain>(userId).RemoveOrganization(this.GetPrimaryKeyString());
        return new MemberChange(MemberChangeStatus.Done);
    }

    public async Task<ApiKeyInfo?> CreateApiKey(NewApiKey key)
    {
        if (State.Info is null)
        {
            return null;
        }
        var stored = new StoredApiKey(key.Id, key.Name, key.Scopes, key.SecretHash, key.Prefix, time.GetUtcNow(), null);
        // Index first: a key that is indexed but not listed can't be used by anyone who didn't get its secret,
        // while a listed key missing from the index would look valid and never work.
        await GrainFactory.GetGrain<IApiKeyIndexGrain>(key.SecretHash).Register(new ApiKeyGrant(this.GetPrimaryKeyString(), key.Id, key.Scopes, Revoked: false));
        State.ApiKeys.Add(stored);
        await org.WriteStateAsync();
        return stored.ToInfo();
    }

    public Task<IReadOnlyList<ApiKeyInfo>> GetApiKeys() => Task.FromResult<IReadOnlyList<ApiKeyInfo>>([.. State.ApiKeys.Select(k => k.ToInfo())]);

    public async Task<bool> RevokeApiKey(string keyId)
    {
        var index = State.ApiKeys.FindIndex(k => k.Id == keyId);
        if (index < 0)
        {
            return false;
        }
        var key = State.ApiKeys[index];
        await GrainFactory.GetGrain<IApiKeyIndexGrain>(key.SecretHash).Revoke();
        if (key.RevokedAt is null)
        {
            State.ApiKeys[index] = key with { RevokedAt = time.GetUtcNow() };
            await org.WriteStateAsync();
        }
        return true;
    }

    /// <summary>
    /// The organization exists whatever happens to its summary's schedule: a failure is logged, not thrown, and the
    /// next settings change (Ensure is idempotent) schedules it again.
    /// </summary>
    private async Task EnsureDailySummary(OrganizationSettings settings)
    {
        try
        {
            await GrainFactory.GetGrain<IDailySummaryGrain>(this.GetPrimaryKeyString()).Ensure(settings);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            OrganizationLog.DailySummaryNotScheduled(logger, exception, this.GetPrimaryKeyString());
        }
    }

    private int Owners => State.Members.Count(m => m.Role == OrgRole.Owner);

    private MemberInfo? Find(string userId) => State.Members.Find(m => m.UserId == userId);
}

internal static partial class OrganizationLog
{
    [LoggerMessage(1, LogLevel.Error, "The daily summary of organization {OrganizationId} could not be scheduled; saving its settings again retries")]
    public static partial void DailySummaryNotScheduled(ILogger logger, Exception exception, string organizationId);
}
