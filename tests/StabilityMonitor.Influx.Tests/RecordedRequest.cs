using System.Collections.Specialized;

namespace StabilityMonitor.Influx.Tests;

internal sealed record RecordedRequest(string Method, string Path, NameValueCollection Query, string? Authorization, string? ContentEncoding, string Body);
