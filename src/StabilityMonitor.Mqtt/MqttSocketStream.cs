using System.Net;
using System.Net.Sockets;
using MQTTnet.Channel;

namespace StabilityMonitor.Mqtt;

/// <summary>
/// The stream of a <see cref="MqttSocketStreamProvider"/> connection; owns its socket, closes it without losing what
/// was written (<see cref="CloseGracefully"/>) and tells MQTTnet its endpoints (for its logs). It may read through a buffer (docs/ingestion.md, "Fewer system calls"). With a coalescing window it
/// also gathers PUBACKs: MQTTnet writes each one as it acknowledges a
/// message, a send system call of 4 bytes per message, and the broker wakes for each. Held up to the window (or until
/// <see cref="MaxPendingAcks"/>, or until any other packet is written, which goes out after them), they leave in one
/// send. An acknowledgement sent later is always safe for QoS 1: the broker keeps the message until it arrives.
/// </summary>
internal sealed class MqttSocketStream : NetworkStream, IMqttClientStreamEndPoints
{
    /// <summary>PUBACKs gathered before they are sent without waiting for the window: well under a receive maximum.</summary>
    public const int MaxPendingAcks = 256;

    /// <summary>How long held PUBACKs wait before the commit is tried again after it failed (the disk refused the write).</summary>
    public static readonly TimeSpan CommitRetry = TimeSpan.FromMilliseconds(100);

    /// <summary>How long disposing waits for the broker to close its side after ours (a hung broker costs this much).</summary>
    public static readonly TimeSpan PeerCloseLimit = TimeSpan.FromSeconds(2);

    // A PUBACK: fixed header 0x40, remaining length 2..4 in MQTT 5 (packet id, optional reason code and empty properties).
    private const byte PubAckHeader = 0x40;
    private const int LargestPubAck = 6;

    private readonly Socket _socket;
    private readonly TimeSpan _ackWindow;
    private readonly Lock _gate = new();
    private readonly byte[]? _pending;
    private readonly ITimer? _flushTimer;
    private readonly byte[]? _readBuffer;
    private readonly Func<bool>? _beforeAcks;
    private int _readOffset;
    private int _readCount;
    private int _pendingBytes;
    private int _pendingAcks;
    private bool _timerArmed;

    /// <param name="socket">The connected socket, owned from now on.</param>
    /// <param name="readBufferBytes">
    /// Bytes read from the socket at once; 0 reads as the caller asks. MQTTnet reads a packet's fixed header a byte at a
    /// time and then its body, about three receive calls a message; buffered, a backlog arriving at once costs one.
    /// </param>
    /// <param name="ackWindow">How long a PUBACK may wait for others to leave with; zero sends each at once.</param>
    /// <param name="time">The clock of the window's timer.</param>
    /// <param name="beforeAcks">
    /// With a coalescing window: called before held PUBACKs are sent, and they are sent only when it returns true (it made
    /// the messages they acknowledge durable: the frame log's deferred records, <see cref="Pipeline.IFrameIngress.Commit"/>);
    /// on false they stay held and it is called again after <see cref="CommitRetry"/>.
    /// </param>
    public MqttSocketStream(Socket socket, int readBufferBytes, TimeSpan ackWindow, TimeProvider? time = null, Func<bool>? beforeAcks = null)
        : base(socket, ownsSocket: true)
    {
        _socket = socket;
        LocalEndPoint = socket.LocalEndPoint;
        RemoteEndPoint = socket.RemoteEndPoint;
        _ackWindow = ackWindow;
        _readBuffer = readBufferBytes > 0 ? new byte[readBufferBytes] : null;
        _beforeAcks = ackWindow > TimeSpan.Zero ? beforeAcks : null;
        if (ackWindow > TimeSpan.Zero)
        {
            _pending = new byte[MaxPendingAcks * LargestPubAck];
            _flushTimer = (time ?? TimeProvider.System).CreateTimer(static s => ((MqttSocketStream)s!).FlushFromTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }

    public EndPoint? LocalEndPoint { get; }

    public EndPoint? RemoteEndPoint { get; }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_readCount > _readOffset)
        {
            return ValueTask.FromResult(CopyBuffered(buffer.Span));
        }

        return _readBuffer is null || buffer.Length >= _readBuffer.Length ? base.ReadAsync(buffer, cancellationToken) : FillAndCopyAsync(buffer, cancellationToken);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(Span<byte> buffer)
    {
        if (_readCount > _readOffset)
        {
            return CopyBuffered(buffer);
        }

        if (_readBuffer is null || buffer.Length >= _readBuffer.Length)
        {
            return base.Read(buffer);
        }

        var read = base.Read(_readBuffer);
        if (read == 0)
        {
            return 0;
        }

        _readOffset = 0;
        _readCount = read;
        return CopyBuffered(buffer);
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int ReadByte()
    {
        Span<byte> one = stackalloc byte[1];
        return Read(one) == 0 ? -1 : one[0];
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_pending is null)
        {
            return base.WriteAsync(buffer, cancellationToken);
        }

        var span = buffer.Span;
        if (span.Length is >= 4 and <= LargestPubAck && span[0] == PubAckHeader && span[1] == span.Length - 2)
        {
            return TryHold(span) ? ValueTask.CompletedTask : HoldWhenRoomAsync(buffer, cancellationToken);
        }

        // Anything else (a ping, a subscription, a disconnect) keeps its place after the acknowledgements before it, or
        // goes ahead of acknowledgements whose messages are not durable yet (they follow once they are, or never).
        SendPendingOrRetry();
        return base.WriteAsync(buffer, cancellationToken);
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (_pending is not null)
        {
            SendPendingOrRetry();
        }

        base.Write(buffer);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    protected override void Dispose(bool disposing)
    {
        if (disposing && _pending is not null)
        {
            _flushTimer!.Dispose();
            lock (_gate)
            {
                try
                {
                    SendPending();
                }
                catch (Exception ex) when (ex is SocketException or ObjectDisposedException or IOException)
                {
                    // The connection is going: the broker resends what was not acknowledged.
                }
            }
        }

        if (disposing)
        {
            CloseGracefully();
        }

        base.Dispose(disposing);
    }

    /// <summary>
    /// MQTTnet closes the socket right after writing its DISCONNECT. Closed with bytes from the broker still unread, the
    /// kernel resets the connection and throws away what it had not sent yet: after a fast backlog drain that was
    /// thousands of PUBACKs, redelivered on the next connect (<c>BacklogDrainTests</c>, 3,102–18,750 of 40,000; one
    /// TcpExtTCPAbortOnClose per failing run). So end our side with a FIN, which follows everything queued, and wait
    /// for the broker to close its side (it has then read all we sent), reading and dropping what it still sends.
    /// </summary>
    private void CloseGracefully()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Send);
            Span<byte> sink = stackalloc byte[1024];
            var deadline = Environment.TickCount64 + (long)PeerCloseLimit.TotalMilliseconds;
            while (true)
            {
                var left = deadline - Environment.TickCount64;
                if (left <= 0 || !_socket.Poll(TimeSpan.FromMilliseconds(left), SelectMode.SelectRead) || _socket.Available == 0)
                {
                    // Out of time, or readable with nothing to read: the broker's FIN (or a reset) has arrived.
                    return;
                }

                // MQTTnet's own pending read may take these bytes first: the timeout keeps this one from waiting longer.
                _socket.ReceiveTimeout = (int)Math.Max(1, left);
                if (_socket.Receive(sink, SocketFlags.None, out var error) == 0 || error != SocketError.Success)
                {
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Already broken or closed: nothing queued can be saved, and the broker resends what was not acknowledged.
        }
    }

    private async ValueTask<int> FillAndCopyAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var read = await base.ReadAsync(_readBuffer!, cancellationToken).ConfigureAwait(false);
        if (read == 0)
        {
            return 0;
        }

        _readOffset = 0;
        _readCount = read;
        return CopyBuffered(buffer.Span);
    }

