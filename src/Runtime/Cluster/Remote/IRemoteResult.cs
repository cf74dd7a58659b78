using System.Text.Json;

namespace Granary.Runtime.Cluster.Remote;

/// <summary>The typed half of a request that crosses silos: its result as JSON, and its completion.</summary>
internal interface IRemoteResult
{
    /// <summary>Completes when the call has its outcome (faults with the grain's exception).</summary>
    Task Completion { get; }

    /// <summary>Writes the successful result (callee side).</summary>
    void WriteResult(Utf8JsonWriter writer, JsonSerializerOptions options);

    /// <summary>Reads the result and completes the caller's task (caller side).</summary>
    void CompleteFromJson(ref Utf8JsonReader reader, JsonSerializerOptions options);
}
