using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace FragmentCache;

/// <summary>
/// One piece of work per key in this process (Go's <c>singleflight</c>): the first caller leads and runs the work,
/// callers arriving meanwhile join and get its result or its exception.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>The leader's work gets the flight's completion source and may answer the joiners early (a stale copy served
/// while the leader alone re-renders); the leader's own result is set when the work ends, unless already set.</item>
/// <item>A joiner whose leader was cancelled (its client went away) while the joiner was not starts again, leading or
/// joining the next flight.</item>
/// <item>The leader's exception is observed even when nobody joined, so it never surfaces as an unobserved task exception.</item>
/// </list>
/// </remarks>
internal sealed class SingleFlight<TKey, TValue>(IEqualityComparer<TKey>? comparer = null)
    where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, Task<TValue>> _flights = new(comparer);

    /// <summary>Runs <paramref name="work"/> for <paramref name="key"/>, or joins the flight already running it.</summary>
    /// <returns>The value, and whether this caller joined another's flight (its work did not run).</returns>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<(TValue Value, bool Joined)> RunAsync<TState>(
        TKey key, TState state, Func<TState, TaskCompletionSource<TValue>, CancellationToken, ValueTask<TValue>> work, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_flights.TryGetValue(key, out var running))
            {
                try
                {
                    return (await running.WaitAsync(cancellationToken).ConfigureAwait(false), true);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    // The leader was cancelled, not this caller: try again (possibly leading now).
                    continue;
                }
            }

            var completion = new TaskCompletionSource<TValue>(TaskCreationOptions.RunContinuationsAsynchronously);
            if (!_flights.TryAdd(key, completion.Task))
            {
                continue;
            }

            try
            {
                var value = await work(state, completion, cancellationToken).ConfigureAwait(false);
                completion.TrySetResult(value);
                return (value, false);
            }
            catch (Exception ex)
            {
                if (completion.TrySetException(ex))
                {
                    _ = completion.Task.Exception; // observed: the joiners may be gone
                }

                throw;
            }
            finally
            {
                _flights.TryRemove(new KeyValuePair<TKey, Task<TValue>>(key, completion.Task));
            }
        }
    }
}
