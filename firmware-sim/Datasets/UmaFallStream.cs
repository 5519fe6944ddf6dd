using StabilityMonitor.Signal;

namespace StabilityMonitor.FirmwareSim.Datasets;

/// <summary>The accelerometer stream of one UMAFall device, in file order.</summary>
/// <param name="Samples">Accelerations in g, device axes.</param>
/// <param name="SampleRateHz">Rate estimated from the timestamps (<see cref="UmaFallReader.EstimateRateHz"/>).</param>
/// <param name="SensorId">The header's Sensor_ID of the device.</param>
/// <param name="FirstTimestampMs">Timestamp of the first sample, ms since the start of the recording.</param>
/// <param name="LastTimestampMs">Timestamp of the last sample, ms since the start of the recording.</param>
internal sealed record UmaFallStream(AccelSample[] Samples, int SampleRateHz, int SensorId, long FirstTimestampMs, long LastTimestampMs);
