using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Time.Testing;
using StabilityMonitor.Mqtt;

namespace StabilityMonitor.IntegrationTests.Mqtt;

/// <summary>
/// The worker's broker stream (issue 11): reads through a buffer and holds PUBACKs up to a window to send them in one
/// call. Over a real loopback TCP connection; the window's clock is a fake one where the test needs to hold it.
/// </summary>
public sealed class MqttSocketStreamTests
{
    private static readonly byte[] s_pubAck1 = [0x40, 0x02, 0x00, 0x01];
    private static readonly byte[] s_pubAck2 = [0x40, 0x02, 0x00, 0x02];
    private static readonly byte[] s_pingReq = [0xC0, 0x00];

    [Fact]
    public async Task PubAcks_AreHeldUntilTheWindowPasses_ThenSentTogether()
    {
        var time = new FakeTimeProvider();
        using var pair = await SocketPair.OpenAsync();
        await using var stream = new MqttSocketStream(pair.Client, readBufferBytes: 0, TimeSpan.FromMilliseconds(5), time);

        await stream.WriteAsync(s_pubAck1);
        await stream.WriteAsync(s_pubAck2);
        await Task.Delay(200);
        Assert.Equal(0, pair.Peer.Available);

        time.Advance(TimeSpan.FromMilliseconds(5));
        byte[] expected = [.. s_pubAck1, .. s_pubAck2];
        Assert.Equal(expected, await pair.ReceiveAsync(8));
    }

    [Fact]
    public async Task AnotherPacket_SendsTheHeldPubAcksFirst()
    {
        using var pair = await SocketPair.OpenAsync();
        await using var stream = new MqttSocketStream(pair.Client, readBufferBytes: 0, TimeSpan.FromHours(1), new FakeTimeProvider());

        await stream.WriteAsync(s_pubAck1);
        await stream.WriteAsync(s_pingReq);

        byte[] expected = [.. s_pubAck1, .. s_pingReq];
        Assert.Equal(expected, await pair.ReceiveAsync(6));
    }

    [Fact]
    public async Task ManyPubAcks_AreSentWithoutWaitingForTheWindow()
    {
        using var pair = await SocketPair.OpenAsync();
        await using var stream = new MqttSocketStream(pair.Client, readBufferBytes: 0, TimeSpan.FromHours(1), new FakeTimeProvider());

        for (var i = 0; i < MqttSocketStream.MaxPendingAcks; i++)
        {
            await stream.WriteAsync(new byte[] { 0x40, 0x02, (byte)(i >> 8), (byte)i });
        }

        var received = await pair.ReceiveAsync(4 * MqttSocketStream.MaxPendingAcks);
        Assert.Equal(0xFF, received[^1]);
        Assert.Equal(0x40, received[^4]);
    }

    [Fact]
    public async Task PubAcks_WaitForTheCommit_AndGoOnceItSucceeds()
    {
        // The frame log's deferred records: acknowledged only once written (docs/reliability.md).
        var time = new FakeTimeProvider();
        var committed = false;
        var commits = 0;
        using var pair = await SocketPair.OpenAsync();
        await using var stream = new MqttSocketStream(pair.Client, readBufferBytes: 0, TimeSpan.FromMilliseconds(5), time, () =>
        {
            commits++;
            return committed;
        });

        await stream.WriteAsync(s_pubAck1);
        await stream.WriteAsync(s_pubAck2);
        time.Advance(TimeSpan.FromMilliseconds(5));
        await Task.Delay(200);
        Assert.Equal(1, commits);
        Assert.Equal(0, pair.Peer.Available);

        committed = true;
        time.Advance(MqttSocketStream.CommitRetry);
        byte[] expected = [.. s_pubAck1, .. s_pubAck2];
        Assert.Equal(expected, await pair.ReceiveAsync(8));
        Assert.Equal(2, commits);
    }

