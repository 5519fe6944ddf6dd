using StabilityMonitor.FirmwareSim.Datasets;

namespace StabilityMonitor.Signal.Tests.Evaluation;

public sealed class UmaFallReaderTests
{
    private const int WaistId = 3;

    // Waist accelerometer timestamps arrive in bursts: 11 samples over 500 ms = 20 Hz.
    private static readonly long[] s_waistTimes = [100, 100, 150, 200, 200, 250, 300, 350, 350, 400, 600];

    private static readonly (int, string)[] s_sensorTable = [(0, "RIGHTPOCKET"), (1, "CHEST"), (WaistId, "WAIST"), (2, "WRIST"), (4, "ANKLE")];

    [Fact]
    public void ParseWaistAccelerometer_InterleavedBurstyRows_WaistAccelInFileOrderAndRate()
    {
        var stream = Parse(Interleaved(new UmaFallText(s_sensorTable)).Line("        ").ToString());

        Assert.Equal(WaistId, stream.SensorId);
        Assert.Equal(20, stream.SampleRateHz);
        Assert.Equal((100L, 600L), (stream.FirstTimestampMs, stream.LastTimestampMs));
        Assert.Equal(s_waistTimes.Select((_, i) => WaistSample(i)), stream.Samples);
    }

    [Fact]
    public void ParseWaistAccelerometer_CrlfAndSemicolonPaddedHeader_SameStream()
    {
        var text = Interleaved(new UmaFallText(s_sensorTable, newLine: "\r\n", headerSuffix: ";;;;;;;")).ToString();

        var stream = Parse(text);

        Assert.Equal((WaistId, 20, s_waistTimes.Length), (stream.SensorId, stream.SampleRateHz, stream.Samples.Length));
    }

