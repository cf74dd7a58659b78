using System.Reflection;
using Granary.Runtime.Messaging;

namespace Granary.Runtime.CodeGen.Tests;

/// <summary>Loads generated code into the test process and exercises the requests and proxies it produced.</summary>
public class RequestBehaviourTests
{
    private const string Source = """
        using System.Threading;
        using System.Threading.Tasks;
        using Granary.Runtime;

        namespace MyNs;

        public interface ICounterGrain : IGrainWithStringKey
        {
            Task<int> Add(int amount, string reason);
            [ReadOnly] Task<int> Get();
            [AlwaysInterleave] Task Ping();
            [ReadOnly, AlwaysInterleave] ValueTask<string> Describe(CancellationToken cancellationToken);
            ValueTask Slow(int delay, CancellationToken token, string label);
        }

        public sealed class CounterGrain : Grain, ICounterGrain
        {
            private int _value;
            public Task<int> Add(int amount, string reason) => Task.FromResult(_value += amount);
            public Task<int> Get() => Task.FromResult(_value);
            public Task Ping() => Task.CompletedTask;
            public ValueTask<string> Describe(CancellationToken cancellationToken) =>
                new(cancellationToken.CanBeCanceled ? "cancellable" : "plain");
            public async ValueTask Slow(int delay, CancellationToken token, string label) => await Task.Delay(delay, token);
        }

        public sealed class CounterImplementation : ICounterGrain
        {
            private int _value;
            public Task<int> Add(int amount, string reason) => Task.FromResult(_value += amount);
            public Task<int> Get() => Task.FromResult(_value);
            public Task Ping() => Task.CompletedTask;
            public ValueTask<string> Describe(CancellationToken cancellationToken) =>
                new(cancellationToken.CanBeCanceled ? "cancellable" : "plain");
            public async ValueTask Slow(int delay, CancellationToken token, string label) => await Task.Delay(delay, token);
        }
        """;

    private static readonly Lazy<(Assembly Assembly, string Namespace)> Compiled = new(() =>
    {
        var run = GeneratorHarness.Run(Source).AssertClean();
        return (run.Load(), "Granary.Generated." + run.Output.AssemblyName);
    });

    private static GrainRequest CreateRequest(string className)
    {
        var (assembly, ns) = Compiled.Value;
        var type = assembly.GetType(ns + "." + className, throwOnError: true)!;
        return (GrainRequest)Activator.CreateInstance(type)!;
    }

    [Theory]
    [InlineData("MyNs_ICounterGrain_Add_0", RequestOptions.None)]
    [InlineData("MyNs_ICounterGrain_Get_1", RequestOptions.ReadOnly)]
    [InlineData("MyNs_ICounterGrain_Ping_2", RequestOptions.AlwaysInterleave)]
    [InlineData("MyNs_ICounterGrain_Describe_3", RequestOptions.ReadOnly | RequestOptions.AlwaysInterleave)]
    public void Request_options_come_from_the_method_attributes(string className, RequestOptions expected)
    {
        Assert.Equal(expected, CreateRequest(className).Options);
    }

