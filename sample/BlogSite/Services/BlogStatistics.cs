using BlogSite.Data;
using FragmentCache;
using Microsoft.EntityFrameworkCore;

namespace BlogSite.Services;

/// <summary>
/// Totals over every published post, computed by reading every body: the low-level API
/// (<see cref="ICache.GetOrSetAsync{T}(string, Func{CancellationToken, ValueTask{T}}, TimeSpan?, CancellationToken)"/>, Django's <c>cache.get_or_set</c>) keeps the result for ten minutes,
/// and a save forgets it.
/// </summary>
public sealed class BlogStatistics(ICache cache, IServiceScopeFactory scopes)
{
    /// <summary>The low-level cache key.</summary>
    public const string Key = "blog:totals";

    private int _computations;

    /// <summary>How many times the totals were computed in this process.</summary>
    public int Computations => Volatile.Read(ref _computations);

    /// <summary>The cached totals, computed on a miss.</summary>
    public ValueTask<BlogTotals> GetAsync(CancellationToken cancellationToken = default) =>
        cache.GetOrSetAsync(Key, ComputeAsync, TimeSpan.FromMinutes(10), cancellationToken);

    /// <summary>Drops the cached totals (on every node).</summary>
    public async ValueTask ForgetAsync(CancellationToken cancellationToken = default) => await cache.DeleteAsync(Key, cancellationToken);

    private async ValueTask<BlogTotals> ComputeAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _computations);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BlogDbContext>();
        var bodies = await db.Posts.Where(p => p.PublishedAt != null).Select(p => p.Body).ToListAsync(cancellationToken);
        var words = 0L;
        foreach (var body in bodies)
        {
            words += body.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
        }

        var comments = await db.Comments.CountAsync(cancellationToken);
        return new BlogTotals(bodies.Count, words, comments);
    }
}

/// <summary>Totals over the published posts.</summary>
/// <param name="Posts">Published posts.</param>
/// <param name="Words">Words in their bodies.</param>
/// <param name="Comments">Comments.</param>
public sealed record BlogTotals(int Posts, long Words, int Comments);
