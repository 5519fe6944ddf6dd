using StabilityMonitor.Signal.Processing;

namespace StabilityMonitor.Signal.Detection;

/// <summary>
/// What the perturbation detector measured around one acceleration peak: the evidence that the
/// fall / near-fall decision is made on. Windows are relative to the peak; see <see cref="DetectorOptions"/>.
/// </summary>
/// <param name="PeakIndex">Sample index of the peak since the last reset.</param>
/// <param name="PeakAccelG">Peak acceleration magnitude, g.</param>
/// <param name="PeakJerkGPerS">Peak jerk magnitude near the peak, g/s.</param>
/// <param name="PreMaxG">Largest magnitude in the baseline window before the peak, g (how hard the wearer was already moving).</param>
/// <param name="PreStdG">Standard deviation of the magnitude in the baseline window, g.</param>
/// <param name="MinBeforeG">Smallest magnitude in the second before the peak, g (free-fall dip).</param>
/// <param name="HorizontalPeakG">Peak horizontal acceleration (relative to the pre-event gravity), g.</param>
/// <param name="VerticalPeakG">Peak vertical acceleration above 1 g, g.</param>
/// <param name="ActiveMs">Time around the peak with the magnitude far from 1 g, ms.</param>
/// <param name="TiltBeforeDeg">Trunk tilt from upright before the peak, degrees.</param>
/// <param name="TiltAfterDeg">Trunk tilt from upright in the settling window after the peak, degrees.</param>
/// <param name="TiltChangeDeg">Angle between the gravity directions before and after, degrees.</param>
/// <param name="MaxExcursionDeg">Largest transient tilt away from the pre-event direction, degrees.</param>
/// <param name="PostStdG">Standard deviation of the magnitude in the settling window, g.</param>
/// <param name="EnergyRatio">Dynamic energy around the peak over the baseline's, dimensionless.</param>
/// <param name="SampleRateHz">Sample rate the features were measured at, Hz (low rates blunt impact peaks).</param>
/// <param name="PostLongStdG">Standard deviation of the magnitude from 0.5 s to the near-fall decision after the
/// peak, g (how vigorously the wearer moves on); 0 until that decision point.</param>
/// <param name="PostMeanG">Provisional features only: magnitude of the mean acceleration from 0.1 s after the peak to
/// the provisional decision, g (about 1 g when the body rests on something, less in flight or mid-stride); else 0.</param>
/// <param name="WalkingBefore">The gait detector (regular steps) called the wearer walking when the candidate opened.</param>
public readonly record struct PerturbationFeatures(
    long PeakIndex,
    float PeakAccelG,
    float PeakJerkGPerS,
    float PreMaxG,
    float PreStdG,
    float MinBeforeG,
    float HorizontalPeakG,
    float VerticalPeakG,
    float ActiveMs,
    float TiltBeforeDeg,
    float TiltAfterDeg,
    float TiltChangeDeg,
    float MaxExcursionDeg,
    float PostStdG,
    float EnergyRatio,
    int SampleRateHz,
    float PostLongStdG = 0f,
    float PostMeanG = 0f,
    bool WalkingBefore = false)
{
    internal void WriteState(BinaryWriter writer)
    {
        writer.Write(PeakIndex);
        writer.Write(PeakAccelG);
        writer.Write(PeakJerkGPerS);
        writer.Write(PreMaxG);
        writer.Write(PreStdG);
        writer.Write(MinBeforeG);
        writer.Write(HorizontalPeakG);
        writer.Write(VerticalPeakG);
        writer.Write(ActiveMs);
        writer.Write(TiltBeforeDeg);
        writer.Write(TiltAfterDeg);
        writer.Write(TiltChangeDeg);
        writer.Write(MaxExcursionDeg);
        writer.Write(PostStdG);
        writer.Write(EnergyRatio);
        writer.Write(SampleRateHz);
        writer.Write(PostLongStdG);
        writer.Write(PostMeanG);
        writer.Write(WalkingBefore);
    }

    // Arguments are evaluated left to right, so the fields are read in the order written.
    internal static PerturbationFeatures ReadState(BinaryReader reader) => new(
        reader.ReadInt64(),
        reader.ReadSingle(),
        reader.ReadSingle(),
        reader.ReadSingle(),
        reader.ReadSingle(),
        reader.ReadSingle(),
        reader.ReadSingle(),
        reader.ReadSingle(),
        reader.ReadSingle(),
        reader.ReadSingle(),
        reader.ReadSingle(),
        reader.ReadSingle(),
        reader.ReadSingle(),
        reader.ReadSingle(),
        reader.ReadSingle(),
        reader.ReadInt32(),
        reader.ReadSingle(),
        reader.ReadSingle(),
        StateBinary.ReadBoolean(reader));
}
