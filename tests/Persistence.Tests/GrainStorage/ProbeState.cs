namespace Granary.Persistence.Tests.GrainStorage;

/// <summary>The state the grain storage contract tests write and read.</summary>
[GenerateSerializer, Alias("granary.tests.probe-state")]
public sealed class ProbeState
{
    [Id(0)]
    public string Text { get; set; } = "";

    [Id(1)]
    public int Number { get; set; }

    [Id(2)]
    public byte[]? Blob { get; set; }
}
