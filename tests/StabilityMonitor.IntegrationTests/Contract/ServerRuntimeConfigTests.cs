using System.Text.Json;

namespace StabilityMonitor.IntegrationTests.Contract;

/// <summary>
/// The runtime settings the server ships in its runtimeconfig.json (docs/performance.md): workstation GC (resident memory
/// per wearable) and tiered PGO off (the drain after a start). The project reference copies the server's file here, as
/// `dotnet publish` puts it beside the server; the runtime reads it from there.
/// </summary>
public sealed class ServerRuntimeConfigTests
{
    [Fact]
    public void RuntimeConfig_WorkstationGc_TieredPgoOff()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "StabilityMonitor.Server.runtimeconfig.json");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var properties = document.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");

        Assert.False(properties.GetProperty("System.GC.Server").GetBoolean());
        Assert.False(properties.GetProperty("System.Runtime.TieredPGO").GetBoolean());
    }
}
