using System.Net.Mail;
using Granary.Grains.Jobs;
using Granary.ReadModel;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Granary.Grains.Emails;

/// <summary>
/// One email, keyed "{orgId}/{jobId}". Enqueue renders the template once and makes the first attempt at once through
/// <see cref="IEmailSenderGrain"/>; nothing is stored before that attempt ends, then one state write records its
/// outcome. A failed attempt keeps a due reminder (<see cref="DueReminders"/>) for the next one, on <see cref="EmailOptions.Schedule"/>:
/// <code>
///   Enqueue ── render error, or SMTP not configured ──────────────────▶ Dead
///   Enqueue, reminder tick (Retrying) or Retry() ── attempt ─┬─ sent ───────────────────────▶ Succeeded
///                                                            ├─ failed, schedule left ──────▶ Retrying (reminder due at nextAttemptAt)
///                                                            └─ failed, schedule used up ───▶ Dead (reminder removed)
///   Retry() on Dead: attempt in a new run of the schedule; on Succeeded: nothing, an email is never sent twice.
/// </code>
/// The reminder is registered before the write that announces it, so a crash between the two leaves a tick that
/// finds nothing to do rather than a retrying job nobody wakes. Its list row is kept as <see cref="ReadModelGrain"/> says.
/// </summary>
[GrainType("emailjob")]
public sealed class EmailJobGrain(
    [PersistentState("email")] IPersistentState<EmailJobState> job,
    IOptionsMonitor<EmailOptions> options,
    JobMetrics metrics,
    IReadModelWriter views,
    ILogger<EmailJobGrain> logger,
    TimeProvider time) : ReadModelGrain, IEmailJobGrain, IRemindable
{
    public const string RetryReminder = "email-retry";

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (job.State.Created)
        {
            await views.WriteEmailJobAsync(job.State.ToInfo(), job.State.Revision, cancellationToken);
        }
    }

    public async Task<EmailJobInfo> Enqueue(EmailRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (job.State.Created)
        {
            return job.State.ToInfo();
        }
        var (organizationId, jobId) = SplitKey();
        Validate(request, organizationId);

        var now = time.GetUtcNow();
        var state = new EmailJobState
        {
            Created = true,
            Id = jobId,
            OrganizationId = organizationId,
            Template = request.Template,
            To = request.To,
            Status = JobStatus.Pending,
            CreatedAt = now,
            UpdatedAt = now,
        };
        try
        {
            var message = EmailTemplates.Render(request.Template, request.Values);
            state = state with { Subject = message.Subject, TextBody = message.TextBody, HtmlBody = message.HtmlBody, Rendered = true };
        }
        catch (EmailTemplateException ex)
        {
            // A retry would render the same values the same way: dead at once.
            return await Finish(state with { Status = JobStatus.Dead, LastError = ex.Message });
        }
        return await Attempt(state);
    }

    public Task<EmailJobInfo?> Get() => Task.FromResult(job.State.Created ? job.State.ToInfo() : null);

    /// <summary>
    /// Attempts now a retrying or dead job (a dead one starts a new run of the schedule). A succeeded job is not sent
    /// twice, and a job whose template failed to render has nothing to send: both come back unchanged.
    /// </summary>
    public async Task<EmailJobInfo?> Retry()
    {
        var state = job.State;
        if (!state.Created)
        {
            return null;
        }
        if (!state.Rendered || state.Status == JobStatus.Succeeded)
        {
            return state.ToInfo();
        }
        return await Attempt(state.Status == JobStatus.Dead ? state with { ScheduleAttemptCount = 0 } : state);
    }

    public Task<int> RestoreReminders() =>
        job.State.Created && job.State.Rendered && job.State.Status is JobStatus.Retrying or JobStatus.Pending
            ? this.RestoreDueReminder(RetryReminder, job.State.NextAttemptAt ?? time.GetUtcNow(), time)
            : Task.FromResult(0);

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != RetryReminder)
        {
            return;
        }
        // The attempt moves or removes the reminder; a tick for a job that was never stored, or that a manual retry
        // already finished, has nothing to do but remove it.
        if (job.State.Created && job.State.Status == JobStatus.Retrying)
        {
            await Attempt(job.State);
        }
        else
        {
            await this.UnregisterReminder(RetryReminder);
        }
    }

    private async Task<EmailJobInfo> Attempt(EmailJobState state)
    {
        var error = await Send(state.ToMessage());
        var now = time.GetUtcNow();
        var attempts = state.ScheduleAttemptCount + 1;
        state = state with
        {
            AttemptCount = state.AttemptCount + 1,
            ScheduleAttemptCount = attempts,
            LastError = error,
            NextAttemptAt = null,
            UpdatedAt = now,
        };

        if (error is null)
        {
            return await Finish(state with { Status = JobStatus.Succeeded });
        }
        if (Configured && options.CurrentValue.Schedule.DelayAfter(attempts) is { } delay)
        {
            await this.RegisterDueReminder(RetryReminder, delay);
            var retrying = state with { Status = JobStatus.Retrying, NextAttemptAt = now + delay };
            await Store(retrying);
            metrics.Reached(JobKind.Email, JobStatus.Retrying);
            EmailLog.Retrying(logger, this.GetPrimaryKeyString(), retrying.Template, retrying.AttemptCount, now + delay, error);
            return retrying.ToInfo();
        }
        return await Finish(state with { Status = JobStatus.Dead });
    }

    /// <summary>Writes the state as the next revision with its list row (in one write where the storage allows).</summary>
    private async Task Store(EmailJobState state)
    {
        job.State = state with { Revision = job.State.Revision + 1 };
        await WriteRowAsync(() => views.WriteEmailJobWithStateAsync(job.WriteStateAsync, job.State.ToInfo(), job.State.Revision));
    }

    /// <summary>Stores a final state (Succeeded or Dead), then drops the retry reminder an earlier failure left.</summary>
    private async Task<EmailJobInfo> Finish(EmailJobState state)
    {
        var hadReminder = job.State.Created && job.State.Status == JobStatus.Retrying;
        await Store(state);

        var key = this.GetPrimaryKeyString();
        if (state.Status == JobStatus.Succeeded)
        {
            metrics.Reached(JobKind.Email, JobStatus.Succeeded);
            EmailLog.Sent(logger, key, state.Template, state.AttemptCount);
        }
        else
        {
            metrics.Reached(JobKind.Email, JobStatus.Dead);
            EmailLog.Dead(logger, key, state.Template, state.AttemptCount, state.LastError ?? "");
        }

        if (hadReminder)
        {
            try
            {
                await this.UnregisterReminder(RetryReminder);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The outcome is stored; failing the caller now would invite a retry of an email already sent.
                EmailLog.ReminderNotRemoved(logger, ex, key);
            }
        }
        return state.ToInfo();
    }

    /// <summary>One attempt; the error that made it fail, or null when the server took the message.</summary>
    private async Task<string?> Send(EmailMessage message)
    {
        if (!Configured)
        {
            return SmtpEmailSender.NotConfigured;
        }
        try
        {
            await GrainFactory.GetGrain<IEmailSenderGrain>(0).Send(message);
            return null;
        }
        catch (Exception ex)
        {
            // EmailSendException for what the server did; anything else (a call timeout) fails this attempt alike.
            return ex is EmailSendException ? ex.Message : $"{ex.GetType().Name}: {ex.Message}";
        }
    }

    /// <summary>Without an SMTP host no attempt can succeed until the silos are reconfigured: dead, not retried.</summary>
    private bool Configured => !string.IsNullOrWhiteSpace(options.CurrentValue.Host);

    private static void Validate(EmailRequest request, string organizationId)
    {
        if (!string.Equals(request.OrganizationId, organizationId, StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"The request's organization '{request.OrganizationId}' is not the job key's '{organizationId}' (keys are EmailJobKey.For(org, jobId)).",
                nameof(request));
        }
        if (!MailAddress.TryCreate(request.To, out _))
        {
            throw new ArgumentException($"'{request.To}' is not an email address.", nameof(request));
        }
        ArgumentNullException.ThrowIfNull(request.Values, nameof(request.Values));
    }

    private (string OrganizationId, string JobId) SplitKey()
    {
        var key = this.GetPrimaryKeyString();
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? ("", key) : (key[..slash], key[(slash + 1)..]);
    }
}
