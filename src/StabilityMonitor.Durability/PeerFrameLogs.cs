using Microsoft.Extensions.Logging;
using StabilityMonitor.Pipeline.Ports;

namespace StabilityMonitor.Durability;

/// <summary><see cref="IPeerFrameLogs"/> over the frame log's journal format, read without recovering anything.</summary>
internal sealed class PeerFrameLogs(FrameLog own, ILogger<PeerFrameLogs> logger) : IPeerFrameLogs
{
    public string OwnDirectory => own.Journal.DirectoryPath;

    public IEnumerable<LoggedMessage> Read(string directory) => FrameLog.ReadDirectory(directory, logger);
}
