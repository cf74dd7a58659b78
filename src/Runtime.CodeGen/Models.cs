using Microsoft.CodeAnalysis.Text;

namespace Granary.Runtime.CodeGen;

// Everything the output stage sees: strings, numbers and equatable arrays, never symbols or syntax,
// so unchanged interfaces are recognised as unchanged and their output is reused.

/// <summary>How a grain method returns its result.</summary>
internal enum ReturnKind
{
    Task,
    TaskOfT,
    ValueTask,
    ValueTaskOfT,
}

/// <summary>A type parameter of a generic grain interface and its constraint clause (empty when unconstrained).</summary>
internal sealed record TypeParameterModel(string Name, string Constraints);

/// <summary>
/// A method parameter: escaped name, fully qualified type, whether it is the call's CancellationToken, and whether a
/// value deserialized as its type needs '!' (a reference type or type parameter not annotated nullable).
/// </summary>
internal sealed record ParameterModel(string Name, string Type, bool IsCancellationToken, bool NeedsNullForgiving);

/// <summary>
/// The request class of one method of one interface, in the interface's own (open) terms.
/// Shared by every proxy whose interface inherits that method.
/// </summary>
internal sealed record RequestModel(
    string GroupName,
    string ClassName,
    EquatableArray<TypeParameterModel> TypeParameters,
    string InterfaceType,
    string InterfaceName,
    string MethodName,
    string MethodIdentifier,
    int MethodId,
    ReturnKind ReturnKind,
    string ResultType,
    int Options,
    EquatableArray<ParameterModel> Parameters);

/// <summary>One explicit interface implementation in a proxy, in the proxy interface's (constructed) terms.</summary>
internal sealed record ProxyMethodModel(
    string InterfaceType,
    string MethodIdentifier,
    ReturnKind ReturnKind,
    string ReturnType,
    string ResultType,
    string RequestType,
    EquatableArray<ParameterModel> Parameters);

/// <summary>A valid grain interface declared in the compilation: its proxy and the requests it sends.</summary>
internal sealed record InterfaceModel(
    string MetadataName,
    string InterfaceType,
    string ProxyName,
    EquatableArray<TypeParameterModel> TypeParameters,
    EquatableArray<ProxyMethodModel> Methods,
    EquatableArray<RequestModel> Requests)
{
    public bool IsGeneric => !TypeParameters.IsEmpty;
}

/// <summary>The request classes of one declaring interface (GroupName: its CLR full name), emitted into one file.</summary>
internal sealed record RequestGroup(string GroupName, EquatableArray<RequestModel> Requests);

/// <summary>Where a diagnostic points, without holding on to a syntax tree.</summary>
internal sealed record LocationInfo(string FilePath, TextSpan Span, LinePositionSpan LineSpan);

/// <summary>A diagnostic to report: descriptor id, location and message arguments.</summary>
internal sealed record DiagnosticInfo(string Id, LocationInfo? Location, EquatableArray<string> Arguments);

/// <summary>What one interface declaration produced: a model when it is a valid grain interface, and diagnostics.</summary>
internal sealed record InterfaceResult(InterfaceModel? Model, EquatableArray<DiagnosticInfo> Diagnostics);

/// <summary>What one class declaration produced: the type to register (as a typeof operand) or diagnostics.</summary>
internal sealed record ClassResult(string? ClassType, EquatableArray<DiagnosticInfo> Diagnostics);

/// <summary>The compilation-wide facts the registration needs.</summary>
internal sealed record CompilationInfo(string Namespace);
