namespace Granary.Grains.Jobs;

/// <summary>
/// How long a job waits after each failed attempt: <c>Delays[0]</c> after the first, <c>Delays[1]</c> after the
/// second, … ; once they are used up the job is dead. A job therefore makes at most <c>Delays.Count + 1</c> attempts.
/// </summary>
[GenerateSerializer, Immutable, Alias("granary.RetrySchedule")]
public sealed record RetrySchedule(IReadOnlyList<TimeSpan> Delays)
{
    /// <summary>Close to what webhook providers use: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h.</summary>
    public static RetrySchedule WebhookDefault { get; } = new([
        TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2),
        TimeSpan.FromHours(5), TimeSpan.FromHours(10), TimeSpan.FromHours(10)]);

    /// <summary>Emails: 30 s, 2 min, 10 min, 1 h, 6 h.</summary>
    public static RetrySchedule EmailDefault { get; } = new([
        TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(10), TimeSpan.FromHours(1), TimeSpan.FromHours(6)]);

    public int MaxAttempts => Delays.Count + 1;

    /// <summary>The wait before the next attempt after <paramref name="attemptsMade"/> attempts, or null when the job is dead.</summary>
    public TimeSpan? DelayAfter(int attemptsMade) =>
        attemptsMade >= 1 && attemptsMade <= Delays.Count ? Delays[attemptsMade - 1] : null;
}
