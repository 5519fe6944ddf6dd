namespace StabilityMonitor.Signal.Processing;

/// <summary>Takes the raw samples a <see cref="DeviceProcessor"/> still holds, oldest first (<see cref="DeviceProcessor.ReplayHistory{TReader}"/>).</summary>
public interface IHistoryReader
{
    void OnSample(long deviceTimeMicros, in AccelSample sample);
}
