using Granary.Runtime.Messaging;

namespace Granary.Runtime;

/// <summary>
/// The ambient call of the current asynchronous flow: the request being executed (for call-cycle detection) and the
/// request context values. One async-local holds either a <see cref="GrainRequest"/> (inside grain code, its context
/// travels on it) or a <see cref="ContextOnlyScope"/> (values set outside grain code, or changed inside it).
/// </summary>
internal static class CallScope
{
    private static readonly AsyncLocal<object?> Current = new();

    public static object? Capture() => Current.Value;

    public static GrainRequest? RequestOf(object? scope) => scope switch
    {
        GrainRequest request => request,
        ContextOnlyScope context => context.Request,
        _ => null,
    };

    public static RequestContextData? DataOf(object? scope) => scope switch
    {
        GrainRequest request => request.Context,
        ContextOnlyScope context => context.Data,
        _ => null,
    };

    /// <summary>Makes <paramref name="request"/> the ambient call; scoped by the caller's async method.</summary>
    public static void Enter(GrainRequest request) => Current.Value = request;

    public static void SetData(RequestContextData? data)
    {
        var scope = Current.Value;
        Current.Value = new ContextOnlyScope(data, RequestOf(scope));
    }

    private sealed class ContextOnlyScope(RequestContextData? data, GrainRequest? request)
    {
        public RequestContextData? Data { get; } = data;

        public GrainRequest? Request { get; } = request;
    }
}
