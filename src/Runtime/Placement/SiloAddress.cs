namespace Granary.Runtime.Placement;

/// <summary>Where a silo listens, plus its generation (start time), so a restarted silo at the same address is a new identity.</summary>
public sealed record SiloAddress(string Host, int Port, long Generation)
{
    public override string ToString() => $"{Host}:{Port}@{Generation}";
}
