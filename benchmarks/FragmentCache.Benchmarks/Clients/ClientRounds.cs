using System.Globalization;
using System.Net;
using FragmentCache.Benchmarks.Raw;

namespace FragmentCache.Benchmarks.Clients;

/// <summary>
/// <c>--rounds N</c>: each client scenario next to its raw loop and, where it has one, its ceiling (the raw loop with the
/// scenario's caller shape: <see cref="CeilingLoops"/>), N times, the order rotating from round to round, so a load that
/// comes and goes on a shared machine hits every side of a ratio alike. Prints every round's ratios and the median,
/// lowest and highest of client/raw, client/ceiling and ceiling/raw per scenario, and the medians of the per-get
/// counters (CPU, thread-pool work items, wake-ups, writes, reads) of each side.
/// </summary>
internal static class ClientRounds
{
    public static async Task RunAsync(string serverAddress, IPEndPoint serverEndPoint, int rounds, TimeSpan duration, TimeSpan warmup,
        string? only, bool clientWire, TextWriter output, CancellationToken cancellationToken)
    {
        var scenarios = ClientScenarios.All.Where(s => only is null || s.Name.Contains(only, StringComparison.OrdinalIgnoreCase)).ToList();
        var results = scenarios.ToDictionary(s => s, s => Sides(s, clientWire).ToDictionary(side => side.Name, _ => new List<Measurement>()));
        for (int round = 1; round <= rounds && !cancellationToken.IsCancellationRequested; round++)
        {
            foreach (var scenario in scenarios)
            {
                var sides = Sides(scenario, clientWire);
                var rates = new Dictionary<string, double>();
                for (int i = 0; i < sides.Count; i++)
                {
                    var side = sides[(i + round - 1) % sides.Count];
                    output.Write($"round {round}: {side.Name} ...");
                    var measurement = await side.Run(serverAddress, serverEndPoint, warmup, duration, cancellationToken);
                    rates[side.Name] = measurement.Rate;
                    results[scenario][side.Name].Add(measurement);
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture, $" {measurement.Rate:N0}/s"));
                }

                var line = string.Join("; ", Ratios(scenario, sides).Select(r => string.Create(CultureInfo.InvariantCulture,
                    $"{r.Label} = {rates[r.Numerator] / rates[r.Denominator]:0.00}x")));
                output.WriteLine($"round {round}: {scenario.Name}: {line}; load average {Program.LoadAverage()}");
            }
        }

        output.WriteLine();
        output.WriteLine("| scenario | ratio | median | lowest | highest | rounds |");
        output.WriteLine("|---|---|---:|---:|---:|---|");
        foreach (var scenario in scenarios)
        {
            var sides = Sides(scenario, clientWire);
            var measured = results[scenario];
            foreach (var (label, numerator, denominator) in Ratios(scenario, sides))
            {
                var list = measured[numerator].Zip(measured[denominator], (a, b) => b.Rate > 0 ? a.Rate / b.Rate : 0).ToList();
                if (list.Count == 0)
                {
                    continue;
                }

                var sorted = list.Order().ToList();
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {scenario.Name} | {label} | {Median(sorted):0.00}x | {sorted[0]:0.00}x | {sorted[^1]:0.00}x | {string.Join(' ', list.Select(r => r.ToString("0.00", CultureInfo.InvariantCulture)))} |"));
            }
        }

        output.WriteLine();
        output.WriteLine("Per get (per get-many call for get-many), medians of the rounds (lowest-highest):");
        output.WriteLine("| side | rate | p50 us | CPU us | thread-pool work items | wake-ups | writes | reads |");
        output.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var scenario in scenarios)
        {
            foreach (var (name, list) in results[scenario])
            {
                if (list.Count == 0)
                {
                    continue;
                }

                var counters = list.Where(m => m.Counters is not null).Select(m => m.Counters!.Value).ToList();
                string Figure(Func<OperationCounters, double> pick, string format) => counters.Count == 0 ? "" : Spread(counters.Select(pick).ToList(), format);
                var p50 = list.Where(m => m.P50Microseconds is not null).Select(m => m.P50Microseconds!.Value).ToList();
                output.WriteLine($"| {name} | {Spread(list.Select(m => m.Rate).ToList(), "N0")}/s | {(p50.Count == 0 ? "" : Spread(p50, "0.0"))} | " +
                    $"{Figure(c => c.CpuMicroseconds, "0.00")} | {Figure(c => c.WorkItems, "0.000")} | {Figure(c => c.WakeUps, "0.000")} | " +
                    $"{Figure(c => c.Writes, "0.000")} | {Figure(c => c.Reads, "0.000")} |");
            }
        }
    }

    private sealed record Side(string Name, Func<string, IPEndPoint, TimeSpan, TimeSpan, CancellationToken, Task<Measurement>> Run);

    /// <summary>The raw loop, the ceiling(s) and the client, in the order of round 1.</summary>
    private static List<Side> Sides(IClientScenario scenario, bool clientWire)
    {
        var sides = new List<Side>
        {
            new(RawLoops.Describe(scenario.Baseline), (_, endPoint, warmup, duration, token) =>
                RawLoops.RunAsync(scenario.Baseline, endPoint, Program.KeyCount, Program.ValueSize, warmup, duration, token)),
        };
        if (scenario.RawCeiling is { } rawCeiling)
        {
            sides.Add(new(RawLoops.Describe(rawCeiling), (_, endPoint, warmup, duration, token) =>
                RawLoops.RunAsync(rawCeiling, endPoint, Program.KeyCount, Program.ValueSize, warmup, duration, token)));
        }

        if (scenario.Ceiling is { } ceiling)
        {
            sides.Add(new(ceiling.Describe(), (_, endPoint, warmup, duration, token) =>
                CeilingLoops.RunAsync(ceiling, endPoint, Program.KeyCount, Program.ValueSize, warmup, duration, token)));
            if (clientWire)
            {
                var wire = ceiling with { ClientWire = true };
                sides.Add(new(wire.Describe(), (_, endPoint, warmup, duration, token) =>
                    CeilingLoops.RunAsync(wire, endPoint, Program.KeyCount, Program.ValueSize, warmup, duration, token)));
            }
        }

        sides.Add(new(scenario.Name, async (address, _, _, duration, token) =>
        {
            var result = await scenario.RunAsync(address, duration, token);
            return new Measurement(scenario.Name, result.Keys == result.Operations ? "ops/s" : "keys/s", result.Keys / result.Elapsed.TotalSeconds,
                result.P50Microseconds, result.P99Microseconds) { Counters = result.Counters };
        }));
        return sides;
    }

    /// <summary>client/raw, and where a ceiling ran: client/ceiling and ceiling/raw (and the same for the client's-request ceiling).</summary>
    private static List<(string Label, string Numerator, string Denominator)> Ratios(IClientScenario scenario, List<Side> sides)
    {
        var raw = sides[0].Name;
        var client = sides[^1].Name;
        var ratios = new List<(string, string, string)> { ("client/raw", client, raw) };
        var ceilings = sides.Skip(1).Take(sides.Count - 2).Select(s => s.Name).ToList();
        for (int i = 0; i < ceilings.Count; i++)
        {
            var label = i == 0 ? "ceiling" : "wire ceiling";
            ratios.Add(($"client/{label}", client, ceilings[i]));
            ratios.Add(($"{label}/raw", ceilings[i], raw));
        }

        return ratios;
    }

    private static double Median(List<double> sorted) =>
        sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;

    private static string Spread(List<double> values, string format)
    {
        var sorted = values.Order().ToList();
        return string.Create(CultureInfo.InvariantCulture, $"{Median(sorted).ToString(format, CultureInfo.InvariantCulture)} ({sorted[0].ToString(format, CultureInfo.InvariantCulture)}-{sorted[^1].ToString(format, CultureInfo.InvariantCulture)})");
    }
}
