using System.Collections.Concurrent;
using Orleans.Runtime;

namespace Granary.Hosting.Tests;

/// <summary>
/// Orleans's own handler ends the process with <c>Environment.FailFast</c> when a silo learns it was declared dead,
/// and the silos of these tests live in the test process: a silo refused by a cluster (the TLS stranger) can be
/// declared dead before its start-up gives up, and would take every test with it. This one records the error; the
/// silo's start-up fails on its own, as the tests expect.
/// </summary>
internal sealed class TestFatalErrorHandler : IFatalErrorHandler
{
    public static ConcurrentQueue<string> Errors { get; } = new();

    public bool IsUnexpected(Exception exception) => exception is not ThreadAbortException;

    public void OnFatalException(object? sender, string? context, Exception? exception) =>
        Errors.Enqueue($"{sender}: {context}: {exception?.Message}");
}
