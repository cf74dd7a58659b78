using Granary.Runtime.Reminders;
using Granary.Runtime.Reminders.Memory;

namespace Granary.Runtime.Tests.Reminders;

/// <summary>The reminder table contract against the in-memory table.</summary>
public sealed class MemoryReminderTableTests : ReminderTableContractTests
{
    protected override Task<IReminderTable> CreateTableAsync() => Task.FromResult<IReminderTable>(new MemoryReminderTable());
}
