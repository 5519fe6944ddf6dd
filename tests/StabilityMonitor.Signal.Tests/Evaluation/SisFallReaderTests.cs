using System.Text;
using StabilityMonitor.FirmwareSim.Datasets;

namespace StabilityMonitor.Signal.Tests.Evaluation;

public sealed class SisFallReaderTests
{
    [Fact]
    public void ParseSamples_CrlfLinesWithLeadingSpaces_AdxlColumnsInG()
    {
        const string text = "  256, -512,    0, -100,  200,  300, 1024,-2048,    5;\r\n"
            + "   -1,    2,  128,    0,    0,    0,   -4,    8,  512;\r\n"
            + "-4096, 4095,   64,  -50,   60,  -70, -8192, 8191,  256;\r\n";

        var samples = SisFallReader.ParseSamples(Encoding.ASCII.GetBytes(text), "test");

        Assert.Equal(
            [new AccelSample(1f, -2f, 0f), new AccelSample(-1f / 256, 2f / 256, 0.5f), new AccelSample(-16f, 4095f / 256, 0.25f)],
            samples);
    }

    [Fact]
    public void ParseSamples_TrailingLineOfSpacesOnly_Skipped()
    {
        var text = SisFallLines.Line(256, 0, 0) + SisFallLines.Line(0, 256, 0) + "          ";

        var samples = SisFallReader.ParseSamples(Encoding.ASCII.GetBytes(text), "test");

        Assert.Equal([new AccelSample(1f, 0f, 0f), new AccelSample(0f, 1f, 0f)], samples);
    }

    [Fact]
    public void ParseSamples_LastLineWithoutCrlf_Read()
    {
        var text = SisFallLines.Line(256, 0, 0) + "  512,    0,    0,    0,    0,    0,    0,    0,    0;";

        var samples = SisFallReader.ParseSamples(Encoding.ASCII.GetBytes(text), "test");

        Assert.Equal([new AccelSample(1f, 0f, 0f), new AccelSample(2f, 0f, 0f)], samples);
    }

