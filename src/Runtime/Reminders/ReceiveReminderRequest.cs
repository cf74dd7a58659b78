using System.Text.Json;
using Granary.Runtime.Messaging;

namespace Granary.Runtime.Reminders;

/// <summary>
/// The grain call that delivers one reminder tick to <see cref="IRemindable.ReceiveReminder"/>. The silo that owns
/// the reminder's bucket fires it; the grain may live on another silo, so the call serializes like generated ones.
/// </summary>
internal sealed class ReceiveReminderRequest : GrainRequest<VoidResult>
{
    private string _name = "";
    private ReminderTick _tick = new(default, 1, null);

    /// <summary>For the receiving silo, which reads the arguments in.</summary>
    public ReceiveReminderRequest()
    {
    }

    public ReceiveReminderRequest(string name, ReminderTick tick)
    {
        _name = name;
        _tick = tick;
    }

    /// <summary>Lets silos re-create reminder calls that arrive from other silos.</summary>
    public static void Register() =>
        GrainTypeRegistry.RegisterRequest(typeof(IRemindable).FullName!, 0, static () => new ReceiveReminderRequest());

    public override string InterfaceName => typeof(IRemindable).FullName!;

    public override string MethodName => nameof(IRemindable.ReceiveReminder);

    public override int MethodId => 0;

    public override int ArgumentCount => 2;

    public override object? GetArgument(int index) => index switch
    {
        0 => _name,
        1 => _tick,
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    public override void WriteArguments(Utf8JsonWriter writer, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        writer.WriteStringValue(_name);
        JsonSerializer.Serialize(writer, _tick, options);
        writer.WriteEndArray();
    }

    public override void ReadArguments(ref Utf8JsonReader reader, JsonSerializerOptions options)
    {
        ExpectArgumentsStart(ref reader);
        MoveToArgument(ref reader, 0);
        _name = reader.GetString() ?? throw new JsonException("A reminder tick names its reminder.");
        MoveToArgument(ref reader, 1);
        _tick = JsonSerializer.Deserialize<ReminderTick>(ref reader, options) ?? throw new JsonException("A reminder tick carries its tick.");
        MoveToArgumentsEnd(ref reader);
    }

    protected override ValueTask<VoidResult> InvokeCore(object grain, CancellationToken cancellationToken) =>
        grain is IRemindable remindable
            ? AsVoid(remindable.ReceiveReminder(_name, _tick))
            : throw new InvalidOperationException($"{grain.GetType().Name} has reminders but does not implement IRemindable.");
}
