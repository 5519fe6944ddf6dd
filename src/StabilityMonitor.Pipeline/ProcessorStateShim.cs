// TEMPORARY until the Signal state lands (helper branch h-state); deleted at merge.
using StabilityMonitor.Signal.Processing;

namespace StabilityMonitor.Pipeline;

internal static class ProcessorStateShim
{
    public static void WriteState(this DeviceProcessor processor, BinaryWriter writer) => throw new NotSupportedException();

    public static void ReadState(this DeviceProcessor processor, BinaryReader reader) => throw new NotSupportedException();
}
