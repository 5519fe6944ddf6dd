using System.Reflection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace StabilityMonitor.Cluster.Schema;

/// <summary>
/// Creates the tables and queries Orleans' ADO.NET clustering and grain storage use, on first start (the scripts ship
/// with this assembly, as Orleans publishes them). Several silos starting together take an advisory lock, so one
/// creates and the others find it done.
/// </summary>
internal sealed class ClusterSchema(string connectionString, ILogger<ClusterSchema> logger) : IHostedService
{
    private const long LockKey = 0x5374_6162_4F72_6C6E; // "StabOrln"

    // Each script, with a table it creates: run only when that table is missing.
    private static readonly (string Script, string Table)[] s_parts =
    [
        ("PostgreSQL-Main.sql", "orleansquery"),
        ("PostgreSQL-Clustering.sql", "orleansmembershiptable"),
        ("PostgreSQL-Persistence.sql", "orleansstorage"),
    ];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var lockCommand = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({LockKey})", connection, transaction))
        {
            await lockCommand.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var created = false;
        foreach (var (script, table) in s_parts)
        {
            await using var exists = new NpgsqlCommand("SELECT to_regclass(@table) IS NOT NULL", connection, transaction);
            exists.Parameters.AddWithValue("table", table);
            if ((bool)(await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!)
            {
                continue;
            }

            await using var command = new NpgsqlCommand(ReadScript(script), connection, transaction);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            created = true;
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        if (created)
        {
            ClusterLog.SchemaCreated(logger);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static string ReadScript(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"StabilityMonitor.Cluster.Schema.{name}")
            ?? throw new InvalidOperationException($"The cluster schema script {name} is not in the assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
