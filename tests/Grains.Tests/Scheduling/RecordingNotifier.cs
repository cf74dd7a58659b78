using System.Collections.Concurrent;
using Granary.Grains.Organizations;
using Granary.Grains.Scheduling;

namespace Granary.Grains.Tests.Scheduling;

/// <summary>Stands in for email delivery (implemented elsewhere): records every summary handed over, from any silo.</summary>
internal sealed class RecordingNotifier : IDailySummaryNotifier
{
    private readonly ConcurrentQueue<(DailySummary Summary, MemberInfo Owner)> _sent = new();

    public IReadOnlyList<(DailySummary Summary, MemberInfo Owner)> Sent => [.. _sent];

    public Task NotifyAsync(DailySummary summary, MemberInfo owner, CancellationToken cancellationToken)
    {
        _sent.Enqueue((summary, owner));
        return Task.CompletedTask;
    }
}
