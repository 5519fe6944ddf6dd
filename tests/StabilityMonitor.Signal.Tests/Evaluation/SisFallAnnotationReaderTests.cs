using System.Text;
using StabilityMonitor.FirmwareSim.Datasets;

namespace StabilityMonitor.Signal.Tests.Evaluation;

public sealed class SisFallAnnotationReaderTests
{
    [Fact]
    public void Parse_AlertFallAlert_FirstFallAndSegments()
    {
        var annotation = SisFallAnnotationReader.Parse(Encoding.ASCII.GetBytes("0\n1\n1\n0\n2\n2\n1\n0\n1\n"), "labels");

        Assert.Equal(9, annotation.SampleCount);
        Assert.Equal(4, annotation.FirstFallIndex);
        Assert.Equal([new SampleSegment(1, 2), new SampleSegment(6, 1), new SampleSegment(8, 1)], annotation.AlertSegments);
        Assert.Equal([new SampleSegment(4, 2)], annotation.FallSegments);
        Assert.Equal(AnnotationLabel.Fall, annotation.Labels[5]);
    }

    [Fact]
    public void Parse_NoFall_FirstFallNull()
    {
        var annotation = SisFallAnnotationReader.Parse(Encoding.ASCII.GetBytes("0\n0\n1\n1\n0\n"), "labels");

        Assert.Null(annotation.FirstFallIndex);
        Assert.Empty(annotation.FallSegments);
        Assert.Equal(new SampleSegment(2, 2), Assert.Single(annotation.AlertSegments));
    }

    [Fact]
    public void Parse_CrlfAndTrailingBlankLine_OneLabelPerDataLine()
    {
        var annotation = SisFallAnnotationReader.Parse(Encoding.ASCII.GetBytes("2\r\n2\r\n0\r\n  \r\n"), "labels");

        Assert.Equal(3, annotation.SampleCount);
        Assert.Equal(0, annotation.FirstFallIndex);
        Assert.Equal(new SampleSegment(0, 2), Assert.Single(annotation.FallSegments));
    }

    [Theory]
    [InlineData("0\n3\n")]
    [InlineData("0\n-1\n")]
    [InlineData("0\nx\n")]
    public void Parse_ValueOutsideZeroToTwo_ThrowsWithLineNumber(string text)
    {
        var error = Assert.Throws<InvalidDataException>(() => SisFallAnnotationReader.Parse(Encoding.ASCII.GetBytes(text), "labels.txt"));

        Assert.StartsWith("labels.txt:2:", error.Message, StringComparison.Ordinal);
    }
}
