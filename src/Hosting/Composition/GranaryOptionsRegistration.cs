using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Granary.Hosting;

/// <summary>Binds every <c>Granary:*</c> section to its options and validates it when the host starts.</summary>
internal static class GranaryOptionsRegistration
{
    public static IServiceCollection AddGranaryOptions(this IServiceCollection services)
    {
        services.AddValidated<GranarySiloOptions, GranarySiloOptionsValidator>(GranarySiloOptions.Section);
        services.AddValidated<GranaryStorageOptions, GranaryStorageOptionsValidator>(GranaryStorageOptions.Section);
        services.AddValidated<GranaryRemindersOptions, GranaryRemindersOptionsValidator>(GranaryRemindersOptions.Section);
        services.AddValidated<GranaryClusterOptions, GranaryClusterOptionsValidator>(GranaryClusterOptions.Section);
        services.AddValidated<GranaryDashboardOptions, GranaryDashboardOptionsValidator>(GranaryDashboardOptions.Section);
        return services;
    }

    private static void AddValidated<TOptions, TValidator>(this IServiceCollection services, string section)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        services.AddOptions<TOptions>().BindConfiguration(section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TOptions>, TValidator>();
    }
}
