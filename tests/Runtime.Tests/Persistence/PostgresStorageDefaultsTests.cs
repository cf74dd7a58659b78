using Granary.Runtime.Persistence.Postgres;
using Npgsql;

namespace Granary.Runtime.Tests.Persistence;

/// <summary>PostgreSQL storage prepares its statements and skips the pool reset unless the connection string says otherwise.</summary>
public sealed class PostgresStorageDefaultsTests
{
    [Fact]
    public void PlainConnectionString_GetsAutoPrepareAndNoResetOnClose_AndKeepsTheRest()
    {
        var settings = new NpgsqlConnectionStringBuilder(PostgresGrainStorage.WithStorageDefaults("Host=db;Username=u;Password=p;Database=d"));

        Assert.Equal(20, settings.MaxAutoPrepare);
        Assert.True(settings.NoResetOnClose);
        Assert.Equal("db", settings.Host);
        Assert.Equal("p", settings.Password);
    }

    [Theory]
    [InlineData("Host=db;Max Auto Prepare=0;No Reset On Close=false")]
    [InlineData("Host=db;maxautoprepare=0;NoResetOnClose=false")]
    public void SettingsInTheConnectionString_Win(string connectionString)
    {
        var settings = new NpgsqlConnectionStringBuilder(PostgresGrainStorage.WithStorageDefaults(connectionString));

        Assert.Equal(0, settings.MaxAutoPrepare);
        Assert.False(settings.NoResetOnClose);
    }
}
