using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace StabilityMonitor.Cluster.Tests;

/// <summary>
/// The wearables' grain storage of a test silo, which refuses every write once the silo is being killed. A host stopped
/// with a cancelled token still deactivates its grains, and a grain saves on its way out: in one CI run the holder's
/// save of its last four frames raced the "kill" and won, so nothing was left for the router to resend. A process
/// SIGKILLed saves nothing; this makes the in-process kill the same.
/// </summary>
internal sealed class KillableGrainStorage(IGrainStorage inner) : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>
{
    private volatile bool _killed;

    /// <summary>From now on nothing is written.</summary>
    public void Kill() => _killed = true;

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ReadStateAsync(stateName, grainId, grainState);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        _killed ? Task.FromException(new InvalidOperationException("The silo was killed: nothing is saved.")) : inner.WriteStateAsync(stateName, grainId, grainState);

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ClearStateAsync(stateName, grainId, grainState);

    public void Participate(ISiloLifecycle lifecycle) => (inner as ILifecycleParticipant<ISiloLifecycle>)?.Participate(lifecycle);

    /// <summary>Wraps the storage registered under <paramref name="name"/> (keyed), as the silo resolves it.</summary>
    public static void Decorate(IServiceCollection services, string name)
    {
        var original = services.Single(d => d.ServiceType == typeof(IGrainStorage) && d.IsKeyedService && Equals(d.ServiceKey, name));
        services.Remove(original);
        services.AddKeyedSingleton<IGrainStorage>(name, (sp, key) => new KillableGrainStorage(Create(original, sp, key)));
    }

    private static IGrainStorage Create(ServiceDescriptor original, IServiceProvider services, object? key) =>
        original.KeyedImplementationFactory is { } factory ? (IGrainStorage)factory(services, key)
        : original.KeyedImplementationInstance is IGrainStorage instance ? instance
        : (IGrainStorage)ActivatorUtilities.CreateInstance(services, original.KeyedImplementationType!);
}
