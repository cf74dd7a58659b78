using Granary.Runtime.Messaging;

namespace Granary.Runtime.Reminders;

/// <summary>The grain call that delivers one reminder tick to <see cref="IRemindable.ReceiveReminder"/>.</summary>
internal sealed class ReceiveReminderRequest(string name, ReminderTick tick) : GrainRequest<VoidResult>
{
    public override string InterfaceName => typeof(IRemindable).FullName!;

    public override string MethodName => nameof(IRemindable.ReceiveReminder);

    public override int MethodId => 0;

    public override int ArgumentCount => 2;

    public override object? GetArgument(int index) => index switch
    {
        0 => name,
        1 => tick,
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    protected override ValueTask<VoidResult> InvokeCore(object grain, CancellationToken cancellationToken) =>
        grain is IRemindable remindable
            ? AsVoid(remindable.ReceiveReminder(name, tick))
            : throw new InvalidOperationException($"{grain.GetType().Name} has reminders but does not implement IRemindable.");
}
