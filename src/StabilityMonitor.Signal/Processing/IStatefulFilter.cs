using NWaves.Filters.Base;

namespace StabilityMonitor.Signal.Processing;

/// <summary>An online filter whose internal state can be saved and restored exactly (checkpoints).</summary>
internal interface IStatefulFilter : IOnlineFilter
{
    void WriteState(BinaryWriter writer);

    /// <summary>Restores a state written by a filter of the same design; throws <see cref="InvalidDataException"/> otherwise.</summary>
    void ReadState(BinaryReader reader);
}
