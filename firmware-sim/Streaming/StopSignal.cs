using System.Runtime.InteropServices;

namespace StabilityMonitor.FirmwareSim.Streaming;

/// <summary>
/// Ctrl+C (SIGINT) and SIGTERM as a cancellation token, with the default termination cancelled, so that a publishing
/// run can say goodbye to the broker (offline status, clean disconnect), write its ground truth and print its summary
/// however long that takes. A second signal is not intercepted again: it ends the process.
/// </summary>
internal sealed class StopSignal : IDisposable
{
    private readonly CancellationTokenSource _source;
    private readonly List<PosixSignalRegistration> _registrations = [];

    public StopSignal(CancellationToken linked)
    {
        _source = CancellationTokenSource.CreateLinkedTokenSource(linked);
        foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM })
        {
            try
            {
                _registrations.Add(PosixSignalRegistration.Create(signal, OnSignal));
            }
            catch (PlatformNotSupportedException)
            {
            }
        }
    }

    public CancellationToken Token => _source.Token;

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        _source.Dispose();
    }

    private void OnSignal(PosixSignalContext context)
    {
        if (_source.IsCancellationRequested)
        {
            return;
        }

        context.Cancel = true;
        _source.Cancel();
    }
}
