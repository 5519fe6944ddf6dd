using Microsoft.AspNetCore.SignalR;
using StabilityMonitor.Dashboard.Contract;
using StabilityMonitor.Dashboard.Hub;

namespace StabilityMonitor.IntegrationTests.Dashboard;

/// <summary>
/// A hub context whose sends wait until <see cref="BlockingClients.Release"/>: a group with a slow consumer, as
/// SignalR makes it (a group send completes only when every connection took the message).
/// </summary>
internal sealed class BlockingHubContext : IHubContext<DashboardHub, IDashboardClient>
{
    public BlockingClients Blocking { get; } = new();

    public IHubClients<IDashboardClient> Clients => Blocking;

    public IGroupManager Groups => throw new NotSupportedException();
}
