namespace Granary.Runtime.Tests.Grains;

/// <summary>Logs every incoming call with the correlation id it carries.</summary>
public sealed class RecordingIncomingFilter(EventLog log) : IIncomingGrainCallFilter
{
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        log.Add($"in {context.TargetId.Type}.{context.MethodName} corr={RequestContext.CorrelationId}");
        try
        {
            await context.Invoke();
        }
        catch (Exception ex)
        {
            log.Add($"in-failed {context.MethodName} {ex.GetType().Name}");
            throw;
        }
    }
}

/// <summary>Stamps a value on every outgoing call and logs the call.</summary>
public sealed class StampingOutgoingFilter(EventLog log) : IOutgoingGrainCallFilter
{
    public async Task Invoke(IOutgoingGrainCallContext context)
    {
        RequestContext.Set("stamped-by", "outgoing-filter");
        log.Add($"out {context.TargetId.Type}.{context.MethodName}");
        await context.Invoke();
    }
}
