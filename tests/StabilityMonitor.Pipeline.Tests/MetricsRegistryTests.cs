using Microsoft.Extensions.Time.Testing;
using StabilityMonitor.TestServers;

namespace StabilityMonitor.Pipeline.Tests;

public class MetricsRegistryTests
{
    [Fact]
    public void Instruments_Always_PublishTheDocumentedMetricsUnderTheirPrometheusNames()
    {
        var metrics = new MetricsRegistry(new FakeTimeProvider());
        using var reading = new MeterReading(metrics.Meter);
        metrics.AddFrame(25);
        metrics.AddRejected(RejectReason.MalformedJson);
        metrics.AddEvent(Signal.Detection.EventKind.NearFall);
        metrics.AddGauge("stability_test_gauge", "A test gauge.", static () => 2.5);

        var values = reading.Read();

        foreach (var (series, expected) in new (string, double)[]
        {
            ("stability_frames_total", 1), ("stability_samples_total", 25), ("stability_frames_rejected_total{reason=\"malformed_json\"}", 1),
            ("stability_frames_rejected_total{reason=\"unknown_topic\"}", 0), ("stability_frames_lost_total", 0), ("stability_frames_duplicate_total", 0),
            ("stability_events_total{kind=\"near_fall\"}", 1), ("stability_events_total{kind=\"fall\"}", 0), ("stability_devices_online", 0),
            ("stability_ingest_blocked_seconds_total", 0), ("stability_test_gauge", 2.5),
        })
        {
            Assert.True(values.TryGetValue(series, out var value), $"{series} missing");
            Assert.Equal(expected, value);
        }

        Assert.True(values["stability_process_allocated_bytes_total"] > 0);
        Assert.Equal("ObservableCounter`1", reading.Instruments["stability_frames_total"]);
        Assert.Equal("ObservableGauge`1", reading.Instruments["stability_devices_online"]);
    }

    [Fact]
    public void Events_EveryKind_HasItsOwnCounterAndSeries()
    {
        var metrics = new MetricsRegistry(new FakeTimeProvider());
        using var reading = new MeterReading(metrics.Meter);
        var kinds = Enum.GetValues<Signal.Detection.EventKind>();
        for (var i = 0; i < kinds.Length; i++)
        {
            for (var n = 0; n <= i; n++)
            {
                metrics.AddEvent(kinds[i]);
            }
        }

        var values = reading.Read();
        for (var i = 0; i < kinds.Length; i++)
        {
            Assert.Equal(i + 1, metrics.Events(kinds[i]));
        }

        Assert.Equal(kinds.Length, values.Keys.Count(static k => k.StartsWith("stability_events_total{", StringComparison.Ordinal)));
        Assert.Equal(kinds.Length * (kinds.Length + 1) / 2, values.Where(static p => p.Key.StartsWith("stability_events_total{", StringComparison.Ordinal)).Sum(static p => p.Value));
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
