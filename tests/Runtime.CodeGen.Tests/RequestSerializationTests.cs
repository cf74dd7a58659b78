using System.Buffers;
using System.Reflection;
using System.Runtime.Loader;
using System.Text;
using System.Text.Json;
using Granary.Runtime.Messaging;

namespace Granary.Runtime.CodeGen.Tests;

/// <summary>
/// Generated requests write their arguments as a JSON array and read them back into a request the registry re-creates,
/// as a silo receiving a call from another silo does.
/// </summary>
public class RequestSerializationTests
{
    private const string Source = """
        using System;
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;
        using Granary.Runtime;

        namespace WireNs;

        public enum Colour { Red, Green, Blue }

        public sealed record Point(int X, int Y, string? Label);

        public interface IShapeBase : IGrainWithStringKey
        {
            Task<int> Area(Point corner);
        }

        public interface IWireGrain : IShapeBase
        {
            Task<string> Everything(int count, string? note, Point point, List<Point> points, Guid id, DateTimeOffset at, Colour colour, int? limit);
            ValueTask<long> WithToken(string name, CancellationToken cancellationToken, long size);
            Task Nothing();
            Task<string?[]> Collections(string?[] tags, Dictionary<string, List<int?>> counts, params int[] extra);
        }

        public interface IGenericGrain<T> : IGrainWithStringKey
        {
            Task Put(T item, T? maybe);
        }

        public interface IClosedGrain : IGenericGrain<Point>
        {
            Task Other(Point point);
        }
        """;

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    private static readonly Lazy<(Assembly Assembly, string Namespace, string Registration, string Requests)> Compiled = new(() =>
    {
        var run = GeneratorHarness.Run(Source).AssertClean();
        var assembly = run.Load();
        GrainTypeRegistry.EnsureLoaded(assembly);
        return (assembly, "Granary.Generated." + run.Output.AssemblyName, run.Source("GranaryGeneratedRegistration.g.cs"),
            run.Source("WireNs.IWireGrain.Requests.g.cs") + run.Source("WireNs.IGenericGrain`1.Requests.g.cs"));
    });

    private static Type GrainInterface(string name) => Compiled.Value.Assembly.GetType("WireNs." + name, throwOnError: true)!;

    private static object NewPoint(int x, int y, string? label) =>
        Activator.CreateInstance(Compiled.Value.Assembly.GetType("WireNs.Point", throwOnError: true)!, x, y, label)!;

    private static object Colour(string name) => Enum.Parse(Compiled.Value.Assembly.GetType("WireNs.Colour", throwOnError: true)!, name);

    private static System.Collections.IList PointList(params object[] points)
    {
        var list = (System.Collections.IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(points[0].GetType()))!;
        foreach (var point in points)
        {
            list.Add(point);
        }
        return list;
    }

    /// <summary>Calls <paramref name="method"/> on a proxy whose sender records the request instead of sending it.</summary>
    private static GrainRequest SendThroughProxy(string interfaceName, string method, params object?[] arguments)
    {
        var grainInterface = GrainInterface(interfaceName);
        var factory = RuntimeAccess.GetProxyFactory(grainInterface);
        Assert.NotNull(factory);
        var (context, sender) = RuntimeAccess.CreateRecordingContext();
        var proxy = factory(context, new GrainId("wire", "one"));
        var declaring = new[] { grainInterface }.Concat(grainInterface.GetInterfaces()).First(i => i.GetMethod(method) is not null);
        declaring.GetMethod(method)!.Invoke(proxy, arguments);
        return Assert.Single(sender.Sent).Request;
    }

    /// <summary>A new request from the registry, once the snippet's registration has run.</summary>
    private static GrainRequest Fresh(string interfaceName, int methodId)
    {
        _ = Compiled.Value;
        return RuntimeAccess.CreateRequest(interfaceName, methodId)
            ?? throw new InvalidOperationException($"No request registered for {interfaceName} #{methodId}");
    }

