using NWaves.Filters.Base;

namespace StabilityMonitor.Signal.Processing;

/// <summary>An online filter whose internal state can be saved and restored exactly (checkpoints).</summary>
internal interface IStatefulFilter : IOnlineFilter
{
    /// <summary>
    /// Puts the filter in the state a long run of <paramref name="input"/> leaves it in (its steady state for a constant
    /// input) and returns the output it then gives. Solved, not iterated: a low cut-off at a high rate takes thousands of
    /// steps to settle, and every new wearable settles two filters on each axis.
    /// </summary>
    float Settle(float input);

    void WriteState(BinaryWriter writer);

    /// <summary>Restores a state written by a filter of the same design; throws <see cref="InvalidDataException"/> otherwise.</summary>
    void ReadState(BinaryReader reader);
}
