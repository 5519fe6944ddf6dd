using System.Buffers;
using Microsoft.Extensions.Options;
using StabilityMonitor.Signal;
using StabilityMonitor.Signal.Codec;

namespace StabilityMonitor.Pipeline;

/// <summary>
/// Sample buffers for frames in flight (in the channel or held for reordering). A dedicated pool sized to the
/// channel, so a full channel does not make the shared pool allocate and drop arrays.
/// </summary>
internal sealed class SamplePool
{
    private readonly ArrayPool<AccelSample> _pool;

    public SamplePool(IOptions<PipelineOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _pool = ArrayPool<AccelSample>.Create(BinaryFrameCodec.MaxSamples, options.Value.ChannelCapacity + (4 * options.Value.MaxHeldFrames) + 16);
    }

    public AccelSample[] Rent(int count) => _pool.Rent(count);

    public void Return(AccelSample[]? samples)
    {
        if (samples is not null)
        {
            _pool.Return(samples);
        }
    }
}