    private static string Write(GrainRequest request)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            request.WriteArguments(writer, Options);
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Reads <paramref name="json"/> (an arguments array) into <paramref name="request"/>, as a receiving silo would.</summary>
    private static void Read(GrainRequest request, string json)
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
        Assert.True(reader.Read());
        request.ReadArguments(ref reader, Options);
        Assert.Equal(JsonTokenType.EndArray, reader.TokenType);
        Assert.False(reader.Read());
    }

    /// <summary>Writes the request, re-creates it from the registry and reads the JSON into the new request.</summary>
    private static GrainRequest RoundTrip(GrainRequest original)
    {
        var json = Write(original);
        var received = RuntimeAccess.CreateRequest(original.InterfaceName, original.MethodId);
        Assert.NotNull(received);
        Assert.NotSame(original, received);
        Assert.Same(original.GetType(), received.GetType());
        Read(received, json);
        return received;
    }

    private static void AssertSameArguments(GrainRequest expected, GrainRequest actual)
    {
        Assert.Equal(expected.ArgumentCount, actual.ArgumentCount);
        for (var i = 0; i < expected.ArgumentCount; i++)
        {
            Assert.Equal(expected.GetArgument(i), actual.GetArgument(i));
        }
    }

    [Fact]
    public void Generated_code_uses_each_parameters_declared_type_and_keeps_nullable_annotations()
    {
        var requests = Compiled.Value.Requests;
        Assert.Contains("global::System.Text.Json.JsonSerializer.Serialize<string?>(writer, Arg1, options);", requests, StringComparison.Ordinal);
        Assert.Contains("Arg0 = global::System.Text.Json.JsonSerializer.Deserialize<int>(ref reader, options);", requests, StringComparison.Ordinal);
        Assert.Contains("Arg1 = global::System.Text.Json.JsonSerializer.Deserialize<string?>(ref reader, options);", requests, StringComparison.Ordinal);
        Assert.Contains("Arg2 = global::System.Text.Json.JsonSerializer.Deserialize<global::WireNs.Point>(ref reader, options)!;", requests, StringComparison.Ordinal);
        Assert.Contains("Arg7 = global::System.Text.Json.JsonSerializer.Deserialize<int?>(ref reader, options);", requests, StringComparison.Ordinal);
        Assert.Contains("Arg0 = global::System.Text.Json.JsonSerializer.Deserialize<T>(ref reader, options)!;", requests, StringComparison.Ordinal);
        Assert.Contains("Arg1 = global::System.Text.Json.JsonSerializer.Deserialize<T?>(ref reader, options);", requests, StringComparison.Ordinal);
        Assert.DoesNotContain("CancellationToken>(", requests, StringComparison.Ordinal);
    }

    [Fact]
    public void Arguments_of_many_types_round_trip_through_json_and_the_registry_factory()
    {
        var id = Guid.NewGuid();
        var at = new DateTimeOffset(2024, 5, 6, 7, 8, 9, 123, TimeSpan.FromHours(2));
        var point = NewPoint(1, 2, "corner");
        var points = PointList(NewPoint(3, 4, null), NewPoint(-5, 6, "x\"y"));
        var original = SendThroughProxy("IWireGrain", "Everything", 42, "a note", point, points, id, at, Colour("Blue"), 17);

        var json = Write(original);
        Assert.StartsWith("[42,\"a note\",{", json, StringComparison.Ordinal);
        var received = RoundTrip(original);

        AssertSameArguments(original, received);
        Assert.Equal(8, received.ArgumentCount);
        Assert.Equal(42, received.GetArgument(0));
        Assert.Equal("a note", received.GetArgument(1));
        Assert.Equal(point, received.GetArgument(2));
        Assert.Equal(points.Cast<object>(), ((System.Collections.IEnumerable)received.GetArgument(3)!).Cast<object>());
        Assert.Equal(id, received.GetArgument(4));
        Assert.Equal(at, received.GetArgument(5));
        Assert.Equal(at.Offset, ((DateTimeOffset)received.GetArgument(5)!).Offset);
        Assert.Equal(Colour("Blue"), received.GetArgument(6));
        Assert.Equal(17, received.GetArgument(7));
    }

    [Fact]
    public void Null_arguments_round_trip()
    {
        var original = SendThroughProxy("IWireGrain", "Everything", 0, null, NewPoint(0, 0, null), PointList(NewPoint(1, 1, null)), Guid.Empty, default(DateTimeOffset), Colour("Red"), null);

        var received = RoundTrip(original);

        AssertSameArguments(original, received);
        Assert.Null(received.GetArgument(1));
        Assert.Null(received.GetArgument(7));
    }

    [Fact]
    public void Collections_and_params_arrays_round_trip()
    {
        var counts = new Dictionary<string, List<int?>> { ["a"] = [1, null, 3], ["b"] = [] };
        var original = SendThroughProxy("IWireGrain", "Collections", new[] { "x", null, "z" }, counts, new[] { 7, 8 });

        var received = RoundTrip(original);

        AssertSameArguments(original, received);
    }

    [Fact]
    public void CancellationToken_is_left_out_of_the_array()
    {
        using var source = new CancellationTokenSource();
        var original = SendThroughProxy("IWireGrain", "WithToken", "name", source.Token, 9_000_000_000L);

        Assert.Equal("[\"name\",9000000000]", Write(original));
        var received = RoundTrip(original);

        AssertSameArguments(original, received);
        Assert.False(received.CallerCancellation.CanBeCanceled);
    }

    [Fact]
    public void Method_without_arguments_writes_and_reads_an_empty_array()
    {
        var original = SendThroughProxy("IWireGrain", "Nothing");

        Assert.Equal("[]", Write(original));
        var received = RoundTrip(original);
        Assert.Equal(0, received.ArgumentCount);
        Read(received, "[ ]");
    }

    [Fact]
    public void Reader_is_left_on_the_closing_token_of_an_array_inside_a_larger_document()
    {
        var request = Fresh("WireNs.IWireGrain", 3);
        var json = """{"args":[["a",null],{"k":[1,null]},[]],"after":true}""";

        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
        Assert.True(reader.Read() && reader.Read() && reader.Read());
        request.ReadArguments(ref reader, Options);

        Assert.Equal(JsonTokenType.EndArray, reader.TokenType);
        Assert.True(reader.Read());
        Assert.Equal("after", reader.GetString());
        Assert.Equal(new[] { "a", null }, request.GetArgument(0));
        Assert.Equal(new Dictionary<string, List<int?>> { ["k"] = [1, null] }, request.GetArgument(1));
        Assert.Equal(Array.Empty<int>(), request.GetArgument(2));
    }

    [Theory]
    [InlineData("WireNs.IWireGrain", 1, "[\"name\"]", "expected 2 argument(s), found 1")]
    [InlineData("WireNs.IWireGrain", 1, "[]", "expected 2 argument(s), found 0")]
    [InlineData("WireNs.IWireGrain", 1, "[\"name\",5,6]", "expected 2 argument(s), found more")]
    [InlineData("WireNs.IWireGrain", 1, "[\"name\",5,{\"x\":[1]}]", "expected 2 argument(s), found more")]
    [InlineData("WireNs.IWireGrain", 2, "[1]", "expected 0 argument(s), found more")]
    [InlineData("WireNs.IWireGrain", 2, "[[]]", "expected 0 argument(s), found more")]
    [InlineData("WireNs.IWireGrain", 2, "{}", "expected a JSON array of 0 argument(s), found StartObject")]
    [InlineData("WireNs.IWireGrain", 1, "\"name\"", "expected a JSON array of 2 argument(s), found String")]
    public void Wrong_number_or_shape_of_elements_throws_JsonException(string interfaceName, int methodId, string json, string message)
    {
        var request = Fresh(interfaceName, methodId);

        var exception = Assert.Throws<JsonException>(() =>
        {
            var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
            reader.Read();
            request.ReadArguments(ref reader, Options);
        });
        Assert.Contains(message, exception.Message, StringComparison.Ordinal);
        Assert.StartsWith(request.InterfaceName + "." + request.MethodName + ":", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Array_cut_short_in_a_partial_buffer_throws_JsonException()
    {
        var request = Fresh("WireNs.IWireGrain", 1);

        var exception = Assert.Throws<JsonException>(() =>
        {
            var reader = new Utf8JsonReader("""["name",5"""u8, isFinalBlock: false, state: default);
            reader.Read();
            request.ReadArguments(ref reader, Options);
        });
        Assert.Contains("ends before its closing bracket", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Registration_registers_a_factory_for_every_method_including_base_interface_methods_but_not_generic_interfaces()
    {
        var (assembly, ns, registration, _) = Compiled.Value;

        var expected = new (string Interface, int MethodId, string ClassName)[]
        {
            ("WireNs.IShapeBase", 0, "WireNs_IShapeBase_Area_0"),
            ("WireNs.IWireGrain", 0, "WireNs_IWireGrain_Everything_0"),
            ("WireNs.IWireGrain", 1, "WireNs_IWireGrain_WithToken_1"),
            ("WireNs.IWireGrain", 2, "WireNs_IWireGrain_Nothing_2"),
            ("WireNs.IWireGrain", 3, "WireNs_IWireGrain_Collections_3"),
            ("WireNs.IClosedGrain", 0, "WireNs_IClosedGrain_Other_0"),
        };
        foreach (var (interfaceName, methodId, className) in expected)
        {
            var request = RuntimeAccess.CreateRequest(interfaceName, methodId);
            Assert.NotNull(request);
            Assert.Equal(assembly.GetType(ns + "." + className, throwOnError: true), request.GetType());
            Assert.Equal(interfaceName, request.InterfaceName);
            Assert.Equal(methodId, request.MethodId);
            Assert.Contains($"RegisterRequest(\"{interfaceName}\", {methodId}, static () => new {className}());", registration, StringComparison.Ordinal);
        }
        Assert.Equal(expected.Length, registration.Split("RegisterRequest(").Length - 1);
        Assert.Null(RuntimeAccess.CreateRequest("WireNs.IWireGrain", 4));

        // Each call gets a new request.
        Assert.NotSame(RuntimeAccess.CreateRequest("WireNs.IWireGrain", 2), RuntimeAccess.CreateRequest("WireNs.IWireGrain", 2));

        // Open generic requests can't be constructed: not registered, still generated, still serializable once closed.
        Assert.DoesNotContain("IGenericGrain", registration, StringComparison.Ordinal);
        Assert.Null(RuntimeAccess.CreateRequest("WireNs.IGenericGrain<T>", 0));
        var closed = SendThroughProxy("IClosedGrain", "Put", NewPoint(1, 2, "p"), null);
        Assert.True(closed.GetType().IsConstructedGenericType);
        Assert.Equal("WireNs.IGenericGrain<T>", closed.InterfaceName);
        var copy = (GrainRequest)Activator.CreateInstance(closed.GetType())!;
        Read(copy, Write(closed));
        AssertSameArguments(closed, copy);
    }

    [Fact]
    public void Requests_of_base_interfaces_from_another_assembly_are_registered_by_the_using_assembly()
    {
        var libraryName = GeneratorHarness.UniqueAssemblyName("WireLibrary");
        var library = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(["""
            using System.Threading.Tasks;
            using Granary.Runtime;

            namespace WireLib;

            public sealed record Money(decimal Amount, string Currency);

            public interface IWalletGrain : IGrainWithGuidKey
            {
                Task<Money> Balance();
                Task Deposit(Money amount, string? memo);
            }
            """], libraryName)).AssertClean();
        var main = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(["""
            using System.Threading.Tasks;

            namespace WireApp;

            public interface ISavingsGrain : WireLib.IWalletGrain
            {
                Task<decimal> Rate();
            }
            """], GeneratorHarness.UniqueAssemblyName("WireMain"), [library.ToReference()])).AssertClean();

        var registration = main.Source("GranaryGeneratedRegistration.g.cs");
        Assert.Contains("RegisterRequest(\"WireLib.IWalletGrain\", 0, static () => new WireLib_IWalletGrain_Balance_0());", registration, StringComparison.Ordinal);
        Assert.Contains("RegisterRequest(\"WireLib.IWalletGrain\", 1, static () => new WireLib_IWalletGrain_Deposit_1());", registration, StringComparison.Ordinal);
        Assert.Contains("RegisterRequest(\"WireApp.ISavingsGrain\", 0, static () => new WireApp_ISavingsGrain_Rate_0());", registration, StringComparison.Ordinal);

        // Both assemblies register the same shapes; the last registration wins.
        var context = new TwoAssemblyContext();
        var libraryAssembly = context.LoadFromStream(new MemoryStream(library.EmitBytes()));
        var mainAssembly = context.LoadFromStream(new MemoryStream(main.EmitBytes()));
        GrainTypeRegistry.EnsureLoaded(libraryAssembly);
        Assert.Same(libraryAssembly, RuntimeAccess.CreateRequest("WireLib.IWalletGrain", 1)!.GetType().Assembly);
        GrainTypeRegistry.EnsureLoaded(mainAssembly);
        var fromMain = RuntimeAccess.CreateRequest("WireLib.IWalletGrain", 1)!;
        Assert.Same(mainAssembly, fromMain.GetType().Assembly);

        var money = Activator.CreateInstance(libraryAssembly.GetType("WireLib.Money", throwOnError: true)!, 12.5m, "EUR")!;
        var original = RuntimeAccess.CreateRequest("WireLib.IWalletGrain", 1)!;
        original.GetType().GetField("Arg0")!.SetValue(original, money);
        original.GetType().GetField("Arg1")!.SetValue(original, "gift");
        Read(fromMain, Write(original));
        AssertSameArguments(original, fromMain);
    }

    /// <summary>Loads a library and an assembly that references it side by side; Granary.Runtime comes from the default context.</summary>
    private sealed class TwoAssemblyContext() : AssemblyLoadContext(isCollectible: false)
    {
        protected override Assembly? Load(AssemblyName assemblyName) =>
            Assemblies.FirstOrDefault(a => AssemblyName.ReferenceMatchesDefinition(assemblyName, a.GetName()));
    }
}
