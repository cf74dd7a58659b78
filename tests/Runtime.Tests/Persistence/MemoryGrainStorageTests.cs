using Granary.Runtime.Persistence;
using Granary.Runtime.Persistence.Memory;

namespace Granary.Runtime.Tests.Persistence;

/// <summary>The storage contract against the in-memory provider.</summary>
public sealed class MemoryGrainStorageTests : GrainStorageContractTests
{
    private readonly MemoryGrainStorage _store = new();

    protected override string ExpectedKind => "memory";

    // Every provider over "the same store" is the one instance: memory is not shared between instances.
    protected override Task<IGrainStorage> CreateStorageAsync() => Task.FromResult<IGrainStorage>(_store);

    protected override Task<IReadOnlyList<IGrainStorage>> CreateFreshStoragesAsync(int count)
    {
        var fresh = new MemoryGrainStorage();
        return Task.FromResult<IReadOnlyList<IGrainStorage>>(Enumerable.Repeat<IGrainStorage>(fresh, count).ToList());
    }

    [Fact]
    public async Task Write_EtagsAreIncreasingIntegers()
    {
        var grain = NewGrainId();
        var first = await Storage.WriteAsync(grain, "state", "{}", null, CancellationToken.None);
        var second = await Storage.WriteAsync(grain, "state", "{}", first, CancellationToken.None);

        Assert.True(long.Parse(second, System.Globalization.CultureInfo.InvariantCulture) > long.Parse(first, System.Globalization.CultureInfo.InvariantCulture));
    }
}
