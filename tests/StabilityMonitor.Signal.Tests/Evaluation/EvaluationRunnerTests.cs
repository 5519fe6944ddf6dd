using StabilityMonitor.FirmwareSim.Datasets;
using StabilityMonitor.FirmwareSim.Evaluation;
using StabilityMonitor.Signal.Processing;

namespace StabilityMonitor.Signal.Tests.Evaluation;

public sealed class EvaluationRunnerTests
{
    [Fact]
    public void RunAll_SeveralRecordings_InputOrderAndOneProgressReportEach()
    {
        var recordings = Enumerable.Range(0, 7)
            .Select(i => TestRecordings.Make(TrialKind.Adl, "D07", $"D07_SA99_R{i:00}", samples: 100 + (i * 10), rateHz: 50))
            .ToList();
        var progress = new RecordingProgress();
        var optionsCreated = 0;

        var runs = EvaluationRunner.RunAll(recordings, () => { Interlocked.Increment(ref optionsCreated); return new ProcessorOptions(); }, progress);

        Assert.Equal(recordings, runs.Select(r => r.Recording));
        Assert.All(runs, r => Assert.Equal(RecordingFramer.DefaultStartMicros, r.StartMicros));
        Assert.Equal(7, optionsCreated);
        Assert.Equal(Enumerable.Range(1, 7), progress.Reports.Select(p => p.Completed).Order());
        Assert.All(progress.Reports, p => Assert.Equal(7, p.Total));
        Assert.Equal(recordings.Select(r => r.Name).Order(), progress.Reports.Select(p => p.Name).Order());
    }

    [Fact]
    public void Run_StillRecordings_NoAlarmsAndTrialsInInputOrder()
    {
        var recordings = new[]
        {
            TestRecordings.Make(TrialKind.Adl, "D07", "a", samples: 2000),
            TestRecordings.Make(TrialKind.NearFall, "D18", "b", samples: 2000),
        };

        var report = EvaluationRunner.Run(recordings);

        Assert.Equal(["test/a.txt", "test/b.txt"], report.Trials.Select(t => t.File));
        Assert.Equal(0, report.Adl.FalseAlarms);
    }

    private sealed class RecordingProgress : IProgress<EvaluationProgress>
    {
        private readonly Lock _lock = new();
        private readonly List<EvaluationProgress> _reports = [];

        public IReadOnlyList<EvaluationProgress> Reports
        {
            get
            {
                lock (_lock)
                {
                    return [.. _reports];
                }
            }
        }

        public void Report(EvaluationProgress value)
        {
            lock (_lock)
            {
                _reports.Add(value);
            }
        }
    }
}
