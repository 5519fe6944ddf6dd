using Microsoft.Extensions.Options;

namespace StabilityMonitor.Alerting.Webhooks;

/// <summary>Source-generated validation of <see cref="WebhookOptions"/> (ranges and the backoff ordering).</summary>
[OptionsValidator]
internal sealed partial class WebhookOptionsValidator : IValidateOptions<WebhookOptions>
{
}
