// Each test runs a cluster of real processes on a 2-core machine with tight failure-detection timings: two at once
// would starve each other's probes and turn CPU contention into false deaths.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
