using Granary.Persistence.Batching;

namespace Granary.Persistence.Tests.Batching;

/// <summary>Statements written with <c>@name</c> become PostgreSQL's positional form, rewritten once per text.</summary>
public sealed class PositionalSqlTests
{
    [Fact]
    public void EachName_BecomesItsPosition_InTheOrderNamesFirstAppear_AndARepeatedNameKeepsItsPosition()
    {
        var sql = PositionalSql.For("UPDATE t SET a = @second WHERE b = @first AND c = @Second OR d = @first_2");

        Assert.Equal("UPDATE t SET a = $1 WHERE b = $2 AND c = $1 OR d = $3", sql.Text);
        Assert.Equal(["second", "first", "first_2"], sql.Names);
    }

    [Fact]
    public void QuotedTextAndComments_AreLeftAsTheyAre()
    {
        var sql = PositionalSql.For("""
            SELECT '@notA' AS "@notB", @real -- @notC
            /* @notD */ FROM t WHERE x = '' AND y = @other::text
            """);

        Assert.Equal("""
            SELECT '@notA' AS "@notB", $1 -- @notC
            /* @notD */ FROM t WHERE x = '' AND y = $2::text
            """, sql.Text);
        Assert.Equal(["real", "other"], sql.Names);
    }

    [Fact]
    public void TheSameText_IsRewrittenOnce()
    {
        const string Text = "SELECT @once";

        Assert.Same(PositionalSql.For(Text), PositionalSql.For(new string(Text.AsSpan())));
    }

    [Fact]
    public void TextWithDollarSigns_IsRefused()
    {
        var error = Assert.Throws<ArgumentException>(() => PositionalSql.For("SELECT $1, @name"));

        Assert.Contains("dollar", error.Message, StringComparison.Ordinal);
    }
}
