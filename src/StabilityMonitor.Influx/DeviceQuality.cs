namespace StabilityMonitor.Influx;

/// <summary>
/// Data quality of one device over a reporting interval, as the live pipeline counts it.
/// </summary>
/// <param name="TimeMicros">Device time at the end of the interval, Unix microseconds.</param>
/// <param name="Samples">Samples received in the interval.</param>
/// <param name="Gaps">Sequence or time gaps that reset the signal processing.</param>
/// <param name="DecodeErrors">Frames that could not be decoded.</param>
/// <param name="SampleRateHz">Sample rate the device reported, Hz.</param>
/// <param name="BatteryPercent">Battery charge, 0..100 %; NaN when the device did not report it (the field is then left out).</param>
public readonly record struct DeviceQuality(
    long TimeMicros,
    int Samples,
    int Gaps,
    int DecodeErrors,
    float SampleRateHz,
    float BatteryPercent = float.NaN);