    [Fact]
    public async Task AtTheLimit_PubAcksNotCommitted_HoldTheNextWrite_UntilTheCommitSucceeds()
    {
        // MQTTnet awaits the PUBACK's write before it handles the next message: the back-pressure of a refusing disk.
        var committed = false;
        using var pair = await SocketPair.OpenAsync();
        await using var stream = new MqttSocketStream(pair.Client, readBufferBytes: 0, TimeSpan.FromHours(1), new FakeTimeProvider(), () => Volatile.Read(ref committed));
        for (var i = 0; i < MqttSocketStream.MaxPendingAcks; i++)
        {
            Assert.True(stream.WriteAsync(new byte[] { 0x40, 0x02, (byte)(i >> 8), (byte)i }).IsCompletedSuccessfully);
        }

        var next = stream.WriteAsync(new byte[] { 0x40, 0x02, 0x01, 0x00 }).AsTask();
        await Task.Delay(300);
        Assert.False(next.IsCompleted);
        Assert.Equal(0, pair.Peer.Available);

        Volatile.Write(ref committed, true);
        await next.WaitAsync(TimeSpan.FromSeconds(5));
        var received = await pair.ReceiveAsync(4 * MqttSocketStream.MaxPendingAcks);
        Assert.Equal(0xFF, received[^1]);
    }

    [Fact]
    public async Task AnotherPacket_GoesAheadOfPubAcksNotCommitted()
    {
        var time = new FakeTimeProvider();
        var committed = false;
        using var pair = await SocketPair.OpenAsync();
        await using var stream = new MqttSocketStream(pair.Client, readBufferBytes: 0, TimeSpan.FromHours(1), time, () => committed);

        await stream.WriteAsync(s_pubAck1);
        await stream.WriteAsync(s_pingReq);
        Assert.Equal(s_pingReq, await pair.ReceiveAsync(2));

        committed = true;
        time.Advance(MqttSocketStream.CommitRetry);
        Assert.Equal(s_pubAck1, await pair.ReceiveAsync(4));
    }

    [Fact]
    public async Task PubAcks_WithTheSystemClock_ArriveWithinTheWindow()
    {
        using var pair = await SocketPair.OpenAsync();
        await using var stream = new MqttSocketStream(pair.Client, readBufferBytes: 0, TimeSpan.FromMilliseconds(1));

        await stream.WriteAsync(s_pubAck1);

        Assert.Equal(s_pubAck1, await pair.ReceiveAsync(4));
    }

    [Fact]
    public async Task Disposing_SendsTheHeldPubAcks()
    {
        using var pair = await SocketPair.OpenAsync();
        var stream = new MqttSocketStream(pair.Client, readBufferBytes: 0, TimeSpan.FromHours(1), new FakeTimeProvider());

        await stream.WriteAsync(s_pubAck2);
        await stream.DisposeAsync();

        Assert.Equal(s_pubAck2, await pair.ReceiveAsync(4));
    }

    [Fact]
    public async Task Disposing_WithBrokerBytesUnread_StillDeliversEverythingWritten()
    {
        // A small receive window at the broker's end keeps most of what the stream writes queued at ours, as a broker
        // busy sending a backlog does; the one byte the broker sent and nobody read is what made the kernel reset the
        // connection at close and drop that queue.
        using var pair = await SocketPair.OpenAsync(peerReceiveBufferBytes: 4096);
        var stream = new MqttSocketStream(pair.Client, readBufferBytes: 0, TimeSpan.Zero);
        await pair.Peer.SendAsync(new byte[] { 0xD0 });
        var written = new byte[48 * 1024];
        Random.Shared.NextBytes(written);
        await stream.WriteAsync(written);
        await Task.Delay(100);
        Assert.True(pair.Client.Available > 0, "the broker's byte should still be unread");

        // The broker reads only once the stream had time to close: a plain close would have reset the connection by then.
        var disposing = Task.Run(stream.Dispose);
        await Task.WhenAny(disposing, Task.Delay(200));
        var received = await pair.ReceiveToEndAsync();
        pair.Peer.Shutdown(SocketShutdown.Both);
        await disposing.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(written, received);
    }

