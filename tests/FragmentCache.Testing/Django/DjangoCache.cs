using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FragmentCache.Tests.Infrastructure;

/// <summary>
/// Django's own cache (<c>PyMemcacheCache</c>, Debian's python3-django and python3-pymemcache) driven through
/// <c>django_cache.py</c>: one Python process per batch of operations, bounded by <see cref="Timeout"/>.
/// </summary>
public sealed class DjangoCache(string location, string keyPrefix, int version)
{
    /// <summary>Debian's Python, which has python3-django and python3-pymemcache (another python3 on the PATH may not).</summary>
    public const string PythonPath = "/usr/bin/python3";

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>Django <c>cache.set(key, value)</c> of a <c>str</c>.</summary>
    public static JsonObject Set(string key, string value) => Op("set", key, ("type", "str"), ("value", value));

    /// <summary>Django <c>cache.set(key, value)</c> of an <c>int</c>.</summary>
    public static JsonObject Set(string key, long value) => Op("set", key, ("type", "int"), ("value", value.ToString(CultureInfo.InvariantCulture)));

    /// <summary>Django <c>cache.set(key, value)</c> of <c>bytes</c>.</summary>
    public static JsonObject Set(string key, byte[] value) => Op("set", key, ("type", "bytes"), ("value", Convert.ToBase64String(value)));

    /// <summary>A Python dict: pickled by pymemcache (flags 1).</summary>
    public static JsonObject SetPickled(string key) => Op("set", key, ("type", "pickle"), ("value", "pickled"));

    /// <summary>Django <c>cache.get(key)</c>: the result has the Python type's name in <c>type</c> and the value in <c>value</c> (bytes base64, ints as text).</summary>
    public static JsonObject Get(string key) => Op("get", key);

    /// <summary>Django <c>cache.incr(key, delta)</c>, or <c>decr</c> for a negative delta: the result's <c>value</c> is the new number as text.</summary>
    public static JsonObject Incr(string key, long delta) => Op("incr", key, ("delta", delta));

    /// <summary>Django <c>cache.delete(key)</c>: the result's <c>deleted</c> says whether the key existed.</summary>
    public static JsonObject Delete(string key) => Op("delete", key);

    /// <summary>Django <c>cache.make_key(key)</c>: the result's <c>key</c> is the full key.</summary>
    public static JsonObject MakeKey(string key) => Op("make_key", key);

    /// <summary>A <c>cache_page(60)</c> view called twice through Django's test client: <c>bodies</c>, <c>calls</c> (view runs in this process) and <c>page_key</c>.</summary>
    public static JsonObject Page(string path) => new() { ["op"] = "page", ["path"] = path };

    /// <summary>Runs the operations in order in one Django process and returns one result each.</summary>
    public async Task<JsonElement[]> RunAsync(params JsonObject[] operations)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "Django", "django_cache.py");
        var start = new ProcessStartInfo(PythonPath)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { script, location, keyPrefix, version.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        using var process = Process.Start(start) ?? throw new InvalidOperationException("python3 did not start.");
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await process.StandardInput.WriteAsync(new JsonArray([.. operations]).ToJsonString().AsMemory(), timeout.Token);
            process.StandardInput.Close();
            var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var errors = process.StandardError.ReadToEndAsync(timeout.Token);
            await process.WaitForExitAsync(timeout.Token);
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"django_cache.py exited with {process.ExitCode}: {await errors}");
            }

            var results = JsonSerializer.Deserialize<JsonElement[]>(await output) ?? [];
            return results.Length == operations.Length
                ? results
                : throw new InvalidOperationException($"django_cache.py answered {results.Length} operations of {operations.Length}.");
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    private static JsonObject Op(string name, string key, params (string Name, JsonNode? Value)[] more)
    {
        var op = new JsonObject { ["op"] = name, ["key"] = key };
        foreach (var (field, value) in more)
        {
            op[field] = value;
        }

        return op;
    }
}
