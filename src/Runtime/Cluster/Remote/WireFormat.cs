using System.Buffers;
using System.Collections.Immutable;
using System.Text.Json;
using Granary.Runtime.Messaging;
using Granary.Runtime.Persistence;

namespace Granary.Runtime.Cluster.Remote;

/// <summary>
/// How grain calls travel between silos, as JSON inside transport frames.
/// Request: <c>{"g":grain,"i":interface,"m":method id,"id":call id,"t":ms left,"v":view,"h":hops,"c":{context},"p":[[grain,call id],…],"a":[arguments]}</c>
/// ("a" last). Response: <c>{"s":0,"r":result}</c>, <c>{"s":1,"t":exception type,"m":message,"k":stack}</c>, or
/// <c>{"s":2,"v":view}</c> when the receiver doesn't own the grain.
/// </summary>
internal static class WireFormat
{
    /// <summary>Ancestors carried for call-cycle detection; deeper chains are cut.</summary>
    public const int MaxChainLength = 32;

    public static JsonSerializerOptions Options => GrainStateSerializer.Options;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    public static byte[] EncodeRequest(GrainRequest request, long remainingMilliseconds, long viewVersion)
    {
        var buffer = Buffer();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("g", request.Target.ToString());
            writer.WriteString("i", request.InterfaceName);
            writer.WriteNumber("m", request.MethodId);
            writer.WriteNumber("id", request.CallId);
            writer.WriteNumber("t", remainingMilliseconds);
            writer.WriteNumber("v", viewVersion);
            writer.WriteNumber("h", request.Hops);
            if (request.Context is { Values.Count: > 0 } context)
            {
                writer.WriteStartObject("c");
                foreach (var (key, value) in context.Values)
                {
                    writer.WriteString(key, value);
                }
                writer.WriteEndObject();
            }
            if (request.Parent is not null)
            {
                writer.WriteStartArray("p");
                var depth = 0;
                for (var parent = request.Parent; parent is not null && depth < MaxChainLength; parent = parent.Parent, depth++)
                {
                    writer.WriteStartArray();
                    writer.WriteStringValue(parent.Target.ToString());
                    writer.WriteNumberValue(parent.CallId);
                    writer.WriteEndArray();
                }
                writer.WriteEndArray();
            }
            writer.WritePropertyName("a");
            request.WriteArguments(writer, Options);
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Re-creates a request sent by <see cref="EncodeRequest"/>; throws <see cref="JsonException"/> on anything malformed.</summary>
    public static IncomingCall DecodeRequest(ReadOnlySpan<byte> payload)
    {
        var reader = new Utf8JsonReader(payload);
        Expect(ref reader, JsonTokenType.StartObject);
        string? grain = null, interfaceName = null;
        int? methodId = null;
        long callId = 0, remaining = 0, view = 0;
        var hops = 0;
        RequestContextData? context = null;
        List<(string Grain, long CallId)>? chain = null;
        GrainRequest? request = null;

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString();
            reader.Read();
            switch (name)
            {
                case "g": grain = reader.GetString(); break;
                case "i": interfaceName = reader.GetString(); break;
                case "m": methodId = reader.GetInt32(); break;
                case "id": callId = reader.GetInt64(); break;
                case "t": remaining = reader.GetInt64(); break;
                case "v": view = reader.GetInt64(); break;
                case "h": hops = reader.GetInt32(); break;
                case "c": context = ReadContext(ref reader); break;
                case "p": chain = ReadChain(ref reader); break;
                case "a":
                    if (interfaceName is null || methodId is null)
                    {
                        throw new JsonException("A grain call names its interface and method before its arguments.");
                    }
                    if (!GrainTypeRegistry.TryCreateRequest(interfaceName, methodId.Value, out request))
                    {
                        throw new JsonException($"This silo knows no method {methodId} of {interfaceName}: is it running the same version of the grains?");
                    }
                    request.ReadArguments(ref reader, Options);
                    break;
                default: reader.Skip(); break;
            }
        }
        if (grain is null || request is null)
        {
            throw new JsonException("A grain call names its grain and carries its arguments.");
        }

        var target = GrainId.Parse(grain);
        GrainRequest? parent = null;
        if (chain is not null)
        {
            for (var i = chain.Count - 1; i >= 0; i--)
            {
                parent = new RemoteAncestor(GrainId.Parse(chain[i].Grain), chain[i].CallId, parent);
            }
        }
        request.Target = target;
        request.CallId = callId;
        request.Hops = hops;
        request.Context = context;
        request.Parent = parent;
        return new IncomingCall(request, remaining, view);
    }