    [Fact]
    public async Task Disposing_WhenTheBrokerNeverCloses_GivesUpAfterTheLimit()
    {
        using var pair = await SocketPair.OpenAsync();
        var stream = new MqttSocketStream(pair.Client, readBufferBytes: 0, TimeSpan.Zero);

        var disposing = Task.Run(stream.Dispose);

        await disposing.WaitAsync(MqttSocketStream.PeerCloseLimit + TimeSpan.FromSeconds(5));
        Assert.Equal(0, await pair.Peer.ReceiveAsync(new byte[1], SocketFlags.None));
    }

    [Fact]
    public async Task BufferedReads_GiveTheBytesInOrder_WhateverTheReadSizes()
    {
        using var pair = await SocketPair.OpenAsync();
        await using var stream = new MqttSocketStream(pair.Client, readBufferBytes: 16, TimeSpan.Zero);
        var sent = Enumerable.Range(0, 100).Select(i => (byte)i).ToArray();
        await pair.Peer.SendAsync(sent);

        // As MQTTnet reads: single bytes for a header, then a body; here also a read larger than the buffer.
        var got = new List<byte>();
        var one = new byte[1];
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(1, await stream.ReadAsync(one));
            got.Add(one[0]);
        }

        var body = new byte[10];
        got.AddRange(body.AsSpan(0, await stream.ReadAsync(body)).ToArray());
        var large = new byte[64];
        while (got.Count < sent.Length)
        {
            got.AddRange(large.AsSpan(0, await stream.ReadAsync(large)).ToArray());
        }

        Assert.Equal(sent, got);
    }

    [Fact]
    public async Task BufferedRead_ReportsTheEndOfTheConnection()
    {
        using var pair = await SocketPair.OpenAsync();
        await using var stream = new MqttSocketStream(pair.Client, readBufferBytes: 16, TimeSpan.Zero);
        await pair.Peer.SendAsync(new byte[] { 1, 2 });
        pair.Peer.Shutdown(SocketShutdown.Send);

        var buffer = new byte[1];
        Assert.Equal(1, await stream.ReadAsync(buffer));
        Assert.Equal(1, await stream.ReadAsync(buffer));
        Assert.Equal(0, await stream.ReadAsync(buffer));
    }

    /// <summary>A loopback TCP connection: <see cref="Client"/> for the stream under test, <see cref="Peer"/> as the broker.</summary>
    private sealed class SocketPair : IDisposable
    {
        private SocketPair(Socket client, Socket peer)
        {
            Client = client;
            Peer = peer;
        }

        public Socket Client { get; }

        public Socket Peer { get; }

        public static async Task<SocketPair> OpenAsync(int peerReceiveBufferBytes = 0)
        {
            using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            if (peerReceiveBufferBytes > 0)
            {
                // Set before listening, so the accepted socket starts with it (and its window stays small).
                listener.ReceiveBufferSize = peerReceiveBufferBytes;
            }

            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            listener.Listen(1);
            // A send buffer roomy enough that a test's writes never wait for the peer to read.
            var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, SendBufferSize = 256 * 1024 };
            var accepting = listener.AcceptAsync();
            await client.ConnectAsync(listener.LocalEndPoint!);
            return new SocketPair(client, await accepting);
        }

        /// <summary>Exactly <paramref name="count"/> bytes from the peer's side, or fails after 5 s.</summary>
        public async Task<byte[]> ReceiveAsync(int count)
        {
            var buffer = new byte[count];
            var read = 0;
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            while (read < count)
            {
                var n = await Peer.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None, timeout.Token);
                Assert.NotEqual(0, n);
                read += n;
            }

            return buffer;
        }

        /// <summary>Everything the peer's side receives until the stream's end, or fails after 5 s.</summary>
        public async Task<byte[]> ReceiveToEndAsync()
        {
            using var received = new MemoryStream();
            var buffer = new byte[4096];
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            int n;
            while ((n = await Peer.ReceiveAsync(buffer, SocketFlags.None, timeout.Token)) > 0)
            {
                received.Write(buffer, 0, n);
            }

            return received.ToArray();
        }

        public void Dispose()
        {
            Client.Dispose();
            Peer.Dispose();
        }
    }
}
