namespace Granary.WebApi.Http;

/// <summary>A request body that knows its own rules; <see cref="ValidationFilter{T}"/> answers 400 naming each bad field.</summary>
internal interface IValidatableRequest
{
    /// <summary>Adds one entry per broken rule: field name (camelCase, as in the JSON) and message.</summary>
    void Validate(ValidationErrors errors);
}

/// <summary>Collects field errors.</summary>
internal sealed class ValidationErrors
{
    private readonly Dictionary<string, List<string>> _errors = [];

    public bool IsEmpty => _errors.Count == 0;

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            _errors[field] = list = [];
        }
        list.Add(message);
    }

    public void Required(string field, string? value, int maxLength = 200)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            Add(field, $"{field} is required.");
        }
        else if (value.Length > maxLength)
        {
            Add(field, $"{field} must be at most {maxLength} characters.");
        }
    }

    public IDictionary<string, string[]> ToDictionary() => _errors.ToDictionary(e => e.Key, e => e.Value.ToArray());
}

/// <summary>Validates the body of type <typeparamref name="T"/> before the handler runs.</summary>
internal sealed class ValidationFilter<T> : IEndpointFilter where T : IValidatableRequest
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var body = context.Arguments.OfType<T>().FirstOrDefault();
        if (body is null)
        {
            return ApiProblems.Invalid("body", "A JSON body is required.");
        }
        var errors = new ValidationErrors();
        body.Validate(errors);
        return errors.IsEmpty ? await next(context) : ApiProblems.Invalid(errors.ToDictionary());
    }
}

/// <summary>Adds validation to an endpoint.</summary>
internal static class ValidationExtensions
{
    public static RouteHandlerBuilder Validate<T>(this RouteHandlerBuilder builder) where T : IValidatableRequest =>
        builder.AddEndpointFilter<ValidationFilter<T>>().ProducesValidationProblem()
            .DocumentProblems(StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType);
}
