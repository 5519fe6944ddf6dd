using System.Data.Common;
using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orleans.Configuration;
using StabilityMonitor.Cluster.Schema;

namespace StabilityMonitor.Cluster;

/// <summary>Hosts this server as a silo: one grain per wearable (docs/scale-out.md).</summary>
public static class ClusterHosting
{
    /// <summary>The grain storage wearables save their state in.</summary>
    public const string StorageName = "wearables";

    private const string Invariant = "Npgsql";

    /// <summary>
    /// Adds an Orleans silo. With <c>Cluster:Enabled</c> it joins the cluster in PostgreSQL (membership, wearable state;
    /// the schema is created on first start); without, it is a cluster of one on loopback with state in memory.
    /// Needs the pipeline (<c>AddStabilityPipeline</c>): grains publish into the silo's own.
    /// </summary>
    public static IHostApplicationBuilder AddStabilityCluster(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var section = builder.Configuration.GetSection(ClusterNodeOptions.SectionName);
        builder.Services.AddOptions<ClusterNodeOptions>().Bind(section).ValidateDataAnnotations().ValidateOnStart();
        var options = section.Get<ClusterNodeOptions>() ?? new ClusterNodeOptions();

        // Before the pipeline's services (register this first): the frames a restart replays go to the grains, so the
        // silo must be up and the router in place before the pipeline restores; and at shutdown the pipeline drains
        // into the router before the router, then the silo, stop.
        builder.Services.AddSingleton<GrainRouter>();

        if (options.Enabled)
        {
            var connectionString = options.ConnectionString is { Length: > 0 } own ? own : builder.Configuration["Store:ConnectionString"];
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                throw new InvalidOperationException("Cluster:Enabled needs a PostgreSQL database: set Cluster:ConnectionString or Store:ConnectionString.");
            }

            DbProviderFactories.RegisterFactory(Invariant, NpgsqlFactory.Instance);

            // Before the silo's own hosted service: the tables must exist when it joins.
            builder.Services.AddHostedService(sp => new ClusterSchema(connectionString, sp.GetRequiredService<ILogger<ClusterSchema>>()));
            builder.UseOrleans(silo =>
            {
                silo.Configure<ClusterOptions>(o =>
                {
                    o.ClusterId = options.ClusterId;
                    o.ServiceId = options.ServiceId;
                });
                silo.ConfigureEndpoints(IPAddress.Parse(options.AdvertisedAddress), options.SiloPort, options.GatewayPort, listenOnAnyHostAddress: false);

                // A silo is named after its broker client id: a node that finds it dead knows which session to consume.
                silo.Configure<SiloOptions>(o => o.SiloName = builder.Configuration["Mqtt:ClientId"] is { Length: > 0 } id ? id : "stability-worker");
                silo.UseAdoNetClustering(o =>
                {
                    o.Invariant = Invariant;
                    o.ConnectionString = connectionString;
                });
                silo.AddAdoNetGrainStorage(StorageName, o =>
                {
                    o.Invariant = Invariant;
                    o.ConnectionString = connectionString;
                });
            });

            if (options.AdoptPeerSessions)
            {
                if (options.PeerFrameLogs.Length > 0 && !options.PeerFrameLogs.Contains("{node}", StringComparison.Ordinal))
                {
                    throw new InvalidOperationException("Cluster:PeerFrameLogs must name each node's frame log directory with {node} for its Mqtt:ClientId.");
                }

                builder.Services.AddSingleton<PeerLogReplay>();
                builder.Services.AddHostedService(static sp => sp.GetRequiredService<PeerLogReplay>());
                builder.Services.AddHostedService<PeerShareAdoption>();
            }
        }
        else
        {
            builder.UseOrleans(silo =>
            {
                silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort, serviceId: options.ServiceId, clusterId: options.ClusterId);
                silo.AddMemoryGrainStorage(StorageName);
            });
        }

        builder.Services.AddHostedService(static sp => sp.GetRequiredService<GrainRouter>());
        builder.Services.AddHostedService<GrainDeviceView>();
        return builder;
    }
}
