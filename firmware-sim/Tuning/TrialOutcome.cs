namespace StabilityMonitor.FirmwareSim.Tuning;

/// <summary>Trial-level counts for one classifier setting; what the tuner maximises.</summary>
internal readonly record struct TrialOutcome(int Falls, int FallsDetected, int NearFalls, int NearFallsDetected, int Adl, int AdlWithAlarm)
{
    public double FallSensitivity => Falls == 0 ? 1 : FallsDetected / (double)Falls;

    public double NearFallSensitivity => NearFalls == 0 ? 1 : NearFallsDetected / (double)NearFalls;

    public double Specificity => Adl == 0 ? 1 : 1 - (AdlWithAlarm / (double)Adl);
}
