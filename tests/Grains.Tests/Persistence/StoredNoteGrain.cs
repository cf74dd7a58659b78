using Orleans.Storage;

namespace Granary.Grains.Tests.Persistence;

/// <summary>A grain that stores a note and catches a conflicting write, as a grain that handles it itself would.</summary>
[Alias("granary.tests.IStoredNoteGrain")]
public interface IStoredNoteGrain : IGrainWithStringKey
{
    /// <summary>Sets the note and writes it: "saved", or the name of the write's exception, which the grain caught.</summary>
    Task<string> TrySave(string text);

    /// <summary>The note this activation holds, or null when none is stored.</summary>
    Task<string?> Read();
}

/// <summary>The state of <see cref="StoredNoteGrain"/>.</summary>
[GenerateSerializer, Alias("granary.tests.StoredNote")]
public sealed class StoredNote
{
    [Id(0)]
    public string Text { get; set; } = "";
}

/// <summary>Keeps its note in the "Default" storage.</summary>
public sealed class StoredNoteGrain([PersistentState("note")] IPersistentState<StoredNote> note) : Grain, IStoredNoteGrain
{
    public async Task<string> TrySave(string text)
    {
        note.State.Text = text;
        try
        {
            await note.WriteStateAsync();
            return "saved";
        }
        catch (InconsistentStateException conflict)
        {
            return conflict.GetType().Name;
        }
    }

    public Task<string?> Read() => Task.FromResult(note.RecordExists ? note.State.Text : null);
}
