using System.Text.Json;
using System.Text.Json.Serialization;

namespace Granary.WebApi.Orders;

/// <summary>
/// Source-generated JSON for the order read path (GET …/orders/{id}, the API's hottest call): the generated
/// serializer writes an <see cref="OrderResponse"/> straight to the response without reflection-based metadata.
/// Same wire shape as the API's JSON options (web defaults: camelCase).
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(OrderResponse))]
internal sealed partial class OrderJson : JsonSerializerContext;
