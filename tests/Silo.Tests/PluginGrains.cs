namespace Granary.Silo.Tests;

/// <summary>A grain the silo knows only through <c>Granary:GrainAssemblies</c>: it ships in this test assembly.</summary>
public interface IPluginEchoGrain : IGrainWithStringKey
{
    Task<string> Echo(string text);
}

/// <summary>Answers with its key and the text, so the caller sees the call reached this very grain.</summary>
public sealed class PluginEchoGrain : Grain, IPluginEchoGrain
{
    public Task<string> Echo(string text) => Task.FromResult($"{this.GetPrimaryKeyString()}:{text}");
}
