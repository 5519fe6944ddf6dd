using Microsoft.Extensions.Time.Testing;

namespace StabilityMonitor.Pipeline.Tests;

public class MetricsRegistryTests
{
    [Fact]
    public void WritePrometheus_Always_ExposesTheDocumentedMetrics()
    {
        var metrics = new MetricsRegistry(new FakeTimeProvider());
        metrics.AddFrame(25);
        metrics.AddRejected(RejectReason.MalformedJson);
        metrics.AddEvent(Signal.Detection.EventKind.NearFall);
        metrics.AddGauge("stability_test_gauge", "A test gauge.", static () => 2.5);
        using var writer = new StringWriter();

        metrics.WritePrometheus(writer);
        var text = writer.ToString();

        foreach (var name in new[]
        {
            "stability_frames_total 1", "stability_samples_total 25", "stability_frames_rejected_total{reason=\"malformed_json\"} 1",
            "stability_frames_rejected_total{reason=\"unknown_topic\"} 0", "stability_frames_lost_total 0", "stability_frames_duplicate_total 0",
            "stability_events_total{kind=\"near_fall\"} 1", "stability_events_total{kind=\"fall\"} 0", "stability_devices_online 0",
            "stability_ingest_blocked_seconds_total 0", "stability_process_allocated_bytes_total ", "stability_test_gauge 2.5",
            "# TYPE stability_frames_total counter", "# TYPE stability_devices_online gauge",
        })
        {
            Assert.Contains(name, text, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("\r", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Labels_AllReasons_AreSnakeCase()
    {
        Assert.Equal("sample_out_of_range", RejectReasons.Label(RejectReason.SampleOutOfRange));
        Assert.Equal("invalid_device_id", RejectReasons.Label(RejectReason.InvalidDeviceId));
        Assert.Equal(RejectReason.MalformedJson, RejectReasons.FromFrameError(Signal.Codec.FrameError.MalformedJson));
        Assert.All(RejectReasons.All, static r => Assert.Matches("^[a-z_]+$", RejectReasons.Label(r)));
    }
}
