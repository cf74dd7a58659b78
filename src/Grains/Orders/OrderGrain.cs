using Granary.Grains.Events;
using Granary.Grains.Inventory;
using Granary.Grains.Organizations;
using Granary.Grains.Stats;
using Granary.ReadModel;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Granary.Grains.Orders;

/// <summary>
/// One order. Each transition checks <see cref="OrderStateMachine"/>, changes the state and appends its outbox event
/// (if the event reaches anyone, <see cref="OrderEventAudience"/>) in one state write; then it tells the organization's stats grain and has the outbox handed over to jobs (webhooks,
/// emails) by <see cref="IOrderEventDispatcherGrain"/>, outside its own turn. While the outbox holds events, a
/// periodic reminder (registered before the write that adds them) drives the hand-over again, so a crash between the
/// transition and the hand-over loses nothing. A pending order carries a due reminder (<see cref="DueReminders"/>) that cancels it after the
/// organization's AutoCancelMinutes. Its list row is kept as <see cref="ReadModelGrain"/> says.
/// </summary>
[GrainType("order")]
public sealed class OrderGrain(
    [PersistentState("order")] IPersistentState<OrderState> order,
    IOptions<EventOptions> events,
    IReadModelWriter views,
    OrderMetrics metrics,
    ILogger<OrderGrain> logger,
    TimeProvider time) : ReadModelGrain, IOrderGrain, IRemindable
{
    public const string AutoCancelReminder = "auto-cancel";
    public const string OutboxReminder = "outbox";
    private const int DefaultAutoCancelMinutes = 60;

    private readonly ReminderHandles _reminders = new();
    private bool _outboxReminderRegistered;
    private OrderState? _snapshotOf;
    private OrderSnapshot? _snapshot;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (order.State.Created)
        {
            await views.WriteOrderAsync(Snapshot(), order.State.Revision, cancellationToken);
        }
    }

    public async Task<IdempotentCreateResult> Create(string requestHash, CreateOrder command)
    {
        ArgumentNullException.ThrowIfNull(requestHash);
        ArgumentNullException.ThrowIfNull(command);
        if (order.State.Created)
        {
            return string.Equals(order.State.RequestHash, requestHash, StringComparison.Ordinal)
                ? new IdempotentCreateResult(IdempotentOutcome.Replayed, order.State.ToCreatedSnapshot())
                : new IdempotentCreateResult(IdempotentOutcome.BodyMismatch, null);
        }
        var (organizationId, orderId) = SplitKey();
        var settings = (await GrainFactory.GetGrain<IOrganizationGrain>(organizationId).Get())?.Settings;
        var now = time.GetUtcNow();

        // The reminder goes first: if the write below fails, a tick on a never-created order does nothing, while a
        // created order without its reminder would stay pending for ever.
        await _reminders.Register(this.RegisterDueReminder(AutoCancelReminder, TimeSpan.FromMinutes(settings?.AutoCancelMinutes ?? DefaultAutoCancelMinutes)));

        var state = new OrderState
        {
            Created = true,
            Id = orderId,
            OrganizationId = organizationId,
            Status = OrderStatus.Pending,
            Lines = [.. command.Lines],
            Currency = command.Currency.ToUpperInvariant(),
            Total = command.Lines.Sum(l => l.Quantity * l.UnitPrice),
            Customer = command.Customer,
            ShippingAddress = command.ShippingAddress,
            Channel = command.Channel,
            ExternalId = command.ExternalId,
            TimeZone = settings?.TimeZone ?? "UTC",
            CreatedAt = now,
            UpdatedAt = now,
            RequestHash = requestHash,
        };
        return new IdempotentCreateResult(IdempotentOutcome.Created, await Save(state, from: null, "order.created"));
    }

    public Task<OrderSnapshot?> Get() => Task.FromResult(order.State.Created ? Snapshot() : null);

    /// <summary>The snapshot of the current state, built once per state (reads of an active order are the hot path).</summary>
    private OrderSnapshot Snapshot()
    {
        var state = order.State;
        if (!ReferenceEquals(_snapshotOf, state) || _snapshot is null)
        {
            _snapshot = state.ToSnapshot();
            _snapshotOf = state;
        }
        return _snapshot;
    }

    public async Task<OrderSnapshot> Confirm()
    {
        var state = Require(OrderAction.Confirm, out var to);
        await ReserveAllOrNone(state);
        var snapshot = await Save(state with { Status = to }, state.Status);
        await _reminders.Unregister(this, AutoCancelReminder);
        return snapshot;
    }

    public async Task<OrderSnapshot> Pack()
    {
        var state = Require(OrderAction.Pack, out var to);
        return await Save(state with { Status = to }, state.Status);
    }

    public async Task<OrderSnapshot> Ship(string trackingNumber)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(trackingNumber);
        var state = Require(OrderAction.Ship, out var to);

        // Commit before the write: commits are idempotent per order, so a retry after a failed write is safe.
        await Task.WhenAll(Skus(state).Select(sku => Stock(sku).Commit(state.Id)));
        return await Save(state with { Status = to, TrackingNumber = trackingNumber }, state.Status);
    }

    public async Task<OrderSnapshot> Deliver()
    {
        var state = Require(OrderAction.Deliver, out var to);
        return await Save(state with { Status = to }, state.Status);
    }

    public async Task<OrderSnapshot> Cancel(string reason)
    {
        var state = Require(OrderAction.Cancel, out var to);
        var snapshot = await Save(state with { Status = to, CancelReason = reason }, state.Status);

        // Release after the write: a crash in between leaves stock reserved (visible, fixable), never oversold.
        if (state.Status == OrderStatus.Confirmed)
        {
            await Task.WhenAll(Skus(state).Select(sku => Stock(sku).Release(state.Id)));
        }
        await _reminders.Unregister(this, AutoCancelReminder);
        return snapshot;
    }

    public Task<IReadOnlyList<OrderEvent>> GetPendingEvents() => Task.FromResult<IReadOnlyList<OrderEvent>>([.. order.State.PendingEvents]);

    public async Task AckEvents(IReadOnlyList<string> eventIds)
    {
        var acked = eventIds.ToHashSet(StringComparer.Ordinal);
        if (!order.State.PendingEvents.Any(e => acked.Contains(e.Id)))
        {
            return;
        }
        order.State = order.State with { Revision = order.State.Revision + 1, PendingEvents = [.. order.State.PendingEvents.Where(e => !acked.Contains(e.Id))] };
        await order.WriteStateAsync();
        if (order.State.PendingEvents.Count == 0)
        {
            await _reminders.Unregister(this, OutboxReminder);
            _outboxReminderRegistered = false;
        }
    }

    public async Task<int> RestoreReminders()
    {
        var state = order.State;
        if (!state.Created)
        {
            return 0;
        }
        var restored = 0;
        // The table is asked first: the organization's timeout is read only for a reminder that is missing.
        if (state.Status == OrderStatus.Pending && await this.GetReminder(AutoCancelReminder) is null)
        {
            var settings = (await GrainFactory.GetGrain<IOrganizationGrain>(state.OrganizationId).Get())?.Settings;
            var dueAt = state.CreatedAt + TimeSpan.FromMinutes(settings?.AutoCancelMinutes ?? DefaultAutoCancelMinutes);
            await _reminders.Register(this.RegisterDueReminder(AutoCancelReminder, dueAt - time.GetUtcNow()));
            restored++;
        }
        if (state.PendingEvents.Count > 0 && await this.GetReminder(OutboxReminder) is null)
        {
            await RegisterOutboxReminder();
            restored++;
        }
        return restored;
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName == OutboxReminder)
        {
            if (order.State.PendingEvents.Count == 0)
            {
                await _reminders.Unregister(this, OutboxReminder);
                _outboxReminderRegistered = false;
            }
            else
            {
                _outboxReminderRegistered = true;
                await DispatchOutbox();
            }
            return;
        }
        if (reminderName != AutoCancelReminder)
        {
            return;
        }
        if (order.State.Created && order.State.Status == OrderStatus.Pending)
        {
            OrderLog.AutoCancelling(logger, order.State.OrganizationId, order.State.Id);
            await Cancel("auto-cancelled: not confirmed in time");
        }
        else
        {
            await _reminders.Unregister(this, AutoCancelReminder);
        }
    }

    private OrderState Require(OrderAction action, out OrderStatus to)
    {
        var state = order.State;
        if (!state.Created)
        {
            throw new OrderNotFoundException($"Order {this.GetPrimaryKeyString()} does not exist.");
        }
        to = OrderStateMachine.Next(state.Status, action);
        return state;
    }

    /// <summary>Quantities summed per SKU: a reservation is one per order and SKU.</summary>
    private static Dictionary<string, int> Quantities(OrderState state) =>
        state.Lines.GroupBy(l => l.Sku, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Sum(l => l.Quantity), StringComparer.Ordinal);

    private static IEnumerable<string> Skus(OrderState state) => Quantities(state).Keys;

    private IInventoryGrain Stock(string sku) => GrainFactory.GetGrain<IInventoryGrain>(InventoryKey.For(order.State.OrganizationId, sku));

    private async Task ReserveAllOrNone(OrderState state)
    {
        var reserved = new List<string>();
        try
        {
            foreach (var (sku, quantity) in Quantities(state))
            {
                if (!await Stock(sku).Reserve(state.Id, quantity))
                {
                    throw InsufficientStockException.For(sku, quantity);
                }
                reserved.Add(sku);
            }
        }
        catch
        {
            await Task.WhenAll(reserved.Select(sku => Stock(sku).Release(state.Id)));
            throw;
        }
    }

    /// <summary>
    /// Writes the new state with its outbox event (when the event reaches anyone: <see cref="OrderEventAudience"/>) and
    /// its list row in one write, then updates the stats.
    /// </summary>
    private async Task<OrderSnapshot> Save(OrderState next, OrderStatus? from, string? eventType = null)
    {
        // A creation is stored as of its creation time, so its first answer can be rebuilt (ToCreatedSnapshot).
        var now = from is null ? next.CreatedAt : time.GetUtcNow();
        next = next with { UpdatedAt = now };
        var snapshot = next.ToSnapshot();
        var change = new OrderEvent(Guid.NewGuid().ToString("N"), eventType ?? OrderStateMachine.EventType(next.Status), now, snapshot);
        var recorded = await OrderEventAudience.AnyFor(GrainFactory, change, logger);
        if (recorded && !_outboxReminderRegistered)
        {
            // Before the write: stored events without their reminder could wait for ever if the hand-over below is lost.
            await RegisterOutboxReminder();
        }
        order.State = next with { Revision = next.Revision + 1, PendingEvents = recorded ? [.. next.PendingEvents, change] : next.PendingEvents };
        // The list row in the state's own write where the storage allows (one commit), else right after it.
        await WriteRowAsync(() => views.WriteOrderWithStateAsync(order.WriteStateAsync, snapshot, order.State.Revision));
        metrics.Stored(from, next.Status, next.Channel);
        if (recorded)
        {
            // The outbox as just stored goes with the call: the dispatcher needn't call back for it.
            await Dispatcher.HandOver(this.GetPrimaryKeyString(), order.State.PendingEvents);
        }
        await RecordStatsAsync(next, from, change, now);
        return snapshot;
    }

    /// <summary>Tells the organization's stats grain; a failure is logged, not thrown (the transition is stored).</summary>
    private async Task RecordStatsAsync(OrderState next, OrderStatus? from, OrderEvent change, DateTimeOffset now)
    {
        try
        {
            await GrainFactory.GetGrain<IOrderStatsGrain>(next.OrganizationId).Record(
                new OrderTransition(change.Id, from, next.Status, next.Total, next.Currency, next.CreatedAt, now, next.TimeZone));
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Failing the caller now would invite a retry of a move already made.
            OrderLog.StatsFailed(logger, exception, next.OrganizationId, next.Id);
        }
    }

    /// <summary>The outbox hand-over's periodic reminder; Orleans refuses periods under its floor, so a shorter OutboxRetry runs at the floor.</summary>
    private async Task RegisterOutboxReminder()
    {
        var retry = TimeSpan.FromTicks(Math.Max(events.Value.OutboxRetry.Ticks, this.MinimumPeriod().Ticks));
        await _reminders.Register(this.RegisterOrUpdateReminder(OutboxReminder, retry, retry));
        _outboxReminderRegistered = true;
    }

    /// <summary>
    /// Asks the dispatcher to hand the outbox over (after a transition, the outbox goes with the call). The calls are
    /// one-way: the dispatcher calls back (GetPendingEvents on a reminder's tick, AckEvents), and those calls queue
    /// behind this turn instead of waiting on a caller that waits on them.
    /// </summary>
    private Task DispatchOutbox() => Dispatcher.Dispatch(this.GetPrimaryKeyString());

    private IOrderEventDispatcherGrain Dispatcher => GrainFactory.GetGrain<IOrderEventDispatcherGrain>(0);

    private (string OrganizationId, string OrderId) SplitKey()
    {
        var key = this.GetPrimaryKeyString();
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? ("", key) : (key[..slash], key[(slash + 1)..]);
    }
}

internal static partial class OrderLog
{
    [LoggerMessage(1, LogLevel.Information, "Auto-cancelling pending order {OrganizationId}/{OrderId}")]
    public static partial void AutoCancelling(ILogger logger, string organizationId, string orderId);

    [LoggerMessage(2, LogLevel.Warning, "Order {OrganizationId}/{OrderId} changed but its stats were not updated")]
    public static partial void StatsFailed(ILogger logger, Exception exception, string organizationId, string orderId);
}
