namespace StabilityMonitor.Alerting.Tests.Webhooks;

/// <summary>One request the test receiver saw, and the status it answered (0: it stalled and sent none).</summary>
public sealed record ReceivedRequest(int Number, IReadOnlyDictionary<string, string> Headers, byte[] Body, int AnsweredStatus)
{
    public string Header(string name) => Headers.TryGetValue(name, out var value) ? value : "";
}
