namespace Granary.Runtime.Activations;

/// <summary>Something that must load before the grain's OnActivateAsync runs (persistent states).</summary>
internal interface IActivationLoader
{
    Task LoadAsync(CancellationToken cancellationToken);
}
