namespace Granary.Grains.Organizations;

/// <summary>The stored grant of one key hash.</summary>
[GenerateSerializer, Alias("granary.state.ApiKeyIndexState")]
public sealed class ApiKeyIndexState
{
    [Id(0)]
    public ApiKeyGrant? Grant { get; set; }
}

[GrainType("apikeyindex")]
public sealed class ApiKeyIndexGrain([PersistentState("apikey")] IPersistentState<ApiKeyIndexState> index) : Grain, IApiKeyIndexGrain
{
    public async Task Register(ApiKeyGrant grant)
    {
        if (index.State.Grant is { } existing && existing.KeyId != grant.KeyId)
        {
            throw new InvalidOperationException("Another API key already has this hash.");
        }
        index.State.Grant = grant;
        await index.WriteStateAsync();
    }

    public Task<ApiKeyGrant?> Get() => Task.FromResult(index.State.Grant);

    public async Task Revoke()
    {
        if (index.State.Grant is { Revoked: false } grant)
        {
            index.State.Grant = grant with { Revoked = true };
            await index.WriteStateAsync();
        }
    }
}
