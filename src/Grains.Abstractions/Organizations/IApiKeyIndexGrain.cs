namespace Granary.Grains.Organizations;

/// <summary>Finds an API key from its secret: one grain per SHA-256 hash (hex) of the secret.</summary>
[Alias("granary.IApiKeyIndexGrain")]
public interface IApiKeyIndexGrain : IGrainWithStringKey
{
    Task Register(ApiKeyGrant grant);

    /// <summary>The grant, or null when no key has this hash.</summary>
    [ReadOnly]
    Task<ApiKeyGrant?> Get();

    Task Revoke();
}

/// <summary>What a key lets its holder do: act in one organization with some scopes, until revoked.</summary>
[GenerateSerializer, Immutable, Alias("granary.ApiKeyGrant")]
public sealed record ApiKeyGrant(string OrganizationId, string KeyId, IReadOnlyList<string> Scopes, bool Revoked);

/// <summary>The scopes an API key can carry.</summary>
public static class ApiKeyScopes
{
    public const string Read = "read";
    public const string Write = "write";

    public static readonly IReadOnlyList<string> All = [Read, Write];
}
