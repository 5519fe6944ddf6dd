namespace StabilityMonitor.Mqtt;

/// <summary>
/// The receive side of an embedded-broker connection: follows the MQTT framing of the bytes read and ends the
/// stream (reads return 0) as soon as a fixed header declares a packet larger than the limit, before the reader
/// sees that header. MQTTnet.Server 5.2 has no packet size limit of its own and allocates the whole declared
/// remaining length (up to 256 MiB) before any hook runs, even for an unauthenticated CONNECT.
/// </summary>
internal sealed class MqttPacketSizeLimitStream : Stream
{
    private const int MaxLengthBytes = 4;

    private readonly Stream _inner;
    private readonly int _maxPacketBytes;
    private State _state;
    private int _lengthBytes;
    private int _multiplier;
    private long _remaining;
    private bool _ended;

    public MqttPacketSizeLimitStream(Stream inner, int maxPacketBytes)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPacketBytes, 2);
        _inner = inner;
        _maxPacketBytes = maxPacketBytes;
    }

    private enum State
    {
        FixedHeader,
        RemainingLength,
        Body,
    }

    /// <summary>Called once with the declared size of the first packet over the limit, before the stream ends.</summary>
    public Func<long, ValueTask>? PacketTooLarge { get; set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_ended)
        {
            return 0;
        }

        var read = await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        if (read > 0 && Scan(buffer.Span[..read]) is { } declared)
        {
            _ended = true;
            if (PacketTooLarge is { } handler)
            {
                await handler(declared).ConfigureAwait(false);
            }

            return 0;
        }

        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>The synchronous path (MQTTnet reads asynchronously): ends the stream the same way, without the callback.</summary>
    public override int Read(byte[] buffer, int offset, int count)
    {
        if (_ended)
        {
            return 0;
        }

        var read = _inner.Read(buffer, offset, count);
        if (read > 0 && Scan(buffer.AsSpan(offset, read)) is not null)
        {
            _ended = true;
            return 0;
        }

        return read;
    }

    public override void Write(byte[] buffer, int offset, int count) => _inner.Write(buffer, offset, count);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => _inner.WriteAsync(buffer, cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => _inner.WriteAsync(buffer, offset, count, cancellationToken);

    public override void Flush() => _inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => _inner.FlushAsync(cancellationToken);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override ValueTask DisposeAsync() => _inner.DisposeAsync();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>Advances the framing over <paramref name="data"/>; returns the declared packet size when it is over the limit.</summary>
    private long? Scan(ReadOnlySpan<byte> data)
    {
        var i = 0;
        while (i < data.Length)
        {
            switch (_state)
            {
                case State.FixedHeader:
                    i++;
                    _state = State.RemainingLength;
                    _lengthBytes = 0;
                    _multiplier = 1;
                    _remaining = 0;
                    break;
                case State.RemainingLength:
                    var b = data[i++];
                    _remaining += (b & 0x7F) * (long)_multiplier;
                    _multiplier *= 128;
                    _lengthBytes++;
                    if ((b & 0x80) != 0)
                    {
                        if (_lengthBytes == MaxLengthBytes)
                        {
                            // Malformed (a fifth length byte): no valid packet is this large.
                            return long.MaxValue;
                        }

                        break;
                    }

                    var size = 1 + _lengthBytes + _remaining;
                    if (size > _maxPacketBytes)
                    {
                        return size;
                    }

                    _state = _remaining == 0 ? State.FixedHeader : State.Body;
                    break;
                default:
                    var skip = (int)Math.Min(_remaining, data.Length - i);
                    i += skip;
                    _remaining -= skip;
                    if (_remaining == 0)
                    {
                        _state = State.FixedHeader;
                    }

                    break;
            }
        }

        return null;
    }
}
