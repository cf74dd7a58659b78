using System.Text.Json;
using System.Text.Json.Serialization;

namespace Granary.Runtime.Persistence;

/// <summary>
/// How states become JSON: camelCase names and enums as strings, so rows read well with SQL; unknown fields are
/// ignored and missing ones take their defaults, so a state written by an older shape of its record still loads.
/// </summary>
internal static class GrainStateSerializer
{
    public static readonly JsonSerializerOptions Options = CreateOptions();

    public static string Serialize<T>(T state) => JsonSerializer.Serialize(state, Options);

    public static T Deserialize<T>(string json) =>
        JsonSerializer.Deserialize<T>(json, Options) ?? CreateDefault<T>();

    /// <summary>A fresh state: what an empty JSON object deserializes to, which works for records with constructor parameters too.</summary>
    public static T CreateDefault<T>() => JsonSerializer.Deserialize<T>("{}", Options)!;

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        };
        options.Converters.Add(new JsonStringEnumConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
