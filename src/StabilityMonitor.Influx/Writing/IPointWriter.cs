namespace StabilityMonitor.Influx.Writing;

/// <summary>Sends a body of line protocol (microsecond timestamps) to one server; never throws for server or network errors.</summary>
internal interface IPointWriter : IDisposable
{
    /// <summary>Where the points go, for logs (no credentials).</summary>
    string Target { get; }

    /// <param name="body">Lines separated by '\n'.</param>
    /// <param name="points">Number of lines in <paramref name="body"/>.</param>
    /// <param name="cancellationToken">Stops the request (the points stay in the journal).</param>
    Task<WriteOutcome> WriteAsync(ReadOnlyMemory<byte> body, int points, CancellationToken cancellationToken);
}
