using System.ComponentModel;
using System.Runtime.InteropServices;

namespace Granary.Engine.Bench.Cluster;

/// <summary>
/// POSIX signals to a child process. .NET's Process only sends SIGKILL; a stall needs SIGSTOP and SIGCONT, and a
/// graceful stop of a silo executable SIGTERM. Linux numbering (x86-64 and arm64).
/// </summary>
internal static partial class Signals
{
    public const int Kill = 9;
    public const int Terminate = 15;
    public const int Continue = 18;
    public const int Stop = 19;

    public static void Send(int pid, int signal)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("The cluster bench sends Linux signals.");
        }
        if (SendSignal(pid, signal) != 0)
        {
            throw new Win32Exception(Marshal.GetLastPInvokeError(), $"kill({pid}, {signal}) failed");
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SendSignal(int pid, int signal);
}
