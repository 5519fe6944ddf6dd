using StabilityMonitor.FirmwareSim.Datasets;

namespace StabilityMonitor.Signal.Tests.Evaluation;

public sealed class TrialNameTests
{
    [Theory]
    [InlineData("F05_SA01_R04.txt", "F05", "SA01", "R04", "fall")]
    [InlineData("F15_SE06_R01.txt", "F15", "SE06", "R01", "fall")]
    [InlineData("D18_SA02_R05.txt", "D18", "SA02", "R05", "near_fall")]
    [InlineData("D01_SE04_R01.txt", "D01", "SE04", "R01", "adl")]
    [InlineData("D19_SA07_R03.txt", "D19", "SA07", "R03", "adl")]
    [InlineData("D17_SE15_R02.txt", "D17", "SE15", "R02", "adl")]
    public void SisFallTryParse_TrialFileName_CodeSubjectTrialKind(string fileName, string code, string subject, string trial, string kind)
    {
        Assert.True(SisFallTrialName.TryParse(fileName, out var name));
        Assert.Equal((code, subject, trial, kind), (name.Code, name.Subject, name.Trial, name.Kind.ToLabel()));
        Assert.Equal(Path.GetFileNameWithoutExtension(fileName), name.ToString());
    }

    [Theory]
    [InlineData("Readme.txt")]
    [InlineData("desktop.ini")]
    [InlineData("D01_SA01_R01.csv")]
    [InlineData("X01_SA01_R01.txt")]
    [InlineData("D01_SA01.txt")]
    [InlineData("d01_sa01_r01.txt")]
    [InlineData("D01_SA01_R01.txt.bak")]
    public void SisFallTryParse_OtherFileName_False(string fileName) => Assert.False(SisFallTrialName.TryParse(fileName, out _));

    [Theory]
    [InlineData("UMAFall_Subject_04_Fall_forwardFall_2_2016-06-13_13-05-38.csv", "Subject_04", "fall", "forwardFall", 2)]
    [InlineData("UMAFall_Subject_14_Fall_lateralFall_3_2016-06-03_20-06-47.csv", "Subject_14", "fall", "lateralFall", 3)]
    [InlineData("UMAFall_Subject_01_ADL_Sitting_GettingUpOnAChair_3_2017-04-14_23-45-01.csv", "Subject_01", "adl", "Sitting_GettingUpOnAChair", 3)]
    [InlineData("UMAFall_Subject_14_ADL_LyingDown_OnABed_1_2016-06-03_19-58-10.csv", "Subject_14", "adl", "LyingDown_OnABed", 1)]
    [InlineData("UMAFall_Subject_01_ADL_Aplausing_12_2017-04-14_23-38-23.csv", "Subject_01", "adl", "Aplausing", 12)]
    public void UmaFallTryParse_TrialFileName_SubjectKindActivityTrial(string fileName, string subject, string kind, string activity, int trial)
    {
        Assert.True(UmaFallTrialName.TryParse(fileName, out var name));
        Assert.Equal((subject, kind, activity, trial), (name.Subject, name.Kind.ToLabel(), name.Activity, name.Trial));
    }

    [Theory]
    [InlineData("labels.csv")]
    [InlineData("sensors.csv")]
    [InlineData("UMAFall_Subject_04_Other_forwardFall_2_2016-06-13_13-05-38.csv")]
    [InlineData("UMAFall_Subject_04_Fall_forwardFall_2016-06-13_13-05-38.csv")]
    [InlineData("UMAFall_Subject_04_Fall_forwardFall_2_2016-06-13_13-05-38.txt")]
    public void UmaFallTryParse_OtherFileName_False(string fileName) => Assert.False(UmaFallTrialName.TryParse(fileName, out _));
}
