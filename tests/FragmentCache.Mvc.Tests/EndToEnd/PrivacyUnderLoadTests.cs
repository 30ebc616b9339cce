using System.Text.RegularExpressions;
using FragmentCache.Mvc.Tests.Infrastructure;
using FragmentCache.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace FragmentCache.Mvc.Tests.EndToEnd;

/// <summary>
/// 50 users signed in at once, on two hosts sharing one real memcached: a vary-by-user fragment is never
/// served to anyone but the user it was rendered for, and anonymous visitors never get a signed-in user's copy.
/// </summary>
public sealed partial class PrivacyUnderLoadTests
{
    [Fact]
    public async Task VaryByUserFragment_50ConcurrentUsersOnTwoHosts_NeverCrossUsers()
    {
        await using var memcached = await MemcachedProcess.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        var time = new FakeTimeProvider(TestAppFactory.Start);
        // Real clock: a request waiting for another host's render polls on the clock, which a frozen fake clock never moves.
        await using var one = new TestAppFactory("127.0.0.1:" + memcached.Port, time, realClock: true);
        await using var two = new TestAppFactory("127.0.0.1:" + memcached.Port, time, realClock: true);
        var clients = new[] { one.CreateClient(), two.CreateClient() };

        var requests = Enumerable.Range(0, 400).Select(i => Task.Run(async () =>
        {
            int user = i % 51; // user 50 is anonymous
            var headers = user == 50 ? [] : new[] { ("X-Test-User", "id-" + user), ("X-Test-Name", "user" + user) };
            var (_, body) = await clients[i % 2].SendAsync("/Fragments/Vary", headers);
            return (user, body);
        })).ToArray();

        foreach (var (user, body) in await Task.WhenAll(requests))
        {
            var shown = UserFragment().Match(body);
            Assert.True(shown.Success, body);
            Assert.Equal(user == 50 ? "" : "user" + user, shown.Groups[1].Value);
        }
    }

    [GeneratedRegex(@"\[user:([^:\]]*):")]
    private static partial Regex UserFragment();
}
