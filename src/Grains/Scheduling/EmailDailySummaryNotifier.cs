using Granary.Grains.Emails;
using Granary.Grains.Organizations;

namespace Granary.Grains.Scheduling;

/// <summary>
/// Enqueues the <see cref="EmailTemplate.DailySummary"/> email as an email job whose id names the organization, date
/// and owner, so a repeated tick finds the job already recorded and sends nothing twice.
/// </summary>
internal sealed class EmailDailySummaryNotifier(IGrainFactory grains) : IDailySummaryNotifier
{
    public async Task NotifyAsync(DailySummary summary, MemberInfo owner, CancellationToken cancellationToken)
    {
        var key = EmailJobKey.For(summary.OrganizationId, JobId(summary.Date, owner.UserId));
        var request = new EmailRequest(summary.OrganizationId, EmailTemplate.DailySummary, owner.Email, summary.TemplateValues());
        await grains.GetGrain<IEmailJobGrain>(key).Enqueue(request);
    }

    /// <summary>The email job id of one owner's summary of one day.</summary>
    public static string JobId(DateOnly date, string userId) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"daily-summary-{date:yyyy-MM-dd}-{userId}");
}
