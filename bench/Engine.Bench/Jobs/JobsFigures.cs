using Granary.Engine.Bench.Measurement;

namespace Granary.Engine.Bench.Jobs;

/// <summary>
/// The jobs family's figures, named as the home-made runtime's bench named them so runs compare across the switch:
/// <c>webhook_…</c> for one silo, <c>webhook_…_3silos</c> for three.
/// </summary>
internal static class JobsFigures
{
    public static void Add(Report report, JobsResult r, string suffix, string setup)
    {
        var silos = suffix.Length == 0 ? "1 silo" : "3 silos";
        var perDelivery = r.Elapsed.TotalMicroseconds / r.Count;
        report.Add($"webhook jobs, {silos}: throughput", $"webhook_jobs_per_s{suffix}", r.PerSecond, "jobs/s",
            $"{r.Completed:N0} of {r.Count:N0} Succeeded in {r.Elapsed.TotalSeconds:0.00} s, {WebhookJobsScenario.Concurrency} outstanding; {setup}" +
            (suffix.Length == 0 ? "; target >= 2,000" : ""));
        report.Add($"webhook jobs, {silos}: first attempt p50", $"webhook_first_attempt_p50_ms{suffix}", r.FirstAttempt.PercentileMicroseconds(0.50) / 1000, "ms",
            "Start called -> first receipt at the receiver");
        report.Add($"webhook jobs, {silos}: first attempt p99", $"webhook_first_attempt_p99_ms{suffix}", r.FirstAttempt.PercentileMicroseconds(0.99) / 1000, "ms",
            $"max {r.FirstAttempt.MaxMicroseconds / 1000:0.0} ms" + (suffix.Length == 0 ? "; target < 100" : ""));
        report.Add($"webhook jobs, {silos}: Start p50", $"webhook_start_p50_ms{suffix}", r.Start.PercentileMicroseconds(0.50) / 1000, "ms",
            "Start called -> returned Succeeded (outcome stored)");
        report.Add($"webhook jobs, {silos}: Start p99", $"webhook_start_p99_ms{suffix}", r.Start.PercentileMicroseconds(0.99) / 1000, "ms");
        report.Add($"webhook jobs, {silos}: receipt -> stored p50", $"webhook_receipt_to_stored_p50_ms{suffix}", r.AfterReceipt.PercentileMicroseconds(0.50) / 1000, "ms",
            $"response, endpoint health, state write, list row, reply; p99 {r.AfterReceipt.PercentileMicroseconds(0.99) / 1000:0.0} ms");
        report.Add($"webhook jobs, {silos}: errors", $"webhook_errors{suffix}", r.Errors, "count",
            $"Start threw or not Succeeded: {r.Errors}; never received: {r.Missing}; receipts {r.Receipts:N0} for {r.Count:N0} ids " +
            $"({r.WithoutId} without webhook-id); state rows {r.Rows.State:N0}, list rows {r.Rows.List:N0}");
        report.Add($"webhook jobs, {silos}: deliveries", $"webhook_deliveries{suffix}", r.Count, "count", r.Placement);
        report.Add($"webhook jobs, {silos}: cores busy, machine", $"webhook_cpu_machine_cores{suffix}", r.Cpu.Machine, "cores", r.Cpu.ToString());
        report.Add($"webhook jobs, {silos}: CPU per delivery", $"webhook_cpu_per_job_us{suffix}", r.Cpu.Ours * perDelivery, "µs",
            $"bench + silos + postgres + redis (other work on the machine left out): bench process {r.Cpu.Bench * perDelivery:0} µs, " +
            $"silo processes {r.Cpu.Silos * perDelivery:0} µs, postgres {r.Cpu.Postgres * perDelivery:0} µs, redis {r.Cpu.Redis * perDelivery:0} µs");
    }
}