    public static byte[] EncodeResult(GrainRequest request)
    {
        var buffer = Buffer();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("s", 0);
            writer.WritePropertyName("r");
            ((IRemoteResult)request).WriteResult(writer, Options);
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    public static byte[] EncodeError(Exception exception)
    {
        var buffer = Buffer();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            var type = exception is RemoteGrainException remote ? remote.OriginalTypeName : $"{exception.GetType().FullName}, {exception.GetType().Assembly.GetName().Name}";
            writer.WriteStartObject();
            writer.WriteNumber("s", 1);
            writer.WriteString("t", type);
            writer.WriteString("m", exception.Message);
            writer.WriteString("k", exception.StackTrace);
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    public static byte[] EncodeMoved(long viewVersion) =>
        System.Text.Encoding.UTF8.GetBytes($$"""{"s":2,"v":{{viewVersion}}}""");

    /// <summary>Applies a response to the caller's request: completes it, fails it, or reports that the grain moved.</summary>
    public static ResponseKind ApplyResponse(ReadOnlySpan<byte> payload, GrainRequest request, out long movedViewVersion)
    {
        movedViewVersion = 0;
        var reader = new Utf8JsonReader(payload);
        Expect(ref reader, JsonTokenType.StartObject);
        var status = -1;
        string? type = null, message = null, stack = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString();
            reader.Read();
            switch (name)
            {
                case "s": status = reader.GetInt32(); break;
                case "r":
                    ((IRemoteResult)request).CompleteFromJson(ref reader, Options);
                    return ResponseKind.Completed;
                case "t": type = reader.GetString(); break;
                case "m": message = reader.GetString(); break;
                case "k": stack = reader.GetString(); break;
                case "v": movedViewVersion = reader.GetInt64(); break;
                default: reader.Skip(); break;
            }
        }
        switch (status)
        {
            case 1:
                request.TryFail(RecreateException(type ?? typeof(Exception).FullName!, message ?? "", stack));
                return ResponseKind.Failed;
            case 2:
                return ResponseKind.Moved;
            default:
                throw new JsonException($"A grain call response has an unknown status {status}.");
        }
    }

    /// <summary>The grain's exception with its type and message when this process knows the type; else a <see cref="RemoteGrainException"/>.</summary>
    public static Exception RecreateException(string typeName, string message, string? stack)
    {
        var type = Type.GetType(typeName, throwOnError: false);
        if (type is not null && typeof(Exception).IsAssignableFrom(type) && type.GetConstructor([typeof(string)]) is { } constructor)
        {
            try
            {
                return (Exception)constructor.Invoke([message]);
            }
            catch (System.Reflection.TargetInvocationException)
            {
                // Fall through to the generic form.
            }
        }
        return new RemoteGrainException(typeName, message, stack);
    }

    private static RequestContextData ReadContext(ref Utf8JsonReader reader)
    {
        var values = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var key = reader.GetString()!;
            reader.Read();
            values[key] = reader.GetString() ?? "";
        }
        return new RequestContextData(values.ToImmutable());
    }

    private static List<(string, long)> ReadChain(ref Utf8JsonReader reader)
    {
        var chain = new List<(string, long)>();
        while (reader.Read() && reader.TokenType == JsonTokenType.StartArray)
        {
            reader.Read();
            var grain = reader.GetString()!;
            reader.Read();
            var callId = reader.GetInt64();
            reader.Read();
            chain.Add((grain, callId));
        }
        return chain;
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type)
    {
        if (!reader.Read() || reader.TokenType != type)
        {
            throw new JsonException($"Expected {type} in a grain call message.");
        }
    }

    private static ArrayBufferWriter<byte> Buffer()
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(1024);
        buffer.ResetWrittenCount();
        return buffer;
    }
}

/// <summary>A call decoded from another silo, before it is delivered.</summary>
internal sealed record IncomingCall(GrainRequest Request, long RemainingMilliseconds, long SenderViewVersion);

/// <summary>What a response did to the caller's request.</summary>
internal enum ResponseKind
{
    Completed,
    Failed,
    Moved,
}
