using System.Buffers;
using System.Globalization;
using StabilityMonitor.Signal;
using StabilityMonitor.Signal.Codec;

namespace StabilityMonitor.Pipeline.Tests;

public class FrameIngestorTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(10);

    [Theory]
    [InlineData("wearables/dev-a/accel", new byte[] { 0x01, 0x00 }, RejectReason.Truncated)]
    [InlineData("wearables/dev-a/accel", new byte[] { 0x07, 0x00, 0x00, 0x00 }, RejectReason.UnsupportedVersion)]
    [InlineData("wearables/dev-a/accel", new byte[0], RejectReason.Empty)]
    [InlineData("wearables/dev a/accel", new byte[] { 0x01 }, RejectReason.InvalidDeviceId)]
    [InlineData("wearables/dev-a/gyro", new byte[] { 0x01 }, RejectReason.UnknownTopic)]
    [InlineData("other/dev-a/accel", new byte[] { 0x01 }, RejectReason.UnknownTopic)]
    [InlineData("wearables/dev-a/status", new byte[] { (byte)'{', (byte)'}' }, RejectReason.MalformedStatus)]
    public void Accept_BadMessage_IsCountedByReasonAndDeadLetteredWithTopicAndBytes(string topic, byte[] payload, RejectReason reason)
    {
        using var harness = new PipelineHarness();

        var pending = harness.Ingestor.AcceptAsync(topic, new ReadOnlySequence<byte>(payload), CancellationToken.None);

        Assert.True(pending.IsCompletedSuccessfully);
        Assert.Equal(1, harness.Metrics.Rejected(reason));
        Assert.Equal(0, harness.Drain());
        var letter = Assert.Single(harness.DeadLetters.Recent(10));
        Assert.Equal(topic, letter.Topic);
        Assert.Equal(reason, letter.Reason);
        Assert.Equal(payload, letter.Payload.ToArray());
    }

    [Fact]
    public void Accept_JsonFrame_IsDecodedAndProcessed()
    {
        using var harness = new PipelineHarness();
        var json = "{\"v\":1,\"rate\":50,\"range\":8,\"seq\":7,\"t\":1700000000000000,\"samples\":[[0.01,0.99,0.02],[0.0,1.0,0.01]]}";

        harness.Deliver("wearables/json-dev/accel", System.Text.Encoding.UTF8.GetBytes(json));

        var device = harness.Pipeline.GetDevice("json-dev")!;
        Assert.Equal(1, device.Quality.Frames);
        Assert.Equal(2, device.Quality.Samples);
    }

    [Fact]
    public void DeadLetters_FloodBeyondCapacity_KeepsOnlyTheNewest()
    {
        using var harness = new PipelineHarness(new PipelineOptions { DeadLetterCapacity = 8, DeadLetterMaxBytes = 4 });

        for (var i = 0; i < 100; i++)
        {
            var payload = System.Text.Encoding.ASCII.GetBytes("bad-" + i.ToString(CultureInfo.InvariantCulture));
            _ = harness.Ingestor.AcceptAsync("wearables/x/accel", new ReadOnlySequence<byte>(payload), CancellationToken.None);
        }

        var kept = harness.DeadLetters.Recent(100);
        Assert.Equal(100, harness.DeadLetters.Total);
        Assert.Equal(8, kept.Count);
        Assert.Equal(100, kept[0].Id);
        Assert.All(kept, static d => Assert.Equal(4, d.Payload.Length));
    }

    [Fact]
    public async Task Accept_ChannelFull_WaitsUntilTheConsumerMakesRoomAndCountsBlockedTime()
    {
        using var harness = new PipelineHarness(new PipelineOptions { ChannelCapacity = 2 });
        var frame = Frame(0);

        Assert.True(harness.Ingestor.AcceptAsync("wearables/d/accel", frame, CancellationToken.None).IsCompletedSuccessfully);
        Assert.True(harness.Ingestor.AcceptAsync("wearables/d/accel", Frame(1), CancellationToken.None).IsCompletedSuccessfully);
        var blocked = harness.Ingestor.AcceptAsync("wearables/d/accel", Frame(2), CancellationToken.None).AsTask();

        Assert.False(blocked.IsCompleted);
        harness.Time.Advance(TimeSpan.FromSeconds(3));
        Assert.False(blocked.IsCompleted);

        harness.Drain();
        await blocked.WaitAsync(s_timeout);
        harness.Drain();

        Assert.Equal(3, harness.Pipeline.GetDevice("d")!.Quality.Frames);
        Assert.Equal(3.0, harness.Metrics.BlockedSeconds, 3);
    }

    [Fact]
    public async Task Accept_ChannelFullAndCancelled_ThrowsSoTheMessageIsNotAcknowledged()
    {
        using var harness = new PipelineHarness(new PipelineOptions { ChannelCapacity = 1 });
        Assert.True(harness.Ingestor.AcceptAsync("wearables/d/accel", Frame(0), CancellationToken.None).IsCompletedSuccessfully);
        using var cts = new CancellationTokenSource();

        var blocked = harness.Ingestor.AcceptAsync("wearables/d/accel", Frame(1), cts.Token).AsTask();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => blocked.WaitAsync(s_timeout));
        Assert.Equal(1, harness.Drain());
    }

    private static ReadOnlySequence<byte> Frame(uint seq)
    {
        var samples = Enumerable.Repeat(new AccelSample(0, 1, 0), 25).ToArray();
        var header = new FrameHeader(50, 8, 25, seq, 1_700_000_000_000_000 + (seq * 500_000L));
        return new ReadOnlySequence<byte>(PipelineHarness.Encode(header, samples));
    }
}
