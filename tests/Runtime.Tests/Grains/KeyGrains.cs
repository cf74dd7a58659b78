namespace Granary.Runtime.Tests.Grains;

public interface IStringKeyGrain : IGrainWithStringKey
{
    Task<string> Key();
}

public interface IGuidKeyGrain : IGrainWithGuidKey
{
    Task<Guid> Key();
}

public interface IIntegerKeyGrain : IGrainWithIntegerKey
{
    Task<long> Key();
}

public sealed class StringKeyGrain : Grain, IStringKeyGrain
{
    public Task<string> Key() => Task.FromResult(GetPrimaryKeyString());
}

public sealed class GuidKeyGrain : Grain, IGuidKeyGrain
{
    public Task<Guid> Key() => Task.FromResult(GetPrimaryKey());
}

[GrainType("numbered")]
public sealed class IntegerKeyGrain : Grain, IIntegerKeyGrain
{
    public Task<long> Key() => Task.FromResult(GetPrimaryKeyLong());
}
