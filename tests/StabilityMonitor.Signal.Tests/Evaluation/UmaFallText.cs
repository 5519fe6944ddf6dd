using System.Globalization;
using System.Text;

namespace StabilityMonitor.Signal.Tests.Evaluation;

/// <summary>
/// Builds invented UMAFall-format files (not taken from the dataset): a '%' header with blank lines
/// padded with spaces and a sensor table, then ';'-separated rows of several devices interleaved.
/// </summary>
internal sealed class UmaFallText
{
    private const string Padding = "                                                                                    ";
    private readonly StringBuilder _text = new();
    private readonly string _newLine;
    private readonly string _headerSuffix;

    /// <param name="sensorTable">(Sensor_ID, Position) rows of the header's sensor table, in file order.</param>
    /// <param name="newLine">Line ending; Subject_13 in the complete dataset uses CRLF.</param>
    /// <param name="headerSuffix">Appended to header values; Subject_13 pads them with ";;;;;;;".</param>
    public UmaFallText((int Id, string Position)[] sensorTable, string newLine = "\n", string headerSuffix = "")
    {
        _newLine = newLine;
        _headerSuffix = headerSuffix;
        Header("% Universidad de Test - header in the UMAFall layout");
        Header("% ID: Subject_99_ADL_Walking_1");
        Line(Padding);
        Header("% Type of Movement: ADL");
        Header("% Number of Sensors: " + sensorTable.Length.ToString(CultureInfo.InvariantCulture));
        Line(Padding);
        Header("% SensorTag's Accelerometer: test device");
        Header("% --> Maximum Range: 16 G");
        Line(Padding);
        Line("% MAC Address; Sensor_ID; Position; Device Model" + Padding[..20]);
        foreach (var (id, position) in sensorTable)
        {
            Line($"%00:11:22:33:44:{id:00}; {id}; {position}; TestTag{_headerSuffix}");
        }

        Line(Padding);
        Header("% Sensor_Type:");
        Header("% Accelerometer = 0");
        Header("% Gyroscope = 1");
        Line(Padding);
        Line(Padding);
        Line("% TimeStamp; Sample No; X-Axis; Y-Axis; Z-Axis; Sensor Type; Sensor ID;" + Padding[..12]);
    }

    public UmaFallText Row(long timestampMs, int sampleNo, double x, double y, double z, int sensorType, int sensorId)
    {
        Line(string.Create(CultureInfo.InvariantCulture, $"{timestampMs};{sampleNo};{x:R};{y:R};{z:R};{sensorType};{sensorId}"));
        return this;
    }

    public UmaFallText Line(string line)
    {
        _text.Append(line).Append(_newLine);
        return this;
    }

    public override string ToString() => _text.ToString();

    private void Header(string line) => Line(line + _headerSuffix);
}