    [Fact]
    public void Request_describes_its_method_and_arguments()
    {
        var request = CreateRequest("MyNs_ICounterGrain_Add_0");
        request.GetType().GetField("Arg0")!.SetValue(request, 5);
        request.GetType().GetField("Arg1")!.SetValue(request, "because");

        Assert.Equal("MyNs.ICounterGrain", request.InterfaceName);
        Assert.Equal("Add", request.MethodName);
        Assert.Equal(0, request.MethodId);
        Assert.Equal(2, request.ArgumentCount);
        Assert.Equal(5, request.GetArgument(0));
        Assert.Equal("because", request.GetArgument(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => request.GetArgument(2));
        Assert.Throws<ArgumentOutOfRangeException>(() => CreateRequest("MyNs_ICounterGrain_Get_1").GetArgument(0));
        Assert.False(RuntimeAccess.NeedsCancellation(request));
    }

    [Fact]
    public void CancellationToken_is_not_an_argument_and_reaches_the_grain_method()
    {
        var slow = CreateRequest("MyNs_ICounterGrain_Slow_4");
        Assert.Equal(2, slow.ArgumentCount);
        Assert.True(RuntimeAccess.NeedsCancellation(slow));
        Assert.Equal(4, slow.MethodId);

        var describe = CreateRequest("MyNs_ICounterGrain_Describe_3");
        Assert.Equal(0, describe.ArgumentCount);
        Assert.True(RuntimeAccess.NeedsCancellation(describe));
    }

    [Fact]
    public async Task InvokeCore_calls_the_grain_method_with_the_arguments_and_token()
    {
        var (assembly, _) = Compiled.Value;
        var grain = Activator.CreateInstance(assembly.GetType("MyNs.CounterImplementation", throwOnError: true)!)!;

        var add = CreateRequest("MyNs_ICounterGrain_Add_0");
        add.GetType().GetField("Arg0")!.SetValue(add, 7);
        Assert.Equal(7, await RuntimeAccess.InvokeCoreAsync(add, grain, CancellationToken.None));

        var get = CreateRequest("MyNs_ICounterGrain_Get_1");
        Assert.Equal(7, await RuntimeAccess.InvokeCoreAsync(get, grain, CancellationToken.None));

        var ping = CreateRequest("MyNs_ICounterGrain_Ping_2");
        Assert.IsType<VoidResult>(await RuntimeAccess.InvokeCoreAsync(ping, grain, CancellationToken.None));

        using var source = new CancellationTokenSource();
        var describe = CreateRequest("MyNs_ICounterGrain_Describe_3");
        Assert.Equal("cancellable", await RuntimeAccess.InvokeCoreAsync(describe, grain, source.Token));

        var slow = CreateRequest("MyNs_ICounterGrain_Slow_4");
        slow.GetType().GetField("Arg0")!.SetValue(slow, 60_000);
        var pending = RuntimeAccess.InvokeCoreAsync(slow, grain, source.Token);
        await source.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
    }

    [Fact]
    public void Module_initializer_registers_the_proxy_factory_and_the_grain_class_and_proxies_send_requests()
    {
        var (assembly, ns) = Compiled.Value;
        GrainTypeRegistry.EnsureLoaded(assembly);

        var grainInterface = assembly.GetType("MyNs.ICounterGrain", throwOnError: true)!;
        Assert.NotNull(assembly.GetType(ns + ".GranaryGeneratedRegistration"));
        Assert.Contains(assembly.GetType("MyNs.CounterGrain", throwOnError: true)!, RuntimeAccess.RegisteredClasses());
        Assert.DoesNotContain(assembly.GetType("MyNs.CounterImplementation", throwOnError: true)!, RuntimeAccess.RegisteredClasses());
        var factory = RuntimeAccess.GetProxyFactory(grainInterface);
        Assert.NotNull(factory);

        var (context, sender) = RuntimeAccess.CreateRecordingContext();
        var grainId = new GrainId("counter", "one");
        var proxy = factory(context, grainId);
        Assert.IsAssignableFrom(grainInterface, proxy);
        Assert.Equal(grainId, proxy.GrainId);

        var addResult = (Task<int>)grainInterface.GetMethod("Add")!.Invoke(proxy, [3, "why"])!;
        var (target, request) = Assert.Single(sender.Sent);
        Assert.Same(proxy, target);
        Assert.Equal("MyNs.ICounterGrain", request.InterfaceName);
        Assert.Equal("Add", request.MethodName);
        Assert.Equal([3, "why"], new[] { request.GetArgument(0), request.GetArgument(1) });
        Assert.False(addResult.IsCompleted);
        Assert.Same(((GrainRequest<int>)request).Task, addResult);

        using var source = new CancellationTokenSource();
        var slow = (ValueTask)grainInterface.GetMethod("Slow")!.Invoke(proxy, [10, source.Token, "label"])!;
        var slowRequest = sender.Sent[1].Request;
        Assert.Equal("Slow", slowRequest.MethodName);
        Assert.Equal(source.Token, slowRequest.CallerCancellation);
        Assert.Equal("label", slowRequest.GetArgument(1));
        Assert.False(slow.IsCompleted);

        var describe = (ValueTask<string>)grainInterface.GetMethod("Describe")!.Invoke(proxy, [CancellationToken.None])!;
        Assert.False(describe.IsCompleted);
        Assert.Equal(3, sender.Sent.Count);
    }
}
