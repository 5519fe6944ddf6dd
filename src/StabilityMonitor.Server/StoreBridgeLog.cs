namespace StabilityMonitor.Server;

/// <summary>Log messages of the bridge from the pipeline to the metric store (event ids 3100-3199).</summary>
internal static partial class StoreBridgeLog
{
    [LoggerMessage(3101, LogLevel.Information, "Storing events, windows and data quality (every {QualityInterval}) from the pipeline; queues: {EventCapacity} events, {WindowCapacity} windows", EventName = "StoreBridgeStarted")]
    public static partial void Started(ILogger logger, TimeSpan qualityInterval, int eventCapacity, int windowCapacity);

    [LoggerMessage(3102, LogLevel.Warning, "Window queue full ({Capacity}): the store is not keeping up, new windows are dropped and counted until it does", EventName = "StoreWindowsDropping")]
    public static partial void WindowsDropping(ILogger logger, int capacity);

    [LoggerMessage(3103, LogLevel.Information, "Window queue has room again; {Dropped} windows dropped so far", EventName = "StoreWindowsResumed")]
    public static partial void WindowsResumed(ILogger logger, long dropped);

    [LoggerMessage(3104, LogLevel.Error, "Event queue full ({Capacity}) and the journal's event reserve exhausted: the pipeline waits for the store", EventName = "StoreEventQueueFull")]
    public static partial void EventQueueFull(ILogger logger, int capacity);

    [LoggerMessage(3105, LogLevel.Error, "Storing {What} of {DeviceId} failed; it is not stored", EventName = "StoreAppendFailed")]
    public static partial void AppendFailed(ILogger logger, string what, string deviceId, Exception exception);

    [LoggerMessage(3106, LogLevel.Error, "Stopped with the journal full: {Events} events and {Windows} windows were not stored", EventName = "StoreNotDrained")]
    public static partial void NotDrained(ILogger logger, int events, int windows);

    [LoggerMessage(3107, LogLevel.Information, "Store bridge stopped: {Events} events, {Windows} windows, {Quality} quality points stored, {Dropped} windows dropped", EventName = "StoreBridgeStopped")]
    public static partial void Stopped(ILogger logger, long events, long windows, long quality, long dropped);
}
