namespace StabilityMonitor.Influx;

/// <summary>Which InfluxDB HTTP API the writer speaks (configuration values <c>v1</c> and <c>v2</c>, any case).</summary>
public enum InfluxApiVersion
{
    /// <summary>InfluxDB 1.x: <c>/write?db=..&amp;rp=..</c>, user and password.</summary>
    V1 = 1,

    /// <summary>InfluxDB 2.x, 3.x and Cloud: <c>/api/v2/write?org=..&amp;bucket=..</c> with a token, through InfluxDB.Client.</summary>
    V2 = 2,
}
