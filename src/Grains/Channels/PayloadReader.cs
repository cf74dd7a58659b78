using System.Globalization;
using System.Net.Mail;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Granary.Grains.Channels;

/// <summary>
/// Reads fields of an inbound payload with the same rules as <c>POST …/orders</c>, throwing
/// <see cref="ChannelPayloadException"/> with the field's path at the first broken one. Unknown fields are ignored:
/// channels send more than we need.
/// </summary>
internal static partial class PayloadReader
{
    public static JsonElement Object(JsonElement parent, string name, string path)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.Object)
        {
            throw new ChannelPayloadException(path, $"{path} must be an object.");
        }
        return value;
    }

    public static JsonElement Array(JsonElement parent, string name, string path, int max)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.Array || value.GetArrayLength() == 0)
        {
            throw new ChannelPayloadException(path, $"{path} must be an array with at least one element.");
        }
        if (value.GetArrayLength() > max)
        {
            throw new ChannelPayloadException(path, $"{path} holds at most {max} elements.");
        }
        return value;
    }

    public static string Text(JsonElement parent, string name, string path, int maxLength = 200)
    {
        var text = OptionalText(parent, name, path, maxLength);
        return string.IsNullOrWhiteSpace(text) ? throw new ChannelPayloadException(path, $"{path} is required.") : text;
    }

    public static string? OptionalText(JsonElement parent, string name, string path, int maxLength = 200)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.String)
        {
            throw new ChannelPayloadException(path, $"{path} must be a string.");
        }
        var text = value.GetString()!.Trim();
        return text.Length > maxLength ? throw new ChannelPayloadException(path, $"{path} must be at most {maxLength} characters.") : text;
    }

    public static int Quantity(JsonElement parent, string name, string path)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var quantity) || quantity is <= 0 or > 1_000_000)
        {
            throw new ChannelPayloadException(path, $"{path} must be a whole number between 1 and 1000000.");
        }
        return quantity;
    }

    public static decimal Price(JsonElement parent, string name, string path)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.Number || !value.TryGetDecimal(out var price))
        {
            throw new ChannelPayloadException(path, $"{path} must be a number.");
        }
        return CheckPrice(price, path);
    }

    /// <summary>Money as a string ("12.50"): digits with at most 4 decimals, invariant culture, never floating point.</summary>
    public static decimal MoneyString(JsonElement parent, string name, string path)
    {
        var text = OptionalText(parent, name, path, 32);
        if (text is null || !Money().IsMatch(text) || !decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
        {
            throw new ChannelPayloadException(path, $"{path} must be an amount as a string, like \"12.50\".");
        }
        return CheckPrice(amount, path);
    }

    public static string Sku(string sku, string path) =>
        SkuPattern().IsMatch(sku) ? sku : throw new ChannelPayloadException(path, $"{path} must be 1 to 64 letters, digits, '.', '_' or '-'.");

    public static string Currency(string? currency, string path) =>
        currency is { Length: 3 } && currency.All(char.IsAsciiLetter)
            ? currency.ToUpperInvariant()
            : throw new ChannelPayloadException(path, $"{path} must be a 3-letter ISO 4217 code.");

    public static string Country(string? country, string path) =>
        country is { Length: 2 } && country.All(char.IsAsciiLetter)
            ? country.ToUpperInvariant()
            : throw new ChannelPayloadException(path, $"{path} must be a 2-letter ISO 3166 code.");

    public static string Email(string email, string path) =>
        email.Length <= 254 && MailAddress.TryCreate(email, out var parsed) && parsed.Address == email
            ? email
            : throw new ChannelPayloadException(path, $"{path} must be an email address.");

    private static decimal CheckPrice(decimal price, string path) =>
        price is >= 0 and <= 1_000_000_000m ? price : throw new ChannelPayloadException(path, $"{path} must be between 0 and 1000000000.");

    [GeneratedRegex("^[0-9]{1,10}(\\.[0-9]{1,4})?$")]
    private static partial Regex Money();

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex SkuPattern();
}
