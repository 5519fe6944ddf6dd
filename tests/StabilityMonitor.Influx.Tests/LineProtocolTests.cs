using System.Text;
using InfluxDB.Client.Api.Domain;
using InfluxDB.Client.Writes;
using StabilityMonitor.Influx.LineProtocol;
using StabilityMonitor.Signal.Detection;
using StabilityMonitor.Signal.Processing;

namespace StabilityMonitor.Influx.Tests;

public sealed class LineProtocolTests
{
    public static TheoryData<string> TrickyNames => new()
    {
        "plain",
        "with space",
        "comma,here",
        "equals=sign",
        "quote\"double",
        "back\\slash",
        "trailing\\",
        "new\nline",
        "tab\there\rcr",
        "ünïcödé ward 3",
        "emoji😀",
        "mix ,=\"\\ all",
    };

    [Theory]
    [MemberData(nameof(TrickyNames))]
    public void Writer_EscapesLikeInfluxDbClient(string text)
    {
        PointData expected = PointData.Measurement("m " + text)
            .Tag("t" + text, "v" + text)
            .Field("f" + text, 1.5f)
            .Field("i", 42L)
            .Field("s", "s" + text)
            .Timestamp(1_700_000_000_123_456L, WritePrecision.Us);

        Span<byte> buffer = stackalloc byte[1024];
        var w = new LineProtocolWriter(buffer);
        w.Measurement("m " + text);
        w.Tag("t" + text, "v" + text);
        // PointData sorts fields by key: "f..." < "i" < "s".
        w.Field("f" + text, 1.5f);
        w.Field("i", 42L);
        w.Field("s", "s" + text);
        w.Timestamp(1_700_000_000_123_456L);

        Assert.False(w.Overflowed);
        Assert.Equal(expected.ToLineProtocol(), Encoding.UTF8.GetString(buffer[..w.Length]));
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(-0.5f)]
    [InlineData(0.1f)]
    [InlineData(1e-5f)]
    [InlineData(123456.7f)]
    [InlineData(3.4028235e38f)]
    [InlineData(-1.17549435e-38f)]
    public void Writer_FormatsFloatsLikeInfluxDbClient(float value)
    {
        string expected = PointData.Measurement("m").Field("f", value).Timestamp(5L, WritePrecision.Us).ToLineProtocol();
        Span<byte> buffer = stackalloc byte[128];
        var w = new LineProtocolWriter(buffer);
        w.Measurement("m");
        w.Field("f", value);
        w.Timestamp(5);
        Assert.Equal(expected, Encoding.UTF8.GetString(buffer[..w.Length]));
    }

    [Fact]
    public void Writer_LeavesOutNonFiniteFieldsAndEmptyTags()
    {
        Span<byte> buffer = stackalloc byte[128];
        var w = new LineProtocolWriter(buffer);
        w.Measurement("m");
        w.Tag("empty", "");
        w.Field("a", float.NaN);
        w.Field("b", float.PositiveInfinity);
        w.Field("c", 2f);
        w.Timestamp(7);
        Assert.Equal("m c=2 7", Encoding.UTF8.GetString(buffer[..w.Length]));
        Assert.Equal(1, w.FieldCount);
    }

    [Fact]
    public void Writer_ReportsOverflowInsteadOfWritingPastTheBuffer()
    {
        Span<byte> buffer = stackalloc byte[10];
        var w = new LineProtocolWriter(buffer);
        w.Measurement("measurement");
        w.Field("field", 1f);
        Assert.True(w.Overflowed);
    }

    [Fact]
    public void Event_MatchesSchemaAndInfluxDbClient()
    {
        var e = new StabilityEvent(1_700_000_000_000_000, EventKind.NearFall, 2, 0.75f, 2.5f, 48f, 420f, -12.5f, 1_700_000_001_000_000);
        string expected = PointData.Measurement("events")
            .Tag("facility", "north wing").Tag("device", "dev-1").Tag("kind", "near_fall")
            .Field("severity", 2L).Field("score", 0.75f).Field("peak_accel_g", 2.5f).Field("peak_jerk_g_per_s", 48f)
            .Field("duration_ms", 420f).Field("tilt_change_deg", -12.5f).Field("decision_delay_ms", 1000f)
            .Timestamp(e.TimeMicros, WritePrecision.Us).ToLineProtocol();

        Assert.Equal(expected, Format(b => PointFormatter.WriteEvent(b, "north wing", "dev-1", in e)));
        Assert.Equal(
            "events,device=dev-1,facility=north\\ wing,kind=near_fall decision_delay_ms=1000,duration_ms=420,peak_accel_g=2.5,"
            + "peak_jerk_g_per_s=48,score=0.75,severity=2i,tilt_change_deg=-12.5 1700000000000000",
            expected);
    }

