using System.Text.RegularExpressions;

namespace FragmentCache.Mvc.Tests.Infrastructure;

internal static partial class HttpHelpers
{
    public static async Task<(HttpResponseMessage Response, string Body)> SendAsync(this HttpClient client, string url, params (string Name, string Value)[] headers)
        => await client.SendAsync(HttpMethod.Get, url, headers);

    public static async Task<(HttpResponseMessage Response, string Body)> SendAsync(this HttpClient client, HttpMethod method, string url, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(method, url);
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return (response, body);
    }

    /// <summary>The render count a fragment printed as <c>[label:n]</c>.</summary>
    public static int Count(string body, string label)
    {
        var match = Regex.Match(body, @"\[" + Regex.Escape(label) + @":(?:[^:\]]*:)?(\d+)\]");
        Assert.True(match.Success, $"no [{label}:n] in: {body}");
        return int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    public static string? Header(this HttpResponseMessage response, string name)
        => response.Headers.TryGetValues(name, out var values) ? string.Join(",", values)
            : response.Content.Headers.TryGetValues(name, out var content) ? string.Join(",", content) : null;
}
