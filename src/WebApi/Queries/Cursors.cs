using System.Text;
using System.Globalization;
using Granary.ReadModel;
using Microsoft.AspNetCore.WebUtilities;

namespace Granary.WebApi.Queries;

/// <summary>Opaque page cursors (base64url text) and their parsing; a cursor that doesn't parse is a 400.</summary>
internal static class Cursors
{
    public static string Encode(ListCursor cursor) => Encode(FormattableString.Invariant($"{cursor.CreatedAt}\n{cursor.GrainKey}"));

    public static string Encode(string text) => WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(text));

    public static bool TryDecodeList(string? value, out ListCursor? cursor)
    {
        cursor = null;
        if (string.IsNullOrEmpty(value))
        {
            return true;
        }
        if (!TryDecode(value, out var text) || text.Split('\n') is not [var createdAt, var key]
            || !long.TryParse(createdAt, NumberStyles.None, CultureInfo.InvariantCulture, out var micros))
        {
            return false;
        }
        cursor = new ListCursor(micros, key);
        return true;
    }

    public static bool TryDecode(string? value, out string text)
    {
        text = "";
        if (string.IsNullOrEmpty(value))
        {
            return true;
        }
        try
        {
            text = Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(value));
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
