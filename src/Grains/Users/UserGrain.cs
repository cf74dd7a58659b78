using Granary.Grains.Emails;

namespace Granary.Grains.Users;

/// <summary>The stored shape of an account.</summary>
[GenerateSerializer, Alias("granary.state.UserState")]
public sealed class UserState
{
    [Id(0)]
    public string? Email { get; set; }

    [Id(1)]
    public string Name { get; set; } = "";

    [Id(2)]
    public string PasswordHash { get; set; } = "";

    [Id(3)]
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Organizations the user joined; the organization grains hold the roles.</summary>
    [Id(4)]
    public List<string> Organizations { get; set; } = [];
}

/// <summary>
/// One account. Creating it schedules the welcome email through a due reminder (<see cref="DueReminders"/>) registered before the write, so
/// the email is sent (by an email job) even if the silo stops right after the account is stored, and registration
/// never waits for SMTP.
/// </summary>
[GrainType("user")]
public sealed class UserGrain([PersistentState("user")] IPersistentState<UserState> user, TimeProvider time) : Grain, IUserGrain, IRemindable
{
    public const string WelcomeReminder = "welcome";

    /// <summary>Email jobs that belong to no organization (welcome emails) are keyed under this prefix.</summary>
    public const string AccountEmails = "accounts";

    private bool Exists => user.State.Email is not null;

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != WelcomeReminder)
        {
            return;
        }
        if (Exists)
        {
            // The email job's id is stable: a repeated tick (the enqueue failed, or the silo died before the
            // reminder was removed) finds the job and sends nothing twice.
            await WelcomeJob().Enqueue(
                new EmailRequest(AccountEmails, EmailTemplate.Welcome, user.State.Email!, new Dictionary<string, string> { ["name"] = user.State.Name }));
        }
        await this.UnregisterReminder(WelcomeReminder);
    }

    /// <summary>The welcome reminder again when the account exists and its welcome email job was never created.</summary>
    public async Task<int> RestoreReminders()
    {
        if (!Exists || await this.GetReminder(WelcomeReminder) is not null || await WelcomeJob().Get() is not null)
        {
            return 0;
        }
        await this.RegisterDueReminder(WelcomeReminder, TimeSpan.Zero);
        return 1;
    }

    /// <summary>The welcome email's job: its id is stable, so a repeated tick finds it and sends nothing twice.</summary>
    private IEmailJobGrain WelcomeJob() => GrainFactory.GetGrain<IEmailJobGrain>(EmailJobKey.For(AccountEmails, $"welcome-{this.GetPrimaryKeyString()}"));

    public async Task<bool> Create(NewUser command)
    {
        if (Exists)
        {
            return false;
        }
        await this.RegisterDueReminder(WelcomeReminder, TimeSpan.FromSeconds(1));
        user.State = new UserState
        {
            Email = command.Email,
            Name = command.Name,
            PasswordHash = command.PasswordHash,
            CreatedAt = time.GetUtcNow(),
        };
        await user.WriteStateAsync();
        return true;
    }

    public Task<UserProfile?> GetProfile() => Task.FromResult(
        Exists ? new UserProfile(this.GetPrimaryKeyString(), user.State.Email!, user.State.Name, user.State.CreatedAt) : null);

    public Task<string?> GetPasswordHash() => Task.FromResult(Exists ? user.State.PasswordHash : null);

    public async Task AddOrganization(string organizationId)
    {
        if (Exists && !user.State.Organizations.Contains(organizationId))
        {
            user.State.Organizations.Add(organizationId);
            await user.WriteStateAsync();
        }
    }

    public async Task RemoveOrganization(string organizationId)
    {
        if (user.State.Organizations.Remove(organizationId))
        {
            await user.WriteStateAsync();
        }
    }

    public Task<IReadOnlyList<string>> GetOrganizations() => Task.FromResult<IReadOnlyList<string>>([.. user.State.Organizations]);
}
