using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace StabilityMonitor.Alerting.Alerts;

/// <summary>Escalates open alerts that nobody acknowledged in time, on a timer of the injected clock.</summary>
internal sealed class EscalationService : BackgroundService
{
    private readonly AlertService _alerts;
    private readonly TimeProvider _time;
    private readonly AlertingOptions _options;
    private readonly ILogger _logger;

    public EscalationService(AlertService alerts, TimeProvider time, IOptions<AlertingOptions> options, ILogger<EscalationService> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _alerts = alerts;
        _time = time;
        _options = options.Value;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.EscalationCheckInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    while (await _alerts.EscalateDueAsync(stoppingToken).ConfigureAwait(false) > 0)
                    {
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException && ex is not OutOfMemoryException)
                {
                    // The database may be away: the next tick tries again, nothing is lost (due alerts stay due).
                    AlertLog.EscalationFailed(_logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
