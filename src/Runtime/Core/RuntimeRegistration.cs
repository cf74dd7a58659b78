using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using Granary.Runtime.Reminders;

namespace Granary.Runtime;

/// <summary>Registers the runtime's own grain calls (reminder ticks) when the runtime assembly loads.</summary>
internal static class RuntimeRegistration
{
    [ModuleInitializer]
    [SuppressMessage("Usage", "CA2255", Justification = "The runtime's own requests must be known before any silo receives one, like generated registrations.")]
    internal static void Register() => ReceiveReminderRequest.Register();
}
