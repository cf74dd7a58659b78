using System.Text;
using System.Text.RegularExpressions;

namespace Granary.Grains.Emails;

/// <summary>One piece of template text (a subject or a body) with its <c>{{name}}</c> placeholders.</summary>
internal sealed partial class TemplateText
{
    private readonly string _text;

    public TemplateText(string text)
    {
        _text = text;
        Placeholders = [.. Placeholder().Matches(text).Select(m => m.Groups["name"].Value).Distinct(StringComparer.Ordinal)];
    }

    /// <summary>The placeholder names, in order of first use.</summary>
    public IReadOnlyList<string> Placeholders { get; }

    /// <summary>
    /// Replaces every placeholder by its value passed through <paramref name="encode"/>. The caller checked that every
    /// placeholder has a value (<see cref="Placeholders"/>).
    /// </summary>
    public string Render(IReadOnlyDictionary<string, string> values, Func<string, string> encode)
    {
        var result = new StringBuilder(_text.Length);
        var last = 0;
        foreach (Match match in Placeholder().Matches(_text))
        {
            result.Append(_text, last, match.Index - last).Append(encode(values[match.Groups["name"].Value]));
            last = match.Index + match.Length;
        }
        return result.Append(_text, last, _text.Length - last).ToString();
    }

    [GeneratedRegex(@"\{\{(?<name>[A-Za-z][A-Za-z0-9_]*)\}\}", RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();
}
