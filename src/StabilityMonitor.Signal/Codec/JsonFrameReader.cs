using System.Text.Json;

namespace StabilityMonitor.Signal.Codec;

/// <summary>
/// One pass over a JSON frame. Fields may come in any order (a "range" after "samples" is legal JSON),
/// so it only records what it sees and judges the frame once the whole document has been read.
/// </summary>
/// <remarks>
/// Syntax errors surface as exceptions from <see cref="Utf8JsonReader"/> and are mapped by the caller.
/// Shape errors (wrong value type, duplicate field, a sample that is not three numbers) are recorded and the
/// reader moves on, so that a frame of a newer version is still reported as UnsupportedVersion.
/// </remarks>
internal ref struct JsonFrameReader
{
    // The reader sits on the last token of a top-level property's value between properties;
    // tokens inside "samples" are deeper than this.
    private const int PropertyDepth = 1;

    private readonly Span<AccelSample> _samples;
    private Utf8JsonReader _reader;

    private bool _malformed;
    private bool _hasVersion;
    private bool _hasRate;
    private bool _hasRange;
    private bool _hasSequence;
    private bool _hasTime;
    private bool _hasSamples;

    // Null while absent or not a number; -1 when a number that no valid value equals (fraction, too large).
    private int? _version;
    private int _rate;
    private int _range;
    private uint _sequence;
    private long _time;

    private int _count;
    private bool _nonFinite;
    private double _maxAbs;

    public JsonFrameReader(Utf8JsonReader reader, Span<AccelSample> samples)
    {
        _reader = reader;
        // Samples past the frame limit are counted, never stored: the frame is rejected anyway.
        _samples = samples.Length > FrameRules.MaxSampleCount ? samples[..FrameRules.MaxSampleCount] : samples;
        _range = JsonFrameCodec.DefaultRangeG;
    }

    /// <summary>Reads the whole document, then judges it.</summary>
    /// <exception cref="JsonException">The input is not one syntactically valid JSON value.</exception>
    /// <exception cref="InvalidOperationException">A property name or string holds invalid escaped UTF-16.</exception>
    public FrameError Read(out FrameHeader header)
    {
        header = default;
        if (!_reader.Read() || _reader.TokenType != JsonTokenType.StartObject)
        {
            // Read() has validated this token only; the rest is not worth reading.
            return FrameError.MalformedJson;
        }

        while (_reader.Read() && _reader.TokenType == JsonTokenType.PropertyName)
        {
            ReadProperty();
        }

        // Validates that nothing but whitespace follows the object (throws otherwise).
        while (_reader.Read())
        {
        }

        return Judge(out header);
    }

    private void ReadProperty()
    {
        if (_reader.ValueTextEquals("v"u8))
        {
            if (TryReadNumber(ref _hasVersion))
            {
                _version = _reader.TryGetInt32(out int version) ? version : -1;
            }
        }
        else if (_reader.ValueTextEquals("rate"u8))
        {
            if (TryReadNumber(ref _hasRate))
            {
                _rate = _reader.TryGetInt32(out int rate) ? rate : -1;
            }
        }
        else if (_reader.ValueTextEquals("range"u8))
        {
            if (TryReadNumber(ref _hasRange))
            {
                _range = _reader.TryGetInt32(out int range) ? range : -1;
            }
        }
        else if (_reader.ValueTextEquals("seq"u8))
        {
            if (TryReadNumber(ref _hasSequence) && !_reader.TryGetUInt32(out _sequence))
            {
                _malformed = true;
            }
        }
        else if (_reader.ValueTextEquals("t"u8))
        {
            if (TryReadNumber(ref _hasTime) && !_reader.TryGetInt64(out _time))
            {
                _malformed = true;
            }
        }
        else if (_reader.ValueTextEquals("samples"u8))
        {
            ReadSamples();
        }
        else
        {
            // Unknown properties are skipped so that producers can add fields without breaking older consumers.
            _reader.Skip();
        }
    }

    /// <summary>On a known property name: moves to its value and says whether it is a first, numeric value.</summary>
    private bool TryReadNumber(ref bool seen)
    {
        if (seen)
        {
            // Two values for one field: which one a consumer picks would be a guess, so neither is taken.
            _malformed = true;
            _reader.Skip();
            return false;
        }

        seen = true;
        _reader.Read();
        if (_reader.TokenType == JsonTokenType.Number)
        {
            return true;
        }

        _malformed = true;
        _reader.Skip();
        return false;
    }

    private void ReadSamples()
    {
        if (_hasSamples)
        {
            _malformed = true;
            _reader.Skip();
            return;
        }

        _hasSamples = true;
        _reader.Read();
        if (_reader.TokenType != JsonTokenType.StartArray)
        {
            _malformed = true;
            _reader.Skip();
            return;
        }

        while (_reader.Read() && _reader.TokenType != JsonTokenType.EndArray)
        {
            if (!TryReadSample())
            {
                _malformed = true;
                SkipRestOfSamples();
                return;
            }
        }
    }

    /// <summary>On a sample's first token: reads <c>[x, y, z]</c>.</summary>
    private bool TryReadSample()
    {
        if (_reader.TokenType != JsonTokenType.StartArray
            || !TryReadAxis(out float x)
            || !TryReadAxis(out float y)
            || !TryReadAxis(out float z)
            || !_reader.Read()
            || _reader.TokenType != JsonTokenType.EndArray)
        {
            return false;
        }

        if (_count < _samples.Length)
        {
            _samples[_count] = new AccelSample(x, y, z);
        }

        // Bounded by the input limit (64 KiB / 8 bytes per shortest sample), so no overflow.
        _count++;
        return true;
    }

    private bool TryReadAxis(out float value)
    {
        value = 0f;
        _reader.Read();
        if (_reader.TokenType == JsonTokenType.Number)
        {
            // A JSON number is never NaN, but it can lie beyond double (false) or beyond float (finite double).
            if (_reader.TryGetDouble(out double g) && Math.Abs(g) <= float.MaxValue)
            {
                value = (float)g;
                _maxAbs = Math.Max(_maxAbs, Math.Abs(g));
            }
            else
            {
                _nonFinite = true;
            }

            return true;
        }

        // Serializers that allow named floating-point literals write them as strings; give them their own reason.
        if (_reader.TokenType == JsonTokenType.String
            && (_reader.ValueTextEquals("NaN"u8) || _reader.ValueTextEquals("Infinity"u8) || _reader.ValueTextEquals("-Infinity"u8)))
        {
            _nonFinite = true;
            return true;
        }

        return false;
    }

    /// <summary>From anywhere inside the "samples" array to its closing bracket.</summary>
    private void SkipRestOfSamples()
    {
        if (_reader.TokenType is JsonTokenType.StartArray or JsonTokenType.StartObject)
        {
            _reader.Skip();
        }

        while (_reader.CurrentDepth > PropertyDepth && _reader.Read())
        {
        }
    }

    private readonly FrameError Judge(out FrameHeader header)
    {
        header = default;

        // A newer version may have a different shape, so its number wins over anything found in its body.
        if (_version is int version && version != FrameRules.Version)
        {
            return FrameError.UnsupportedVersion;
        }

        if (_malformed)
        {
            return FrameError.MalformedJson;
        }

        if (!(_hasVersion && _hasRate && _hasSequence && _hasTime && _hasSamples))
        {
            return FrameError.MissingField;
        }

        if (!FrameRules.IsValidSampleRate(_rate))
        {
            return FrameError.InvalidSampleRate;
        }

        if (!FrameRules.IsValidRange(_range))
        {
            return FrameError.InvalidRange;
        }

        if (!FrameRules.IsValidSampleCount(_count))
        {
            return FrameError.InvalidSampleCount;
        }

        if (_nonFinite)
        {
            return FrameError.NonFinite;
        }

        if (_maxAbs > _range)
        {
            return FrameError.SampleOutOfRange;
        }

        if (_count > _samples.Length)
        {
            return FrameError.BufferTooSmall;
        }

        header = new FrameHeader((ushort)_rate, (byte)_range, (ushort)_count, _sequence, _time);
        return FrameError.None;
    }
}
