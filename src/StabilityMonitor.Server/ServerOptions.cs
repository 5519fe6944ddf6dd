using System.ComponentModel.DataAnnotations;

namespace StabilityMonitor.Server;

/// <summary>Host options (configuration section <c>Server</c>).</summary>
public sealed class ServerOptions
{
    public const string SectionName = "Server";

    /// <summary>
    /// HTTP address used when no <c>urls</c> / <c>ASPNETCORE_URLS</c> / <c>Kestrel</c> configuration is given.
    /// Default <c>http://127.0.0.1:5080</c>: loopback only, because the API has no authentication yet.
    /// </summary>
    [Required]
    public string DefaultUrl { get; set; } = "http://127.0.0.1:5080";

    /// <summary>Period of the one-line console summary; zero turns it off. Default 10 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan SummaryInterval { get; set; } = TimeSpan.FromSeconds(10);
}
