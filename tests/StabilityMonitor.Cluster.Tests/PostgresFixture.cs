using StabilityMonitor.TestServers;

namespace StabilityMonitor.Cluster.Tests;

/// <summary>One real PostgreSQL for the class's tests, each with a database of its own.</summary>
public sealed class PostgresFixture : IDisposable
{
    public PostgresServer Server { get; } = new();

    public void Dispose() => Server.Dispose();
}
