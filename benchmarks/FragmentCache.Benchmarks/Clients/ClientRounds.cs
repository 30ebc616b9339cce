using System.Globalization;
using System.Net;
using FragmentCache.Benchmarks.Raw;

namespace FragmentCache.Benchmarks.Clients;

/// <summary>
/// <c>--rounds N</c>: each client scenario next to its raw loop, N times, the order alternating (raw first in odd rounds,
/// client first in even ones), so a load that comes and goes on a shared machine hits both sides of a ratio alike.
/// Prints every round's ratio and the median, lowest and highest per scenario.
/// </summary>
internal static class ClientRounds
{
    public static async Task RunAsync(string serverAddress, IPEndPoint serverEndPoint, int rounds, TimeSpan duration, TimeSpan warmup, TextWriter output, CancellationToken cancellationToken)
    {
        var ratios = ClientScenarios.All.ToDictionary(s => s, _ => new List<double>());
        for (int round = 1; round <= rounds && !cancellationToken.IsCancellationRequested; round++)
        {
            foreach (var scenario in ClientScenarios.All)
            {
                double raw = 0, client = 0;
                for (int side = 0; side < 2; side++)
                {
                    bool rawNow = (side == 0) == (round % 2 == 1);
                    if (rawNow)
                    {
                        output.Write($"round {round}: {RawLoops.Describe(scenario.Baseline)} ...");
                        raw = (await RawLoops.RunAsync(scenario.Baseline, serverEndPoint, Program.KeyCount, Program.ValueSize, warmup, duration, cancellationToken)).Rate;
                        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $" {raw:N0}/s"));
                    }
                    else
                    {
                        output.Write($"round {round}: {scenario.Name} ...");
                        var result = await scenario.RunAsync(serverAddress, duration, cancellationToken);
                        client = result.Keys / result.Elapsed.TotalSeconds;
                        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $" {client:N0}/s"));
                    }
                }

                double ratio = raw > 0 ? client / raw : 0;
                ratios[scenario].Add(ratio);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"round {round}: {scenario.Name} / {RawLoops.Describe(scenario.Baseline)} = {ratio:0.00}x; load average {Program.LoadAverage()}"));
            }
        }

        output.WriteLine();
        output.WriteLine($"| scenario | vs raw loop | median | lowest | highest | rounds |");
        output.WriteLine("|---|---|---:|---:|---:|---|");
        foreach (var (scenario, list) in ratios)
        {
            var sorted = list.Order().ToList();
            if (sorted.Count == 0)
            {
                continue;
            }

            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {scenario.Name} | {RawLoops.Describe(scenario.Baseline)} | {sorted[sorted.Count / 2]:0.00}x | {sorted[0]:0.00}x | {sorted[^1]:0.00}x | {string.Join(' ', list.Select(r => r.ToString("0.00", CultureInfo.InvariantCulture)))} |"));
        }
    }
}
