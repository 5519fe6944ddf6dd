namespace StabilityMonitor.Server.Balance;

/// <summary>Logs of the balance and mobility store (event ids 7100–7199).</summary>
internal static partial class BalanceLog
{
    [LoggerMessage(7100, LogLevel.Information, "Mobility: {Days} stored days of {Devices} devices loaded", EventName = "MobilityLoaded")]
    public static partial void Loaded(ILogger logger, int days, int devices);

    [LoggerMessage(7101, LogLevel.Warning, "Mobility: the stored days could not be read ({Message}); trying again in {Delay}, days are not written meanwhile", EventName = "MobilityLoadFailed")]
    public static partial void LoadFailed(ILogger logger, string message, TimeSpan delay);

    [LoggerMessage(7102, LogLevel.Warning, "Mobility: {Days} changed days could not be journaled ({Message}); they are written at the next interval", EventName = "MobilityStoreFailed")]
    public static partial void StoreFailed(ILogger logger, int days, string message);

    [LoggerMessage(7103, LogLevel.Warning, "Balance: the result of test session {SessionId} could not be journaled for InfluxDB ({Message}); it is kept in the relational store", EventName = "BalanceTestPointFailed")]
    public static partial void TestPointFailed(ILogger logger, Guid sessionId, string message);

    [LoggerMessage(7104, LogLevel.Information, "Balance: {Sessions} test sessions left recording by the previous run marked abandoned", EventName = "BalanceSessionsAbandoned")]
    public static partial void SessionsAbandoned(ILogger logger, int sessions);

    [LoggerMessage(7106, LogLevel.Warning, "Mobility: the last days could not be journaled at shutdown ({Message}); up to Balance:StoreInterval of today is lost", EventName = "MobilityFinalStoreFailed")]
    public static partial void FinalStoreFailed(ILogger logger, string message);

    [LoggerMessage(7105, LogLevel.Warning, "Mobility: stored days of {DeviceId} could not be read for a request ({Message}); answering from memory", EventName = "MobilityReadFailed")]
    public static partial void ReadFailed(ILogger logger, string deviceId, string message);

    [LoggerMessage(7107, LogLevel.Warning, "Balance: {Failures} writes of the raw-sample archive in {Directory} failed since the last such message ({Message}); their samples are lost and post-hoc tests over them are refused", EventName = "RawArchiveWriteFailed")]
    public static partial void RawArchiveWriteFailed(ILogger logger, long failures, string directory, string message);

    [LoggerMessage(7108, LogLevel.Warning, "Balance: the raw-sample archive could not be read for {DeviceId} ({Message}); the post-hoc test is refused", EventName = "RawArchiveReadFailed")]
    public static partial void RawArchiveReadFailed(ILogger logger, string deviceId, string message);
}
