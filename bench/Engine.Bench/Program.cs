using Granary.Engine.Bench;

// Granary's engine benchmarks on Microsoft Orleans. Usage: Granary.Engine.Bench <family> [scenario], or the child
// silo mode the cluster family starts (Granary.Engine.Bench silo ...). See BenchCommand for the families.
return args is ["silo", ..]
    ? await Granary.Engine.Bench.Cluster.SiloMode.RunAsync(args[1..])
    : await BenchCommand.RunAsync(args);
