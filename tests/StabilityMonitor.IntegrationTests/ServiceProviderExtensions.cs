using Microsoft.Extensions.DependencyInjection;

namespace StabilityMonitor.IntegrationTests;

internal static class ServiceProviderExtensions
{
    public static T GetRequiredServiceOf<T>(this IServiceProvider services)
        where T : notnull => services.GetRequiredService<T>();
}
