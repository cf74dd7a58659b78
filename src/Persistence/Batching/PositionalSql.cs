using System.Collections.Concurrent;
using System.Data.Common;
using System.Text;
using Npgsql;

namespace Granary.Persistence.Batching;

/// <summary>
/// A statement written with <c>@name</c> parameters, rewritten once for PostgreSQL's positional form (<c>$1</c>,
/// <c>$2</c>, … in the order the names first appear). Npgsql rewrites <c>@name</c> itself, but on every execution:
/// it parses the text and builds a name lookup each time, which was about a sixth of everything the silo allocated
/// per order created (bench/run.sh http, an allocation trace of post_order). With positional parameters and unnamed
/// values Npgsql sends the text as it is.
/// </summary>
public sealed class PositionalSql
{
    private static readonly ConcurrentDictionary<string, PositionalSql> Rewritten = new(StringComparer.Ordinal);

    private PositionalSql(string text, IReadOnlyList<string> names)
    {
        Text = text;
        Names = names;
    }

    /// <summary>The text with <c>$n</c> in place of each <c>@name</c>.</summary>
    public string Text { get; }

    /// <summary>The parameter names (without <c>@</c>) in position order: the value of <c>$n</c> is named <c>Names[n - 1]</c>.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>
    /// The positional form of <paramref name="sql"/>, rewritten once per distinct text. Quoted strings, quoted
    /// identifiers and comments are left alone; text holding dollar quotes is refused (the rewrite would not know
    /// where they end).
    /// </summary>
    public static PositionalSql For(string sql)
    {
        ArgumentNullException.ThrowIfNull(sql);
        return Rewritten.GetOrAdd(sql, Rewrite);
    }

    /// <summary>
    /// <paramref name="sql"/> as a batch command in positional form, its values those <paramref name="bind"/> adds by
    /// name (<c>@name</c>), unnamed in position order; throws naming a parameter the text takes and nothing binds.
    /// </summary>
    public static NpgsqlBatchCommand BatchCommand(string sql, Action<DbCommand> bind)
    {
        ArgumentNullException.ThrowIfNull(bind);
        using var scratch = new NpgsqlCommand();
        bind(scratch);
        var named = scratch.Parameters.ToArray();
        scratch.Parameters.Clear();
        return BatchCommand(sql, name => Array.Find(named, p => p.ParameterName.AsSpan().TrimStart('@').Equals(name, StringComparison.OrdinalIgnoreCase)));
    }

    /// <summary>
    /// <paramref name="sql"/> as a batch command in positional form, the value of each <c>@name</c> the one
    /// <paramref name="valueOf"/> gives for it (null: none), unnamed in position order; throws naming a parameter the
    /// text takes and nothing gives.
    /// </summary>
    public static NpgsqlBatchCommand BatchCommand(string sql, Func<string, NpgsqlParameter?> valueOf)
    {
        ArgumentNullException.ThrowIfNull(valueOf);
        var positional = For(sql);
        var command = new NpgsqlBatchCommand(positional.Text);
        foreach (var name in positional.Names)
        {
            var parameter = valueOf(name) ?? throw new InvalidOperationException($"The statement takes @{name}, which Granary doesn't bind.");
            parameter.ParameterName = string.Empty;
            command.Parameters.Add(parameter);
        }
        return command;
    }

    private static PositionalSql Rewrite(string sql)
    {
        if (sql.Contains('$', StringComparison.Ordinal))
        {
            throw new ArgumentException("Statements with dollar quotes or positional parameters can't be rewritten.", nameof(sql));
        }
        var names = new List<string>();
        var text = new StringBuilder(sql.Length);
        var i = 0;
        while (i < sql.Length)
        {
            var c = sql[i];
            if (c is '\'' or '"')
            {
                var end = sql.IndexOf(c, i + 1);
                end = end < 0 ? sql.Length : end + 1;
                text.Append(sql, i, end - i);
                i = end;
            }
            else if (c == '-' && At(sql, i + 1, '-'))
            {
                var end = sql.IndexOf('\n', i);
                end = end < 0 ? sql.Length : end;
                text.Append(sql, i, end - i);
                i = end;
            }
            else if (c == '/' && At(sql, i + 1, '*'))
            {
                var end = sql.IndexOf("*/", i + 2, StringComparison.Ordinal);
                end = end < 0 ? sql.Length : end + 2;
                text.Append(sql, i, end - i);
                i = end;
            }
            else if (c == '@' && i + 1 < sql.Length && IsNameStart(sql[i + 1]))
            {
                var end = i + 1;
                while (end < sql.Length && IsNamePart(sql[end]))
                {
                    end++;
                }
                var name = sql[(i + 1)..end];
                var position = names.FindIndex(n => n.Equals(name, StringComparison.OrdinalIgnoreCase));
                if (position < 0)
                {
                    names.Add(name);
                    position = names.Count - 1;
                }
                text.Append('$').Append(position + 1);
                i = end;
            }
            else
            {
                text.Append(c);
                i++;
            }
        }
        return new PositionalSql(text.ToString(), names);
    }

    private static bool At(string sql, int index, char expected) => index < sql.Length && sql[index] == expected;

    private static bool IsNameStart(char c) => char.IsAsciiLetter(c) || c == '_';

    private static bool IsNamePart(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';
}
