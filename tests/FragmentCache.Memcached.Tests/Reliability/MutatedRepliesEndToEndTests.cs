using System.Diagnostics;
using System.Globalization;
using FragmentCache.Memcached;
using FragmentCache.Tests.Infrastructure;

namespace FragmentCache.Tests.Reliability;

/// <summary>
/// The client's real requests answered with mutated replies (<see cref="MutatingMemcached"/>): it never returns a
/// value for the wrong key, never hangs past its operation timeout, never throws (ThrowOnError is off), and
/// recovers once the replies are honest again. Every stored value names its key (<c>value-of-{key}|...</c>).
/// </summary>
public sealed class MutatedRepliesEndToEndTests
{
    private const int Keys = 24;
    private const int Workers = 6;
    private const int OperationsPerWorker = 80;
    private const int MaxOperationsPerWorker = 1500;
    private const int TargetMutations = 40;
    private static readonly TimeSpan OperationTimeout = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromMilliseconds(500);

    // The longest a single call may take: its own timeout, one reconnect, and scheduling on a loaded machine.
    private static readonly TimeSpan CallBound = OperationTimeout + ConnectTimeout + TimeSpan.FromSeconds(2);
    private static readonly TimeSpan FuzzBudget = TimeSpan.FromSeconds(12);

    private static int Seed =>
        int.TryParse(Environment.GetEnvironmentVariable("FRAGMENTCACHE_FUZZ_SEED"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed)
            ? seed
            : 7_2026;

    private static string Key(int i) => "k" + i.ToString("00", CultureInfo.InvariantCulture);

    private static string ValueOf(string key, int version) => $"value-of-{key}|{version}|" + new string('x', version % 40);

    private static bool NamesKey(string key, string? value) => value is null || value.StartsWith($"value-of-{key}|", StringComparison.Ordinal);

    [Fact]
    public async Task GetSetGetMany_MutatedReplies_NeverWrongKeyNeverHangsAndRecovers()
    {
        int seed = Seed;
        await using var server = new MutatingMemcached(seed);
        var options = new MemcachedClientOptions
        {
            OperationTimeout = OperationTimeout,
            ConnectTimeout = ConnectTimeout,
            BreakDuration = TimeSpan.FromMilliseconds(50),
            MaxBreakDuration = TimeSpan.FromMilliseconds(200),
            ConnectionsPerServer = 2,
        };
        options.Servers.Add(server.Address);
        await using var client = new MemcachedClient(options);
        for (int i = 0; i < Keys; i++)
        {
            Assert.True(await client.SetAsync(Key(i), ValueOf(Key(i), 0)), $"seed {seed}: honest set of {Key(i)} failed");
        }

        server.Mutating = true;
        var clock = Stopwatch.StartNew();
        var results = await Task.WhenAll(Enumerable.Range(0, Workers).Select(w => Task.Run(() => WorkAsync(client, server, seed, w, clock))));
        server.Mutating = false;

        var wrong = results.SelectMany(r => r.Wrong).ToList();
        var slow = results.SelectMany(r => r.Slow).ToList();
        Assert.True(wrong.Count == 0, $"seed {seed}: values for the wrong key: {string.Join("; ", wrong.Take(5))}");
        Assert.True(slow.Count == 0, $"seed {seed}: calls past {CallBound.TotalMilliseconds} ms: {string.Join("; ", slow.Take(5))}");
        Assert.True(server.Mutations > 20, $"seed {seed}: only {server.Mutations} mutations");
        Assert.True(results.Sum(r => r.Hits) > 50, $"seed {seed}: only {results.Sum(r => r.Hits)} correct hits while mutating");

        // Honest replies again: every key reads back (with its own value) within a few breaker periods.
        var recovery = Stopwatch.StartNew();
        var missing = Enumerable.Range(0, Keys).Select(Key).ToHashSet();
        while (missing.Count > 0 && recovery.Elapsed < TimeSpan.FromSeconds(10))
        {
            foreach (var key in missing.ToArray())
            {
                var value = await client.GetAsync<string>(key);
                Assert.True(NamesKey(key, value), $"seed {seed}: after recovery {key} returned '{value}'");
                if (value is not null)
                {
                    missing.Remove(key);
                }
            }

            await Task.Delay(20);
        }

        Assert.True(missing.Count == 0, $"seed {seed}: not recovered after {recovery.Elapsed}: {string.Join(", ", missing)}");
        Assert.Empty(server.Errors);
    }

    [Fact]
    public async Task GetManyAsync_HitTaggedWithAnotherKeysIndex_NeverReturnedForThatKey()
    {
        // "a" is a miss (a quiet get says nothing); the hit for "b" arrives tagged O0 - one corrupted digit.
        await using var server = new FakeServer(FakeServer.Answering("mg b ", "VA 12 f2147483649 kb O0\r\nvalue-of-b|1\r\n"));
        var options = new MemcachedClientOptions { OperationTimeout = OperationTimeout, ConnectTimeout = ConnectTimeout };
        options.Servers.Add(server.Address);
        await using var client = new MemcachedClient(options);

        var found = await client.GetManyAsync<string>(["a", "b"]).WaitAsync(CallBound, TestContext.Current.CancellationToken);

        Assert.True(!found.TryGetValue("a", out var value) || NamesKey("a", value), $"'a' was given '{value}'");
    }

    [Fact]
    public async Task GetAsync_LostReplyThenAnotherKeysValueWithItsOpaque_NeverReturnedForThatKey()
    {
        // The reply to "mg a" is lost; the hit for "b" arrives carrying a's opaque (one corrupted digit). The opaque
        // matches the oldest waiter, so only the echoed key can tell that this value is b's, not a's.
        await using var server = new FakeServer(async (stream, token) =>
        {
            string? opaqueOfA = null;
            while (await FakeServer.ReadLineAsync(stream, token) is { } line)
            {
                var opaque = line.Split(' ').FirstOrDefault(t => t.StartsWith('O'));
                if (line == "mn")
                {
                    await FakeServer.WriteAsync(stream, "MN\r\n", token); // the connect check
                }
                else if (line.StartsWith("mg a ", StringComparison.Ordinal))
                {
                    opaqueOfA = opaque;
                }
                else if (line.StartsWith("mg b ", StringComparison.Ordinal) && opaqueOfA is not null)
                {
                    await FakeServer.WriteAsync(stream, $"VA 12 f2147483649 kb {opaqueOfA}\r\nvalue-of-b|1\r\n", token);
                }
                else if (line.StartsWith("mg ", StringComparison.Ordinal))
                {
                    await FakeServer.WriteAsync(stream, $"EN {opaque}\r\n", token);
                }
            }
        });
        var options = new MemcachedClientOptions { OperationTimeout = OperationTimeout, ConnectTimeout = ConnectTimeout, ConnectionsPerServer = 1 };
        options.Servers.Add(server.Address);
        await using var client = new MemcachedClient(options);
        Assert.Null(await client.GetAsync<string>("warm-up"));

        var a = client.GetAsync<string>("a").AsTask();
        var b = client.GetAsync<string>("b").AsTask();
        var valueOfA = await a.WaitAsync(CallBound, TestContext.Current.CancellationToken);
        var valueOfB = await b.WaitAsync(CallBound, TestContext.Current.CancellationToken);

        Assert.True(NamesKey("a", valueOfA), $"'a' was given '{valueOfA}'");
        Assert.True(NamesKey("b", valueOfB), $"'b' was given '{valueOfB}'");
    }

    private static async Task<WorkerResult> WorkAsync(MemcachedClient client, MutatingMemcached server, int seed, int worker, Stopwatch clock)
    {
        var random = new Random(seed * 31 + worker);
        var result = new WorkerResult();
        // At least OperationsPerWorker calls, and more (bounded) until the server has mutated enough replies:
        // while the breaker is open calls fail fast without reaching it.
        for (int n = 0; n < MaxOperationsPerWorker && clock.Elapsed < FuzzBudget
            && (n < OperationsPerWorker || server.Mutations < TargetMutations); n++)
        {
            if (n >= OperationsPerWorker)
            {
                await Task.Delay(2);
            }

            string key = Key(random.Next(Keys));
            var started = Stopwatch.StartNew();
            int kind = random.Next(10);
            string what;
            try
            {
                if (kind < 6)
                {
                    what = "get " + key;
                    var value = await client.GetAsync<string>(key).AsTask().WaitAsync(CallBound);
                    Check(result, key, value, what);
                }
                else if (kind < 8)
                {
                    var keys = Enumerable.Range(0, 5).Select(_ => Key(random.Next(Keys))).Append("absent-" + worker).Distinct().ToList();
                    what = "get-many " + string.Join(",", keys);
                    var found = await client.GetManyAsync<string>(keys).WaitAsync(CallBound);
                    foreach (var (foundKey, value) in found)
                    {
                        if (!keys.Contains(foundKey))
                        {
                            result.Wrong.Add($"{what}: returned unrequested key {foundKey}");
                        }

                        Check(result, foundKey, value, what);
                    }
                }
                else
                {
                    // Each worker writes only its own keys' versions; the value still names the key.
                    what = "set " + key;
                    await client.SetAsync(key, ValueOf(key, worker * 1000 + n)).AsTask().WaitAsync(CallBound);
                }
            }
            catch (TimeoutException)
            {
                result.Slow.Add($"op {n} of worker {worker} did not finish within {CallBound.TotalMilliseconds} ms");
                continue;
            }

            if (started.Elapsed > CallBound)
            {
                result.Slow.Add($"{what} took {started.Elapsed.TotalMilliseconds:0} ms");
            }
        }

        return result;
    }

    private static void Check(WorkerResult result, string key, string? value, string what)
    {
        if (!NamesKey(key, value))
        {
            result.Wrong.Add($"{what}: {key} -> '{value}'");
        }
        else if (value is not null)
        {
            result.Hits++;
        }
    }

    private sealed class WorkerResult
    {
        public List<string> Wrong { get; } = [];

        public List<string> Slow { get; } = [];

        public int Hits { get; set; }
    }
}
