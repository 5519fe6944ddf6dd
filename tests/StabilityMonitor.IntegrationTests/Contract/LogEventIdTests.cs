using System.Reflection;
using Microsoft.Extensions.Logging;

namespace StabilityMonitor.IntegrationTests.Contract;

/// <summary>
/// Every log message of the server has an event id of its own: operators filter and alert on them, and two messages
/// sharing one (the alert lifecycle's once shared 2000–2007 with the MQTT adapter's) make such a rule fire on the wrong
/// thing. Read from the <c>[LoggerMessage]</c> attributes of every project the server is built from.
/// </summary>
public sealed class LogEventIdTests
{
    [Fact]
    public void LoggerMessages_EventIdsUniqueAcrossTheServer_AndEachClassInOneRange()
    {
        var messages = ServerAssemblies()
            .SelectMany(static a => a.GetTypes())
            .SelectMany(static t => t.GetMethods(BindingFlags.Static | BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)
                .Select(m => (Type: t, Method: m, Attribute: m.GetCustomAttribute<LoggerMessageAttribute>())))
            .Where(static m => m.Attribute is not null)
            .Select(static m => (Class: m.Type.FullName!, Name: m.Method.Name, Id: m.Attribute!.EventId))
            .ToList();

        // The log classes of the pipeline, the MQTT adapter, alerts, webhooks, the store, durability, dashboard, balance.
        Assert.True(messages.Count >= 100, $"only {messages.Count} log messages found: the scan missed assemblies");
        var shared = messages.GroupBy(static m => m.Id).Where(static g => g.Count() > 1)
            .Select(static g => $"{g.Key}: {string.Join(", ", g.Select(static m => $"{m.Class}.{m.Name}"))}").ToList();
        Assert.True(shared.Count == 0, "event ids used twice:\n" + string.Join('\n', shared));

        // A class's ids lie in one block of a hundred that no other class uses (docs name the ranges per class).
        var blocks = messages.GroupBy(static m => m.Class).Select(static g => (Class: g.Key, Blocks: g.Select(static m => m.Id / 100).Distinct().ToList())).ToList();
        var owners = blocks.SelectMany(static c => c.Blocks.Select(b => (Block: b, c.Class))).GroupBy(static b => b.Block)
            .Where(static g => g.Select(static b => b.Class).Distinct().Count() > 1)
            .Select(static g => $"{g.Key * 100}–{(g.Key * 100) + 99}: {string.Join(", ", g.Select(static b => b.Class).Distinct())}").ToList();
        Assert.True(owners.Count == 0, "id blocks shared by log classes:\n" + string.Join('\n', owners));
    }

    private static IEnumerable<Assembly> ServerAssemblies()
    {
        // Everything the server references that is ours, loaded by name so that none is missed for not being used yet.
        var server = typeof(StabilityMonitor.Server.Balance.BalanceOptions).Assembly;
        var names = server.GetReferencedAssemblies().Where(static n => n.Name!.StartsWith("StabilityMonitor.", StringComparison.Ordinal));
        return [server, .. names.Select(Assembly.Load)];
    }
}
