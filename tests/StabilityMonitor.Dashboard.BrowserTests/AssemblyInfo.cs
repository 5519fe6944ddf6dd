// Real servers and a real browser on a 2-core machine: one test at a time keeps timings honest.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
