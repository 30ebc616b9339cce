using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace FragmentCache;

/// <summary>
/// One piece of work per key in this process (Go's <c>singleflight</c>): the first caller leads and runs the work,
/// callers arriving meanwhile join and get its result or its exception.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>The leader's work gets its <see cref="Flight{TValue}"/> and may answer the joiners early (a stale copy served
/// while the leader alone re-renders); the leader's own result answers them when the work ends, unless already given.</item>
/// <item>A joiner whose leader was cancelled (its client went away) while the joiner was not starts again, leading or
/// joining the next flight.</item>
/// <item>The leader's exception is observed even when nobody joined, so it never surfaces as an unobserved task exception.</item>
/// <item>A flight nobody joins allocates no task: the joiners' task is made by the first joiner.</item>
/// </list>
/// </remarks>
internal sealed class SingleFlight<TKey, TValue>(IEqualityComparer<TKey>? comparer = null)
    where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, Flight<TValue>> _flights = new(comparer);

    /// <summary>Runs <paramref name="work"/> for <paramref name="key"/>, or joins the flight already running it.</summary>
    /// <returns>The value, and whether this caller joined another's flight (its work did not run).</returns>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<(TValue Value, bool Joined)> RunAsync<TState>(
        TKey key, TState state, Func<TState, Flight<TValue>, CancellationToken, ValueTask<TValue>> work, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_flights.TryGetValue(key, out var running))
            {
                try
                {
                    return (await running.Join().WaitAsync(cancellationToken).ConfigureAwait(false), true);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    // The leader was cancelled, not this caller: try again (possibly leading now).
                    continue;
                }
            }

            var flight = new Flight<TValue>();
            if (!_flights.TryAdd(key, flight))
            {
                continue;
            }

            try
            {
                var value = await work(state, flight, cancellationToken).ConfigureAwait(false);
                flight.TrySetResult(value);
                return (value, false);
            }
            catch (Exception ex)
            {
                flight.TrySetException(ex);
                throw;
            }
            finally
            {
                _flights.TryRemove(new KeyValuePair<TKey, Flight<TValue>>(key, flight));
            }
        }
    }
}

/// <summary>One running <see cref="SingleFlight{TKey, TValue}"/> work: what its joiners wait for.</summary>
internal sealed class Flight<TValue>
{
    private TaskCompletionSource<TValue>? _joiners;
    private bool _done;
    private TValue? _value;
    private Exception? _error;

    /// <summary>Answers the joiners, present and future, with <paramref name="value"/>; false when they were answered already.</summary>
    public bool TrySetResult(TValue value)
    {
        TaskCompletionSource<TValue>? joiners;
        lock (this)
        {
            if (_done)
            {
                return false;
            }

            _done = true;
            _value = value;
            joiners = _joiners;
        }

        joiners?.TrySetResult(value);
        return true;
    }

    /// <summary>Answers the joiners with <paramref name="exception"/>, unless they were answered already.</summary>
    public void TrySetException(Exception exception)
    {
        TaskCompletionSource<TValue>? joiners;
        lock (this)
        {
            if (_done)
            {
                return;
            }

            _done = true;
            _error = exception;
            joiners = _joiners;
        }

        if (joiners is not null && joiners.TrySetException(exception))
        {
            _ = joiners.Task.Exception; // observed: the joiners may be gone
        }
    }

    /// <summary>What a joiner waits for: the flight's answer (made on the first join).</summary>
    public Task<TValue> Join()
    {
        lock (this)
        {
            if (_done)
            {
                return _error is null ? Task.FromResult(_value!) : Task.FromException<TValue>(_error);
            }

            return (_joiners ??= new TaskCompletionSource<TValue>(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        }
    }
}
