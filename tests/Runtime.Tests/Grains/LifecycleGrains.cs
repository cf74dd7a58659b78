namespace Granary.Runtime.Tests.Grains;

public interface ILifecycleGrain : IGrainWithStringKey
{
    /// <summary>An id unique to the activation that answers.</summary>
    Task<Guid> ActivationId();

    Task Deactivate();

    /// <summary>The value of the constructor-injected service.</summary>
    Task<string> InjectedGreeting();
}

/// <summary>A service the test registers in the silo's services, to show constructor injection.</summary>
public sealed record Greeting(string Text);

public sealed class LifecycleGrain(EventLog log, Greeting greeting) : Grain, ILifecycleGrain
{
    private readonly Guid _activationId = Guid.NewGuid();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        log.Add($"activate {GetPrimaryKeyString()}");
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        log.Add($"deactivate {GetPrimaryKeyString()} {reason.Code}");
        return Task.CompletedTask;
    }

    public Task<Guid> ActivationId() => Task.FromResult(_activationId);

    public Task Deactivate()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    public Task<string> InjectedGreeting() => Task.FromResult(greeting.Text);
}

public interface IShortLivedGrain : IGrainWithStringKey
{
    Task<Guid> ActivationId();
}

/// <summary>Collected after 2 idle minutes instead of the silo's default.</summary>
[CollectionAgeLimit(Minutes = 2)]
public sealed class ShortLivedGrain(EventLog log) : Grain, IShortLivedGrain
{
    private readonly Guid _activationId = Guid.NewGuid();

    public Task<Guid> ActivationId() => Task.FromResult(_activationId);

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        log.Add($"deactivate {GetPrimaryKeyString()} {reason.Code}");
        return Task.CompletedTask;
    }
}

public interface IFailingActivationGrain : IGrainWithStringKey
{
    Task<string> Hello();
}

public sealed class FailingActivationGrain : Grain, IFailingActivationGrain
{
    public override Task OnActivateAsync(CancellationToken cancellationToken) =>
        throw new GrainTestException($"activation of {GetPrimaryKeyString()} refused");

    public Task<string> Hello() => Task.FromResult("never");
}
