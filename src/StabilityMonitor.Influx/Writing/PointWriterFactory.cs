using Microsoft.Extensions.Logging;

namespace StabilityMonitor.Influx.Writing;

/// <summary>Picks the writer for the configured API generation; none when no URL is configured.</summary>
internal static class PointWriterFactory
{
    public static IPointWriter? Create(InfluxOptions options, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.HasServer)
        {
            return null;
        }

        return options.ApiVersion == InfluxApiVersion.V1
            ? new V1PointWriter(options, new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }, loggerFactory.CreateLogger<V1PointWriter>())
            : new V2PointWriter(options);
    }
}