    [Fact]
    public void DeviceEvent_CarriesKindNoteAndSeverity()
    {
        string expected = PointData.Measurement("events")
            .Tag("facility", "f").Tag("device", "d").Tag("kind", "acknowledged")
            .Field("severity", 0L).Field("note", "by \"nurse\" A, room 3")
            .Timestamp(99L, WritePrecision.Us).ToLineProtocol();
        Assert.Equal(expected, Format(b => PointFormatter.WriteDeviceEvent(b, "f", "d", "acknowledged", 99, 0, "by \"nurse\" A, room 3")));
        Assert.Equal("events,device=d,facility=f,kind=offline severity=1i 5", Format(b => PointFormatter.WriteDeviceEvent(b, "f", "d", "offline", 5, 1, null)));
    }

    [Fact]
    public void Window_MatchesSchemaAndInfluxDbClient()
    {
        var m = new SwayMetrics(1_000_000, 11_000_000, Posture.Upright, Activity.Still, 4.5f, 0.05f, 0.04f, 1.25f, 0.3f, 3f, 1e-5f, 0.75f, SitStand.Sitting);
        string expected = PointData.Measurement("sway")
            .Tag("facility", "f").Tag("device", "d")
            .Field("posture", "upright").Field("activity", "still").Field("tilt_deg", 4.5f).Field("rms_ap", 0.05f)
            .Field("rms_ml", 0.04f).Field("seated", "sitting").Field("jerk_rms", 1.25f).Field("mean_velocity", 0.3f).Field("path_length", 3f)
            .Field("ellipse_area95", 1e-5f).Field("centroid_freq_hz", 0.75f).Field("window_s", 10f)
            .Timestamp(11_000_000L, WritePrecision.Us).ToLineProtocol();
        Assert.Equal(expected, Format(b => PointFormatter.WriteWindow(b, "f", "d", in m)));
    }

    [Fact]
    public void Quality_LeavesOutUnknownBattery()
    {
        var q = new DeviceQuality(10, 500, 1, 2, 50f);
        Assert.Equal(
            "quality,device=d,facility=f decode_errors=2i,gaps=1i,rate_hz=50,samples=500i 10",
            Format(b => PointFormatter.WriteQuality(b, "f", "d", in q)));
        var withBattery = q with { BatteryPercent = 81.5f };
        Assert.StartsWith("quality,device=d,facility=f battery_pct=81.5,", Format(b => PointFormatter.WriteQuality(b, "f", "d", in withBattery)), StringComparison.Ordinal);
    }

    [Fact]
    public void Formatting_DoesNotAllocate()
    {
        var e = new StabilityEvent(1, EventKind.Fall, 3, 1f, 3f, 60f, 500f, 70f, 2);
        var m = new SwayMetrics(1, 2, Posture.Lying, Activity.Walking, 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f);
        var q = new DeviceQuality(1, 2, 3, 4, 5f, 6f);
        byte[] buffer = new byte[1024];
        int total = 0;
        for (int i = 0; i < 10; i++)
        {
            total += PointFormatter.WriteEvent(buffer, "facility", "device", in e);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            total += PointFormatter.WriteEvent(buffer, "facility", "device", in e);
            total += PointFormatter.WriteWindow(buffer, "facility", "device", in m);
            total += PointFormatter.WriteQuality(buffer, "facility", "device", in q);
            total += PointFormatter.WriteDeviceEvent(buffer, "facility", "device", "low_battery", 5, 1, "12 %");
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.True(total > 0);
    }

    private delegate int FormatSpan(Span<byte> destination);

    private static string Format(FormatSpan format)
    {
        byte[] buffer = new byte[1024];
        int length = format(buffer);
        Assert.True(length > 0);
        return Encoding.UTF8.GetString(buffer, 0, length);
    }
}
