using System.Collections.Concurrent;
using Granary.Grains.Organizations;

namespace Granary.WebApi.Organizations;

/// <summary>
/// Callers' roles in organizations as the organization grain answered them, remembered for
/// <see cref="HttpOptions.RoleCacheDuration"/> (2 s by default; zero asks the grain every time). Every
/// <c>/api/v1/orgs/{org}/…</c> request needs the caller's role, and asking the organization grain was one of the two
/// grain calls of a cached <c>GET …/orders/{id}</c> (bench/run.sh http). A membership change made through this silo
/// forgets the organization's entries at once — and an answer fetched before the change is not stored after it — so
/// on one silo a change applies to the next request; the other silos of a cluster apply it within the duration.
/// Negative answers are kept too, so a flood of requests to organizations one isn't a member of reaches no grain.
/// </summary>
internal sealed class OrgRoleCache(IGrainFactory grains, HttpOptions options, TimeProvider time)
{
    private const int MaxEntries = 100_000;

    private readonly ConcurrentDictionary<(string Organization, string User), Entry> _roles = new();
    private readonly long _durationTicks = (long)(options.RoleCacheDuration.TotalSeconds * time.TimestampFrequency);
    private long _generation;

    public async ValueTask<OrgRole?> GetAsync(string organizationId, string userId)
    {
        if (_durationTicks <= 0)
        {
            return await grains.GetGrain<IOrganizationGrain>(organizationId).GetRole(userId);
        }
        var key = (organizationId, userId);
        if (_roles.TryGetValue(key, out var entry) && entry.Until > time.GetTimestamp())
        {
            return entry.Role;
        }
        var generation = Volatile.Read(ref _generation);
        var role = await grains.GetGrain<IOrganizationGrain>(organizationId).GetRole(userId);
        if (_roles.Count >= MaxEntries)
        {
            _roles.Clear();
        }
        _roles[key] = new Entry(role, time.GetTimestamp() + _durationTicks);
        if (Volatile.Read(ref _generation) != generation)
        {
            // A change was made while the grain answered: the answer may predate it.
            _roles.TryRemove(key, out _);
        }
        return role;
    }

    /// <summary>Forgets every cached role in the organization (after a member was added, changed or removed through this silo).</summary>
    public void Forget(string organizationId)
    {
        Interlocked.Increment(ref _generation);
        foreach (var key in _roles.Keys)
        {
            if (string.Equals(key.Organization, organizationId, StringComparison.Ordinal))
            {
                _roles.TryRemove(key, out _);
            }
        }
    }

    private sealed record Entry(OrgRole? Role, long Until);
}
