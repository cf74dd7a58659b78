namespace Granary.Runtime;

/// <summary>The state of one provider (storage, reminders, membership) as reported by /health/ready.</summary>
/// <param name="Component">What the provider serves: "storage", "reminders".</param>
/// <param name="Kind">The provider kind: "sqlite", "postgres", "redis", "memory".</param>
/// <param name="Healthy">True when the provider answered a round trip.</param>
/// <param name="Detail">A short description or the error met.</param>
public sealed record ProviderHealth(string Component, string Kind, bool Healthy, string? Detail);
