using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;

namespace Granary.WebApi.Http;

/// <summary>
/// Says in the API's words what System.Text.Json and ASP.NET Core's parameter binding refused, field by field: the
/// JSON path of the field and the rule (what it must be, that it is required, that it is not a field here). Their own
/// messages name .NET types, parser positions and framework advice, and never reach a client. The expected kind of a
/// field comes from the endpoint's request type, walked along the JSON path with the API's JSON settings; the kind of
/// failure from the exception (System.Text.Json's messages are fixed English texts of the runtime this ships with).
/// </summary>
internal static partial class BadRequestWording
{
    public const string Title = "The request is not valid.";

    /// <summary>The field errors for a refused body or parameter, or null when the exception is not such a refusal.</summary>
    public static Dictionary<string, string[]>? Describe(HttpContext context, Exception exception) => exception switch
    {
        BadHttpRequestException { InnerException: JsonException json } => Body(context, json),
        JsonException json => Body(context, json),
        BadHttpRequestException bad when bad.StatusCode == StatusCodes.Status400BadRequest => Parameter(bad),
        _ => null,
    };

    private static Dictionary<string, string[]> Body(HttpContext context, JsonException json)
    {
        var path = Field(json.Path);
        var message = json.Message;
        if (UnknownProperty().Match(message) is { Success: true } unknown)
        {
            var name = path.Length > 0 ? path : unknown.Groups["name"].Value;
            return One(name, $"{name} is not a field of this request.");
        }
        if (MissingProperties().Match(message) is { Success: true } missing)
        {
            var errors = new Dictionary<string, string[]>();
            foreach (var name in missing.Groups["names"].Value.Split(", ").Select(n => n.Trim('\'')))
            {
                var field = path.Length > 0 ? $"{path}.{name}" : name;
                errors[field] = [$"{field} is required."];
            }
            return errors;
        }
        if (message.StartsWith("The JSON value could not be converted", StringComparison.Ordinal))
        {
            var expected = ExpectedKind(context, path);
            return path.Length == 0
                ? One("body", $"The request body must be {expected ?? "a JSON object"}.")
                : One(path, $"{path} must be {expected ?? "a value of another type"}.");
        }
        // Anything else is the reader's: the text is not JSON (or breaks off) at that point.
        return One("body", path.Length == 0 ? "The request body is not valid JSON." : $"The request body is not valid JSON (near {path}).");
    }

    private static Dictionary<string, string[]> Parameter(BadHttpRequestException bad)
    {
        if (FailedToBind().Match(bad.Message) is { Success: true } bind)
        {
            var name = bind.Groups["name"].Value;
            return One(name, $"{name} must be {KindOfParameter(bind.Groups["type"].Value)}.");
        }
        if (RequiredParameter().Match(bad.Message) is { Success: true } required && !required.Groups["source"].Value.Contains("body", StringComparison.Ordinal))
        {
            var name = required.Groups["name"].Value;
            return One(name, $"{name} is required.");
        }
        // An empty body, or the JSON null, where the operation reads one.
        return One("body", "The request body is required: a JSON object.");
    }

    /// <summary>The kind of value the field at <paramref name="path"/> of the endpoint's request type takes, in the API's words.</summary>
    private static string? ExpectedKind(HttpContext context, string path)
    {
        // The exception handler runs with the endpoint cleared; the one that failed is kept in its feature.
        var endpoint = context.Features.Get<IExceptionHandlerFeature>()?.Endpoint ?? context.GetEndpoint();
        if (endpoint?.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType is not { } type)
        {
            return null;
        }
        var options = context.RequestServices.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        foreach (var step in Steps().Matches(path).Select(m => m.Value))
        {
            if (step.StartsWith('['))
            {
                type = ElementType(type) ?? type;
                continue;
            }
            var info = options.GetTypeInfo(type);
            if (info.Kind != JsonTypeInfoKind.Object || info.Properties.FirstOrDefault(p => p.Name == step) is not { } property)
            {
                return null;
            }
            type = property.PropertyType;
        }
        return Kind(type);
    }

    private static string Kind(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string))
        {
            return "a string";
        }
        if (type == typeof(bool))
        {
            return "true or false";
        }
        if (type == typeof(int) || type == typeof(long) || type == typeof(short))
        {
            return "a whole number";
        }
        if (type == typeof(decimal) || type == typeof(double) || type == typeof(float))
        {
            return "a number";
        }
        if (type == typeof(DateTimeOffset) || type == typeof(DateTime))
        {
            return "a date and time (ISO 8601, such as 2026-12-07T09:00:00Z)";
        }
        if (type == typeof(DateOnly))
        {
            return "a date (such as 2026-12-07)";
        }
        if (type.IsEnum)
        {
            return "one of " + string.Join(", ", Enum.GetNames(type).Select(JsonNamingPolicy.CamelCase.ConvertName));
        }
        return ElementType(type) is not null ? "an array" : "a JSON object";
    }

    private static Type? ElementType(Type type) =>
        type == typeof(string) ? null
        : type.IsArray ? type.GetElementType()
        : type.GetInterfaces().Append(type).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0];

    /// <summary>The C# type names ASP.NET Core gives the parameters it failed to bind ("Nullable&lt;int&gt;", "int"…).</summary>
    private static readonly Dictionary<string, Type> ParameterTypes = new(StringComparer.Ordinal)
    {
        ["int"] = typeof(int), ["long"] = typeof(long), ["short"] = typeof(short),
        ["decimal"] = typeof(decimal), ["double"] = typeof(double), ["float"] = typeof(float), ["bool"] = typeof(bool),
        ["DateTimeOffset"] = typeof(DateTimeOffset), ["DateTime"] = typeof(DateTime), ["DateOnly"] = typeof(DateOnly),
    };

    /// <summary>A query or route parameter's kind, in the same words as a body field's (<see cref="Kind"/>).</summary>
    private static string KindOfParameter(string type) =>
        ParameterTypes.TryGetValue(type.Replace("Nullable<", "", StringComparison.Ordinal).TrimEnd('>'), out var known) ? Kind(known) : "a value of another form";

    /// <summary>"$.lines[0].quantity" → "lines[0].quantity"; "$" → "".</summary>
    private static string Field(string? jsonPath) => (jsonPath ?? "$").TrimStart('$').TrimStart('.');

    private static Dictionary<string, string[]> One(string field, string message) => new() { [field] = [message] };

    [GeneratedRegex(@"^The JSON property '(?<name>[^']*)' could not be mapped")]
    private static partial Regex UnknownProperty();

    [GeneratedRegex(@"was missing required properties including: (?<names>'[^']*'(, '[^']*')*)")]
    private static partial Regex MissingProperties();

    [GeneratedRegex(@"^Failed to bind parameter ""(?<type>.+) (?<name>[A-Za-z_][A-Za-z0-9_]*)"" from")]
    private static partial Regex FailedToBind();

    [GeneratedRegex(@"^Required parameter ""(?<type>.+) (?<name>[A-Za-z_][A-Za-z0-9_]*)"" was not provided from (?<source>[^.]+)")]
    private static partial Regex RequiredParameter();

    /// <summary>The steps of a field path: names and [index] parts.</summary>
    [GeneratedRegex(@"\[\d+\]|[^.\[\]]+")]
    private static partial Regex Steps();
}
