namespace StabilityMonitor.Balance.Mobility;

/// <summary>Receives what a <see cref="MobilityTracker"/> measures, as it is decided (device-time order).</summary>
public interface IMobilitySink
{
    void OnEpoch(in MobilityEpoch epoch);

    void OnWalkingBout(in WalkingBout bout);

    void OnTransition(in PostureTransition transition);

    void OnQuietStanding(in QuietStandingSway sway);
}
