using Microsoft.Extensions.Options;

namespace StabilityMonitor.Dashboard;

/// <summary>Validates <see cref="DashboardOptions"/> from its data annotations (source-generated).</summary>
[OptionsValidator]
internal sealed partial class DashboardOptionsValidator : IValidateOptions<DashboardOptions>
{
}
