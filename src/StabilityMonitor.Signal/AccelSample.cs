namespace StabilityMonitor.Signal;

/// <summary>One accelerometer sample in the device's own axes, in g.</summary>
public readonly record struct AccelSample(float X, float Y, float Z)
{
    /// <summary>Magnitude of the acceleration vector, in g.</summary>
    public float Magnitude => MathF.Sqrt((X * X) + (Y * Y) + (Z * Z));
}
