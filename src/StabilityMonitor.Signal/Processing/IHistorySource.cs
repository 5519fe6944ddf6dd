namespace StabilityMonitor.Signal.Processing;

/// <summary>Something that still holds a device's recent raw samples and hands them over on request (<see cref="DeviceProcessor"/>).</summary>
public interface IHistorySource
{
    /// <summary>Hands <paramref name="reader"/> the samples held from device time <paramref name="fromMicros"/> on, oldest first.</summary>
    void ReplayHistory<TReader>(long fromMicros, ref TReader reader)
        where TReader : IHistoryReader;
}