    [Fact]
    public void ParseWaistAccelerometer_NoWaistInSensorTable_Throws()
    {
        var text = new UmaFallText([(0, "RIGHTPOCKET"), (1, "CHEST")]).Row(100, 1, 0, 1, 0, 0, 0).ToString();

        var error = Assert.Throws<InvalidDataException>(() => Parse(text));

        Assert.Contains("WAIST", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseWaistAccelerometer_SingleWaistSample_ThrowsRateUnknown()
    {
        var text = new UmaFallText(s_sensorTable).Row(100, 1, 0, 1, 0, 0, WaistId).ToString();

        Assert.Throws<InvalidDataException>(() => Parse(text));
    }

    [Fact]
    public void ParseWaistAccelerometer_MalformedRow_ThrowsWithLineNumber()
    {
        var text = new UmaFallText(s_sensorTable).Row(100, 1, 0, 1, 0, 0, WaistId).Line("150;2;0.1;0.2").ToString();
        var lines = text.Split('\n').Length - 1;

        var error = Assert.Throws<InvalidDataException>(() => Parse(text));

        Assert.StartsWith($"file.csv:{lines}:", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(11, 100, 600, 20)]
    [InlineData(299, 102, 14966, 20)]
    [InlineData(22, 0, 1000, 21)]
    [InlineData(3, 0, 400, 5)]
    [InlineData(3, 0, 1600, 1)]
    public void EstimateRateHz_SamplesOverSpan_RoundedHz(int count, long firstMs, long lastMs, int expected) =>
        Assert.Equal(expected, UmaFallReader.EstimateRateHz(count, firstMs, lastMs));

    [Theory]
    [InlineData(0, 0, 0)]
    [InlineData(1, 100, 100)]
    [InlineData(5, 100, 100)]
    [InlineData(2, 0, 5000)]
    public void EstimateRateHz_TooFewSamplesOrNoSpan_Null(int count, long firstMs, long lastMs) =>
        Assert.Null(UmaFallReader.EstimateRateHz(count, firstMs, lastMs));

    [Fact]
    public void ReadRecordings_DatasetFolder_LabelsFromFileNames()
    {
        using var temp = new TempDirectory();
        const string fall = "UMAFall_Subject_04_Fall_backwardFall_1_2016-06-13_13-00-00.csv";
        const string adl = "UMAFall_Subject_14_ADL_LyingDown_OnABed_2_2016-06-03_19-00-00.csv";
        temp.Write("umafall/UMAFall_Dataset/" + fall, Interleaved(new UmaFallText(s_sensorTable)).ToString());
        temp.Write("umafall/UMAFall_Dataset/" + adl, Interleaved(new UmaFallText(s_sensorTable)).ToString());
        temp.Write("umafall/labels.csv", "file,subject,code,kind,description\n");
        temp.Write("umafall/UMAFall_Dataset/notes.csv", "x\n");

        var recordings = UmaFallReader.ReadRecordings(Path.Combine(temp.Path, "umafall"));

        Assert.Equal(["UMAFall_Dataset/" + fall, "UMAFall_Dataset/" + adl], recordings.Select(r => r.File));
        Assert.Equal(["Subject_04", "Subject_14"], recordings.Select(r => r.Subject));
        Assert.Equal(["backwardFall", "LyingDown_OnABed"], recordings.Select(r => r.Code));
        Assert.Equal(["fall", "adl"], recordings.Select(r => r.Kind.ToLabel()));
        Assert.All(recordings, r => Assert.Equal((20, (byte)16, s_waistTimes.Length), (r.SampleRateHz, r.RangeG, r.Samples.Length)));

        var onlySubject14 = UmaFallReader.ReadRecordings(Path.Combine(temp.Path, "umafall"), new SubjectFilter(["Subject_14"]));
        Assert.Equal("Subject_14", Assert.Single(onlySubject14).Subject);
    }

    [Fact]
    public void ReadRecordings_TrialWithoutWaistStream_IsSkippedWithItsReasonAndTheRestIsRead()
    {
        using var temp = new TempDirectory();
        const string good = "UMAFall_Subject_04_Fall_backwardFall_1_2016-06-13_13-00-00.csv";
        const string noWaist = "UMAFall_Subject_15_ADL_Walking_1_2016-06-03_19-00-00.csv";
        temp.Write("umafall/UMAFall_Dataset/" + good, Interleaved(new UmaFallText(s_sensorTable)).ToString());
        temp.Write("umafall/UMAFall_Dataset/" + noWaist, new UmaFallText([(0, "RIGHTPOCKET"), (1, "CHEST")]).Row(100, 1, 0, 1, 0, 0, 0).ToString());
        var skipped = new List<string>();

        var recordings = UmaFallReader.ReadRecordings(Path.Combine(temp.Path, "umafall"), skipped: skipped);

        Assert.Equal("UMAFall_Dataset/" + good, Assert.Single(recordings).File);
        var reason = Assert.Single(skipped);
        Assert.StartsWith("UMAFall_Dataset/" + noWaist, reason, StringComparison.Ordinal);
        Assert.Contains("WAIST", reason, StringComparison.Ordinal);
    }

    // Exactly representable values, so parsing can be checked for equality.
    private static AccelSample WaistSample(int i) => new(i * 0.125f, -1f + (i * 0.0625f), 0.5f);

    // Waist accelerometer rows among pocket-phone, waist gyroscope/magnetometer and wrist rows.
    private static UmaFallText Interleaved(UmaFallText text)
    {
        text.Row(90, 1, 9, 9, 9, 0, 0);
        for (var i = 0; i < s_waistTimes.Length; i++)
        {
            var t = s_waistTimes[i];
            var sample = WaistSample(i);
            text.Row(t, i + 2, 7, 7, 7, 0, 0)
                .Row(t, i, sample.X, sample.Y, sample.Z, 0, WaistId)
                .Row(t, i, 30, -20, 10, 1, WaistId)
                .Row(t + 1, i, 40, 41, 42, 2, WaistId)
                .Row(t + 2, i, 5, 5, 5, 0, 2);
        }

        return text;
    }

    private static UmaFallStream Parse(string text)
    {
        using var reader = new StringReader(text);
        return UmaFallReader.ParseWaistAccelerometer(reader, "file.csv");
    }
}