    [Theory]
    [InlineData("  1,  2,  3,  4,  5,  6,  7,  8;\r\n")]
    [InlineData("  1,  2,  3,  4,  5,  6,  7,  8,  9, 10;\r\n")]
    [InlineData("  1,  2,  x,  4,  5,  6,  7,  8,  9;\r\n")]
    [InlineData("  1,  2,   ,  4,  5,  6,  7,  8,  9;\r\n")]
    public void ParseSamples_MalformedLine_ThrowsWithLineNumber(string badLine)
    {
        var text = SisFallLines.Line(0, 256, 0) + badLine;

        var error = Assert.Throws<InvalidDataException>(() => SisFallReader.ParseSamples(Encoding.ASCII.GetBytes(text), "trial.txt"));

        Assert.StartsWith("trial.txt:2:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadRecordings_DatasetFolder_TrialsWithLabelsOtherFilesIgnored()
    {
        using var temp = new TempDirectory();
        var dataset = Path.Combine(temp.Path, "sisfall");
        temp.Write("sisfall/SisFall_dataset/Readme.txt", "not a trial\r\n");
        temp.Write("sisfall/SisFall_dataset/SA01/F05_SA01_R04.txt", SisFallLines.Upright(3));
        temp.Write("sisfall/SisFall_dataset/SA01/D01_SA01_R01.txt", SisFallLines.Upright(5));
        temp.Write("sisfall/SisFall_dataset/SA01/desktop.ini", "[.ShellClassInfo]\r\n");
        temp.Write("sisfall/SisFall_dataset/SA01/notes.txt", "not a trial\r\n");
        temp.Write("sisfall/SisFall_dataset/SE04/D18_SE04_R02.txt", SisFallLines.Upright(2));
        temp.Write("sisfall/labels.csv", "file,subject,code,kind,description\n");

        var recordings = SisFallReader.ReadRecordings(dataset);

        Assert.Equal(
            ["SisFall_dataset/SA01/D01_SA01_R01.txt", "SisFall_dataset/SA01/F05_SA01_R04.txt", "SisFall_dataset/SE04/D18_SE04_R02.txt"],
            recordings.Select(r => r.File));
        Assert.Equal(["D01_SA01_R01", "F05_SA01_R04", "D18_SE04_R02"], recordings.Select(r => r.Name));
        Assert.Equal(["SA01", "SA01", "SE04"], recordings.Select(r => r.Subject));
        Assert.Equal(["D01", "F05", "D18"], recordings.Select(r => r.Code));
        Assert.Equal(["adl", "fall", "near_fall"], recordings.Select(r => r.Kind.ToLabel()));
        Assert.Equal([5, 3, 2], recordings.Select(r => r.Samples.Length));
        Assert.All(recordings, r => Assert.Equal((200, (byte)16), (r.SampleRateHz, r.RangeG)));
        Assert.All(recordings, r => Assert.Null(r.Annotation));
        Assert.Equal(new AccelSample(0f, -1f, 0f), recordings[0].Samples[0]);
        Assert.Equal(5 / 200.0, recordings[0].DurationSeconds);
    }

    [Fact]
    public void ReadRecordings_InnerDataFolderGiven_SameTrials()
    {
        using var temp = new TempDirectory();
        temp.Write("sisfall/SisFall_dataset/SA02/F01_SA02_R01.txt", SisFallLines.Upright(2));

        var recordings = SisFallReader.ReadRecordings(Path.Combine(temp.Path, "sisfall", "SisFall_dataset"));

        Assert.Equal("SA02/F01_SA02_R01.txt", Assert.Single(recordings).File);
    }

    [Fact]
    public void ReadRecordings_SubjectFilter_IncludeThenExclude()
    {
        using var temp = new TempDirectory();
        foreach (var subject in new[] { "SA01", "SA02", "SE04" })
        {
            temp.Write($"d/SisFall_dataset/{subject}/D01_{subject}_R01.txt", SisFallLines.Upright(1));
        }

        var filter = new SubjectFilter(["sa01,SE04", "SA02"], ["SE04"]);
        var recordings = SisFallReader.ReadRecordings(Path.Combine(temp.Path, "d"), subjects: filter);

        Assert.Equal(["SA01", "SA02"], recordings.Select(r => r.Subject));
    }

    [Fact]
    public void ReadRecordings_SiblingAnnotations_AttachedByFolderAndName()
    {
        using var temp = new TempDirectory();
        temp.Write("sisfall/SisFall_dataset/SA01/F05_SA01_R04.txt", SisFallLines.Upright(6));
        temp.Write("sisfall/SisFall_dataset/SA01/D01_SA01_R01.txt", SisFallLines.Upright(2));
        temp.Write("sisfall-enhanced/SisFall_enhanced/SA01/F05_SA01_R04.txt", "0\n0\n1\n2\n2\n0\n");
        var dataset = Path.Combine(temp.Path, "sisfall");

        var annotations = SisFallAnnotationReader.DiscoverSibling(dataset + Path.DirectorySeparatorChar);
        var recordings = SisFallReader.ReadRecordings(dataset, annotations);

        Assert.Equal(Path.Combine(temp.Path, "sisfall-enhanced"), annotations);
        Assert.Null(recordings[0].Annotation);
        var annotation = recordings[1].Annotation;
        Assert.NotNull(annotation);
        Assert.Equal(6, annotation.SampleCount);
        Assert.Equal(3, annotation.FirstFallIndex);
        Assert.Equal([new SampleSegment(2, 1)], annotation.AlertSegments);
    }

    [Fact]
    public void DiscoverSibling_NoAnnotationFolder_Null()
    {
        using var temp = new TempDirectory();
        temp.Write("sisfall/SisFall_dataset/SA01/D01_SA01_R01.txt", SisFallLines.Upright(1));

        Assert.Null(SisFallAnnotationReader.DiscoverSibling(Path.Combine(temp.Path, "sisfall")));
    }

    [Fact]
    public void EnumerateTrials_MissingFolder_Empty()
    {
        using var temp = new TempDirectory();

        Assert.Empty(SisFallReader.EnumerateTrials(Path.Combine(temp.Path, "nowhere")));
    }
}
