using Microsoft.Extensions.Logging;
using Orleans;
using Orleans.Runtime;

namespace Granary.Persistence.Hosting;

/// <summary>
/// Migrates (or, with migrateOnStart false, verifies) every registered database in the silo lifecycle's
/// RuntimeStorageServices stage: before the reminder table starts (RuntimeGrainServices) and before grain
/// storage reads OrleansQuery (ApplicationServices). A failure stops the silo from starting.
/// </summary>
internal sealed class SchemaStartupParticipant(SchemaStartupTargets targets, ILoggerFactory loggerFactory)
    : ILifecycleParticipant<ISiloLifecycle>
{
    /// <summary>The lifecycle stage the schema is made current in.</summary>
    public const int Stage = ServiceLifecycleStage.RuntimeStorageServices;

    private readonly SchemaStartupTargets _targets = targets;
    private readonly ILoggerFactory _loggerFactory = loggerFactory;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(SchemaStartupParticipant), Stage, PrepareAsync);

    internal async Task PrepareAsync(CancellationToken cancellationToken)
    {
        var logger = _loggerFactory.CreateLogger<SchemaMigrator>();
        foreach (var target in _targets.Snapshot())
        {
            var migrator = new SchemaMigrator(target.Dialect, target.ConnectionString, logger);
            if (target.MigrateOnStart)
            {
                await migrator.MigrateAsync(cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await migrator.VerifyAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
