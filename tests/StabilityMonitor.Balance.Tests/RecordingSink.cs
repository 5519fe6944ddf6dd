using StabilityMonitor.Balance.Mobility;

namespace StabilityMonitor.Balance.Tests;

/// <summary>Keeps everything a tracker reports, for assertions.</summary>
internal sealed class RecordingSink : IMobilitySink
{
    public List<MobilityEpoch> Epochs { get; } = [];

    public List<WalkingBout> Bouts { get; } = [];

    public List<PostureTransition> Transitions { get; } = [];

    public List<QuietStandingSway> Sway { get; } = [];

    public void OnEpoch(in MobilityEpoch epoch) => Epochs.Add(epoch);

    public void OnWalkingBout(in WalkingBout bout) => Bouts.Add(bout);

    public void OnTransition(in PostureTransition transition) => Transitions.Add(transition);

    public void OnQuietStanding(in QuietStandingSway sway) => Sway.Add(sway);

    public int Count(TransitionKind kind) => Transitions.Count(t => t.Kind == kind);

    public double Seconds(MobilityPosture posture) => Epochs.Count(e => e.Posture == posture);

    public string PostureString() => new([.. Epochs.Select(static e => e.Posture switch
    {
        MobilityPosture.Lying => 'L',
        MobilityPosture.Sitting => 'S',
        MobilityPosture.Standing => 'U',
        MobilityPosture.Walking => 'W',
        _ => '?',
    })]);
}
