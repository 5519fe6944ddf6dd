using System.ComponentModel.DataAnnotations;

namespace StabilityMonitor.Server;

/// <summary>Host options (configuration section <c>Server</c>).</summary>
public sealed class ServerOptions
{
    public const string SectionName = "Server";

    /// <summary>
    /// HTTP address used when no <c>urls</c> / <c>ASPNETCORE_URLS</c> / <c>Kestrel</c> configuration is given.
    /// Default <c>http://127.0.0.1:5080</c>: loopback only; put a TLS-terminating proxy in front to serve others.
    /// </summary>
    [Required]
    public string DefaultUrl { get; set; } = "http://127.0.0.1:5080";

    /// <summary>Period of the one-line console summary; zero turns it off. Default 10 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan SummaryInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The server's data folder: the SQLite store (<c>stability.db</c>) and the InfluxDB journal (<c>influx-journal/</c>)
    /// unless configured elsewhere. Relative paths are taken from the working directory. Default <c>data</c>.
    /// </summary>
    [Required]
    public string DataDirectory { get; set; } = "data";

    /// <summary>The absolute data folder.</summary>
    public static string ResolveDataDirectory(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var configured = configuration[$"{SectionName}:{nameof(DataDirectory)}"];
        return Path.GetFullPath(string.IsNullOrWhiteSpace(configured) ? "data" : configured, Environment.CurrentDirectory);
    }
}
