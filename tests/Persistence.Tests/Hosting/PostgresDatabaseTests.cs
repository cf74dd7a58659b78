using Npgsql;

namespace Granary.Persistence.Tests.Hosting;

public sealed class PostgresDatabaseTests
{
    [Fact]
    public void ConnectionString_WithoutThem_AddsAutoPrepareNoResetOnCloseAndMultiplexing()
    {
        var built = new NpgsqlConnectionStringBuilder(PostgresDatabase.ConnectionString("Host=db;Database=granary;Username=u"));

        Assert.Equal((20, true, true, "db", "granary"), (built.MaxAutoPrepare, built.NoResetOnClose, built.Multiplexing, built.Host, built.Database));
    }

    [Theory]
    [InlineData("Host=db;Max Auto Prepare=0;No Reset On Close=false;Multiplexing=false")]
    [InlineData("Host=db;MaxAutoPrepare=0;NoResetOnClose=false;multiplexing=false")]
    public void ConnectionString_KeepsWhatTheOperatorSet(string given)
    {
        var built = new NpgsqlConnectionStringBuilder(PostgresDatabase.ConnectionString(given));

        Assert.Equal((0, false, false), (built.MaxAutoPrepare, built.NoResetOnClose, built.Multiplexing));
    }
}
