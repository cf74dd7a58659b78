namespace Granary.Grains.Jobs;

/// <summary>
/// Where a job (a webhook delivery, an email) stands. Stored by name in the job grain's state row (field
/// <c>status</c>), which the SQL lists and the jobs summary read.
/// </summary>
public enum JobStatus
{
    /// <summary>Recorded, first attempt not finished yet.</summary>
    Pending,

    /// <summary>At least one attempt failed; the next one is due at <c>nextAttemptAt</c> (a reminder holds it).</summary>
    Retrying,

    /// <summary>Done.</summary>
    Succeeded,

    /// <summary>Every attempt of the schedule failed, or the target refused for good; waits for a manual retry.</summary>
    Dead,
}

/// <summary>The kinds of background job the jobs summary counts.</summary>
public enum JobKind
{
    Webhook,
    Email,
}
