using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using StabilityMonitor.Dashboard.Broadcast;
using StabilityMonitor.Dashboard.Contract;
using StabilityMonitor.Dashboard.Hub;
using StackExchange.Redis;

namespace StabilityMonitor.Dashboard;

/// <summary>Registers and maps the caregiver dashboard's hub and its broadcaster.</summary>
public static class DashboardHostingExtensions
{
    /// <summary>
    /// Adds SignalR (with the Redis backplane when <c>Dashboard:Redis</c> is set), the hub's snapshot builder and the
    /// broadcaster (section <c>Dashboard</c>). Needs the pipeline and alerting registered.
    /// </summary>
    public static IHostApplicationBuilder AddDashboard(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<DashboardOptions>().BindConfiguration(DashboardOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DashboardOptions>, DashboardOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);

        var signalR = services.AddSignalR();
        var redis = builder.Configuration[$"{DashboardOptions.SectionName}:{nameof(DashboardOptions.Redis)}"];
        if (!string.IsNullOrWhiteSpace(redis))
        {
            // A prefix of its own, so a Redis shared with other apps never mixes their SignalR channels with ours.
            signalR.AddStackExchangeRedis(redis, static o => o.Configuration.ChannelPrefix = RedisChannel.Literal("stability-dashboard"));
        }

        services.AddSingleton<DashboardMetrics>();
        services.AddSingleton<DeviceDirectory>();
        services.AddSingleton(static sp => new SwayHistory(sp.GetRequiredService<IOptions<DashboardOptions>>().Value.SwayHistory));
        services.AddSingleton<WardSnapshotBuilder>();
        services.AddSingleton<DashboardBroadcaster>();
        services.AddHostedService(static sp => sp.GetRequiredService<DashboardBroadcaster>());
        return builder;
    }

    /// <summary>Maps the hub at <see cref="DashboardRoutes.Hub"/>, signed-in users and API keys only (anonymous negotiate: 401).</summary>
    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapHub<DashboardHub>(DashboardRoutes.Hub).RequireAuthorization();
        return endpoints;
    }
}
