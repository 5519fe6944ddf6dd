using System.Buffers;
using System.Globalization;
using System.Text;

namespace StabilityMonitor.Influx.LineProtocol;

/// <summary>
/// Writes one InfluxDB line-protocol point into a caller's span without allocating. Escaping follows
/// InfluxDB.Client's <c>PointData.ToLineProtocol</c> (which follows the server's parser): measurement escapes
/// space and comma; tag keys, tag values and field keys also escape '='; all three write \n, \r, \t as the
/// two-character sequences the client writes; string field values escape '"' and '\'. Tags with an empty value
/// and non-finite floats are left out, as the client does, because the server would reject them.
/// Order of calls: <see cref="Measurement"/>, tags, fields, <see cref="Timestamp"/>; callers pass tags and
/// fields sorted by key (the server's preferred order and the client's output order).
/// </summary>
internal ref struct LineProtocolWriter
{
    private static readonly SearchValues<char> s_measurementSpecials = SearchValues.Create(" ,\n\r\t");
    private static readonly SearchValues<char> s_keySpecials = SearchValues.Create(" ,=\n\r\t");
    private static readonly SearchValues<char> s_stringSpecials = SearchValues.Create("\"\\");

    private readonly Span<byte> _buffer;
    private int _position;
    private int _fieldCount;
    private bool _overflow;

    public LineProtocolWriter(Span<byte> buffer)
    {
        _buffer = buffer;
    }

    /// <summary>Bytes written so far.</summary>
    public readonly int Length => _position;

    /// <summary>True when the buffer was too small; the content is then unusable.</summary>
    public readonly bool Overflowed => _overflow;

    /// <summary>Number of fields written (a point needs at least one).</summary>
    public readonly int FieldCount => _fieldCount;

    public void Measurement(ReadOnlySpan<char> name) => WriteEscaped(name, s_measurementSpecials);

    public void Tag(ReadOnlySpan<char> key, ReadOnlySpan<char> value)
    {
        if (key.IsEmpty || value.IsEmpty)
        {
            return;
        }

        WriteByte((byte)',');
        WriteEscaped(key, s_keySpecials);
        WriteByte((byte)'=');
        WriteEscaped(value, s_keySpecials);
    }

    public void Field(ReadOnlySpan<char> key, float value)
    {
        if (!float.IsFinite(value))
        {
            return;
        }

        StartField(key);
        if (!value.TryFormat(Free, out int written, default, CultureInfo.InvariantCulture))
        {
            _overflow = true;
            return;
        }

        _position += written;
    }

    /// <summary>A float field at full double precision (sums that must read back exactly); left out when not finite.</summary>
    public void Field(ReadOnlySpan<char> key, double value)
    {
        if (!double.IsFinite(value))
        {
            return;
        }

        StartField(key);
        if (!value.TryFormat(Free, out int written, "R", CultureInfo.InvariantCulture))
        {
            _overflow = true;
            return;
        }

        _position += written;
    }

    public void Field(ReadOnlySpan<char> key, long value)
    {
        StartField(key);
        if (!value.TryFormat(Free, out int written, default, CultureInfo.InvariantCulture))
        {
            _overflow = true;
            return;
        }

        _position += written;
        WriteByte((byte)'i');
    }

    public void Field(ReadOnlySpan<char> key, ReadOnlySpan<char> value)
    {
        StartField(key);
        WriteByte((byte)'"');
        while (!value.IsEmpty && !_overflow)
        {
            int special = value.IndexOfAny(s_stringSpecials);
            if (special < 0)
            {
                WriteUtf8(value);
                break;
            }

            WriteUtf8(value[..special]);
            WriteByte((byte)'\\');
            WriteByte((byte)value[special]);
            value = value[(special + 1)..];
        }

        WriteByte((byte)'"');
    }

    public void Timestamp(long value)
    {
        WriteByte((byte)' ');
        if (!value.TryFormat(Free, out int written, default, CultureInfo.InvariantCulture))
        {
            _overflow = true;
            return;
        }

        _position += written;
    }

    private readonly Span<byte> Free => _overflow ? [] : _buffer[_position..];

    private void StartField(ReadOnlySpan<char> key)
    {
        WriteByte(_fieldCount == 0 ? (byte)' ' : (byte)',');
        _fieldCount++;
        WriteEscaped(key, s_keySpecials);
        WriteByte((byte)'=');
    }

    private void WriteEscaped(ReadOnlySpan<char> text, SearchValues<char> specials)
    {
        while (!text.IsEmpty && !_overflow)
        {
            int special = text.IndexOfAny(specials);
            if (special < 0)
            {
                WriteUtf8(text);
                return;
            }

            WriteUtf8(text[..special]);
            WriteByte((byte)'\\');
            WriteByte(text[special] switch
            {
                '\n' => (byte)'n',
                '\r' => (byte)'r',
                '\t' => (byte)'t',
                var c => (byte)c,
            });
            text = text[(special + 1)..];
        }
    }

    private void WriteUtf8(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty || _overflow)
        {
            return;
        }

        if (!Encoding.UTF8.TryGetBytes(text, Free, out int written))
        {
            _overflow = true;
            return;
        }

        _position += written;
    }

    private void WriteByte(byte value)
    {
        if (_overflow || _position >= _buffer.Length)
        {
            _overflow = true;
            return;
        }

        _buffer[_position++] = value;
    }
}
