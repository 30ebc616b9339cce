using System.Globalization;
using System.Text;

namespace FragmentCache.Benchmarks;

/// <summary>Prints every figure with its ratio to a baseline measured in the same run.</summary>
internal static class ResultsTable
{
    /// <param name="rows">Each measurement with the raw loop it is compared with (null for the raw loops themselves).</param>
    /// <param name="memcaslap">memcaslap's result, if it ran.</param>
    public static string Format(IReadOnlyList<(Measurement Row, Measurement? Raw)> rows, Measurement? memcaslap)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"| {"scenario",-46} | {"rate",16} | {"p50 us",8} | {"p99 us",8} | {"vs raw",7} | {"vs memcaslap",12} |");
        text.AppendLine(CultureInfo.InvariantCulture, $"|{new string('-', 48)}|{new string('-', 18)}|{new string('-', 10)}|{new string('-', 10)}|{new string('-', 9)}|{new string('-', 14)}|");
        foreach (var (row, raw) in rows)
        {
            var rate = string.Create(CultureInfo.InvariantCulture, $"{row.Rate,8:N0} {row.Unit}");
            var vsRaw = raw is null ? "" : Ratio(row.Rate, raw.Rate);
            var vsMemcaslap = memcaslap is null || ReferenceEquals(row, memcaslap) ? "" : Ratio(row.Rate, memcaslap.Rate);
            text.AppendLine(CultureInfo.InvariantCulture, $"| {row.Name,-46} | {rate,16} | {Micros(row.P50Microseconds),8} | {Micros(row.P99Microseconds),8} | {vsRaw,7} | {vsMemcaslap,12} |");
        }

        return text.ToString();
    }

    private static string Ratio(double value, double baseline) =>
        baseline > 0 ? string.Create(CultureInfo.InvariantCulture, $"{value / baseline:0.00}x") : "-";

    private static string Micros(double? value) =>
        value is { } v ? v.ToString("0.0", CultureInfo.InvariantCulture) : "";
}
