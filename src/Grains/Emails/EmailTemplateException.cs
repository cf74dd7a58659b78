namespace Granary.Grains.Emails;

/// <summary>
/// A template can't be rendered with the values given (a placeholder has no value). A fault of the request, not of
/// the mail server: an email job that meets it is dead at once and never retried.
/// </summary>
public sealed class EmailTemplateException(string message) : Exception(message);
