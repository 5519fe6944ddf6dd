namespace StabilityMonitor.FirmwareSim.Datasets;

/// <summary>Per-sample class of the sisfall-enhanced annotations (the value on each line).</summary>
internal enum AnnotationLabel : byte
{
    /// <summary>Nothing dangerous.</summary>
    Background = 0,

    /// <summary>Loss of balance, pre-impact phase of a fall, or a sudden ADL movement.</summary>
    Alert = 1,

    /// <summary>The fall itself.</summary>
    Fall = 2,
}
