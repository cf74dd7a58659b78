using Granary.Runtime.Tests.Grains;

namespace Granary.Runtime.Tests.Runtime;

public sealed class FilterAndContextTests
{
    [Fact]
    public async Task RequestContext_FlowsFromTheCallerThroughTwoHops()
    {
        await using var cluster = await ClusterFactory.StartAsync(new EventLog());
        RequestContext.Set("tenant", "acme");
        RequestContext.CorrelationId = "req-123";

        var seen = await cluster.GrainFactory.GetGrain<ICallerGrain>("ctx-1").ReadContext("tenant", "ctx-2");
        var correlation = await cluster.GrainFactory.GetGrain<ICallerGrain>("ctx-1").ReadContextHere(RequestContext.CorrelationIdKey);

        Assert.Equal(["acme", "acme"], seen);
        Assert.Equal("req-123", correlation);
        RequestContext.Clear();
        Assert.Null(await cluster.GrainFactory.GetGrain<ICallerGrain>("ctx-1").ReadContextHere("tenant"));
    }

    [Fact]
    public async Task IncomingAndOutgoingFilters_RunAroundEveryCall_AndSeeTheContext()
    {
        var log = new EventLog();
        await using var cluster = await ClusterFactory.StartAsync(log, o => o.ConfigureGranary = g => g
            .AddIncomingGrainCallFilter<RecordingIncomingFilter>()
            .AddOutgoingGrainCallFilter<StampingOutgoingFilter>());
        RequestContext.CorrelationId = "corr-7";

        var seen = await cluster.GrainFactory.GetGrain<ICallerGrain>("filtered-1").ReadContext("stamped-by", "filtered-2");
        await Assert.ThrowsAsync<GrainTestException>(() => cluster.GrainFactory.GetGrain<ICallerGrain>("filtered-1").Throw("no"));
        RequestContext.Clear();

        Assert.Equal(["outgoing-filter", "outgoing-filter"], seen);
        Assert.Equal(
            [
                "out caller.ReadContext",
                "in caller.ReadContext corr=corr-7",
                "out caller.ReadContextHere",
                "in caller.ReadContextHere corr=corr-7",
                "out caller.Throw",
                "in caller.Throw corr=corr-7",
                "in-failed Throw GrainTestException",
            ],
            log.Entries);
    }
}
