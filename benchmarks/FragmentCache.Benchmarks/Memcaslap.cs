using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace FragmentCache.Benchmarks;

/// <summary>Runs Debian's <c>memcaslap</c> (libmemcached-tools) as a child process and parses its final TPS.</summary>
internal static partial class Memcaslap
{
    public const string ExecutablePath = "/usr/bin/memcaslap";

    /// <summary>memcaslap has been seen to hang right after a server restart: give it this much beyond its run time.</summary>
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(20);

    public static string Arguments(string address, TimeSpan duration) =>
        $"-s {address} -T 2 -c 16 -t {(int)Math.Ceiling(duration.TotalSeconds)}s -X 1024";

    public static async Task<(Measurement? Result, string Note)> RunAsync(string address, TimeSpan duration, CancellationToken cancellationToken)
    {
        if (!File.Exists(ExecutablePath))
        {
            return (null, "memcaslap missing: sudo apt-get install -y libmemcached-tools");
        }

        var startInfo = new ProcessStartInfo(ExecutablePath, Arguments(address, duration))
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException("memcaslap did not start");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(duration + Grace);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            return (null, $"memcaslap did not finish within {(duration + Grace).TotalSeconds} s (killed)");
        }

        var output = new StringBuilder().Append(await stdout).Append(await stderr).ToString();
        var matches = TpsPattern().Matches(output);
        if (matches.Count == 0)
        {
            return (null, "no TPS in memcaslap output: " + output.Trim());
        }

        var tps = double.Parse(matches[^1].Groups[1].Value, CultureInfo.InvariantCulture);
        return (new Measurement("memcaslap -T 2 -c 16 (90% get / 10% set)", "ops/s", tps, null, null), "");
    }

    [GeneratedRegex(@"TPS:\s*(\d+)")]
    private static partial Regex TpsPattern();
}
