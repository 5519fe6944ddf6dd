namespace StabilityMonitor.Durability.Journal;

/// <summary>One record read back from the journal: its position (just after it) and a copy of its payload.</summary>
public readonly record struct JournalRecord(long Position, ReadOnlyMemory<byte> Payload);
