using System.Diagnostics.Metrics;
using System.Globalization;

namespace StabilityMonitor.TestServers;

/// <summary>
/// The current values of one meter's instruments, read with a <see cref="MeterListener"/> as an exporter would:
/// observable instruments are polled, synchronous counters summed since the reading started. Keys are the series
/// as Prometheus names them: <c>name</c> or <c>name{key="value",...}</c> (tags in the order given).
/// </summary>
public sealed class MeterReading : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly Dictionary<string, double> _values = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _kinds = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public MeterReading(Meter meter)
    {
        ArgumentNullException.ThrowIfNull(meter);
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, meter))
            {
                lock (_lock)
                {
                    _kinds[instrument.Name] = instrument.GetType().Name;
                }

                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((i, v, t, _) => Record(i, v, t));
        _listener.SetMeasurementEventCallback<int>((i, v, t, _) => Record(i, v, t));
        _listener.SetMeasurementEventCallback<double>((i, v, t, _) => Record(i, v, t));
        _listener.Start();
    }

    /// <summary>Polls the observable instruments; returns every series and its value.</summary>
    public IReadOnlyDictionary<string, double> Read()
    {
        _listener.RecordObservableInstruments();
        lock (_lock)
        {
            return new Dictionary<string, double>(_values, StringComparer.Ordinal);
        }
    }

    /// <summary>The CLR type name of each instrument seen (e.g. <c>ObservableCounter`1</c>), by instrument name.</summary>
    public IReadOnlyDictionary<string, string> Instruments
    {
        get
        {
            lock (_lock)
            {
                return new Dictionary<string, string>(_kinds, StringComparer.Ordinal);
            }
        }
    }

    /// <summary>One series' value now (after polling), or null when the series has no value.</summary>
    public double? Value(string series) => Read().TryGetValue(series, out var v) ? v : null;

    public void Dispose() => _listener.Dispose();

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var key = instrument.Name;
        if (tags.Length > 0)
        {
            var parts = new string[tags.Length];
            for (var i = 0; i < tags.Length; i++)
            {
                parts[i] = string.Create(CultureInfo.InvariantCulture, $"{tags[i].Key}=\"{tags[i].Value}\"");
            }

            key += "{" + string.Join(',', parts) + "}";
        }

        // Observable instruments report the running total; synchronous counters report increments.
        var observable = instrument.IsObservable;
        lock (_lock)
        {
            _values[key] = observable ? value : _values.GetValueOrDefault(key) + value;
        }
    }
}
