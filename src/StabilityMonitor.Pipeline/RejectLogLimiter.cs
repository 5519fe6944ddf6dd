using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace StabilityMonitor.Pipeline;

/// <summary>
/// Logs rejected messages at most once per <see cref="PipelineOptions.RejectLogInterval"/> per reason and counts
/// the rest, so a flood of bad frames costs a counter increment, not a log line each.
/// </summary>
internal sealed class RejectLogLimiter
{
    private readonly long[] _nextAllowed = new long[RejectReasons.Count];
    private readonly long[] _suppressed = new long[RejectReasons.Count];
    private readonly long _intervalTicks;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public RejectLogLimiter(IOptions<PipelineOptions> options, TimeProvider time, ILogger<RejectLogLimiter> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _time = time;
        _logger = logger;
        _intervalTicks = (long)(options.Value.RejectLogInterval.TotalSeconds * time.TimestampFrequency);
        Array.Fill(_nextAllowed, long.MinValue);
    }

    public void Rejected(string topic, RejectReason reason)
    {
        var i = (int)reason;
        var now = _time.GetTimestamp();
        var next = Interlocked.Read(ref _nextAllowed[i]);
        if (now < next || Interlocked.CompareExchange(ref _nextAllowed[i], now + _intervalTicks, next) != next)
        {
            Interlocked.Increment(ref _suppressed[i]);
            return;
        }

        PipelineLog.FrameRejected(_logger, topic, RejectReasons.Label(reason), Interlocked.Exchange(ref _suppressed[i], 0));
    }
}
