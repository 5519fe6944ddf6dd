namespace StabilityMonitor.Durability.Journal;

/// <summary>Appends are being refused because writes fail (disk full, I/O error).</summary>
/// <param name="Error">The last error's message.</param>
/// <param name="Since">When the first append of this run of failures was refused.</param>
/// <param name="Failures">Appends refused since then.</param>
public sealed record JournalWriteFailure(string Error, DateTimeOffset Since, long Failures);
