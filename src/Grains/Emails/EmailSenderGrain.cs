namespace Granary.Grains.Emails;

/// <summary>The SMTP I/O of email jobs, local to each silo (a stateless worker over <see cref="SmtpEmailSender"/>).</summary>
[StatelessWorker]
public sealed class EmailSenderGrain(SmtpEmailSender sender) : Grain, IEmailSenderGrain
{
    public Task Send(EmailMessage message) => sender.SendAsync(message);
}