    private int CopyBuffered(Span<byte> destination)
    {
        var n = Math.Min(destination.Length, _readCount - _readOffset);
        _readBuffer!.AsSpan(_readOffset, n).CopyTo(destination);
        _readOffset += n;
        return n;
    }

    /// <summary>Holds one PUBACK; false when the held ones are at their limit and could not be sent (not committed yet).</summary>
    private bool TryHold(ReadOnlySpan<byte> ack)
    {
        lock (_gate)
        {
            if (_pendingAcks >= MaxPendingAcks && !SendPending())
            {
                return false;
            }

            ack.CopyTo(_pending.AsSpan(_pendingBytes));
            _pendingBytes += ack.Length;
            if (++_pendingAcks < MaxPendingAcks)
            {
                ArmTimer(_ackWindow);
            }
            else if (!SendPending())
            {
                RetryCommitLater();
            }

            return true;
        }
    }

    /// <summary>
    /// The held PUBACKs are at their limit and the messages behind them are not durable yet: MQTTnet's wait here is the
    /// back-pressure (no more messages are handled, so none more are acknowledged) until the commit succeeds.
    /// </summary>
    private async ValueTask HoldWhenRoomAsync(ReadOnlyMemory<byte> ack, CancellationToken cancellationToken)
    {
        var copy = ack.ToArray();
        while (!TryHold(copy))
        {
            await Task.Delay(CommitRetry, cancellationToken).ConfigureAwait(false);
        }
    }

    private void SendPendingOrRetry()
    {
        lock (_gate)
        {
            if (!SendPending())
            {
                RetryCommitLater();
            }
        }
    }

    // Under _gate.
    private void ArmTimer(TimeSpan after)
    {
        if (!_timerArmed)
        {
            _timerArmed = true;
            _flushTimer!.Change(after, Timeout.InfiniteTimeSpan);
        }
    }

    // Under _gate: the next try after a failed commit, whatever the window's timer was set to.
    private void RetryCommitLater()
    {
        _timerArmed = true;
        _flushTimer!.Change(CommitRetry, Timeout.InfiniteTimeSpan);
    }

    private void FlushFromTimer()
    {
        lock (_gate)
        {
            _timerArmed = false;
            try
            {
                if (!SendPending())
                {
                    RetryCommitLater();
                }
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException or IOException)
            {
                // A broken connection is reported to MQTTnet by its own next read or write; these acknowledgements are
                // lost with the connection and the broker resends their messages, as for any unacknowledged QoS 1.
                _pendingBytes = 0;
                _pendingAcks = 0;
            }
        }
    }

    // Under _gate. A blocking send of a few hundred bytes: the socket's send buffer is empty in all but a stalled connection.
    // False, sending nothing, when the messages they acknowledge could not be made durable yet.
    private bool SendPending()
    {
        if (_pendingBytes == 0)
        {
            return true;
        }

        if (_beforeAcks is not null && !_beforeAcks())
        {
            return false;
        }

        var sent = 0;
        try
        {
            while (sent < _pendingBytes)
            {
                sent += _socket.Send(_pending!.AsSpan(sent, _pendingBytes - sent), SocketFlags.None);
            }
        }
        finally
        {
            _pendingBytes = 0;
            _pendingAcks = 0;
        }

        return true;
    }
}
