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
/// <item>With <paramref name="sharing"/>, a value that holds a counted resource (pooled bytes) is handed out with one
/// reference per caller: the flight takes one for each joiner waiting when the value is set and one of its own, which it
/// gives back when it ends; a joiner arriving after that starts again.</item>
/// </list>
/// </remarks>
internal sealed class SingleFlight<TKey, TValue>(IEqualityComparer<TKey>? comparer = null, IFlightSharing<TValue>? sharing = null)
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
                    if (running.Join() is not { } joining)
                    {
                        // The flight has ended and holds nothing to share any more: start again.
                        continue;
                    }

                    var joined = await joining.WaitAsync(cancellationToken).ConfigureAwait(false);
                    return (sharing is null ? joined : sharing.Claim(joined), true);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    // The leader was cancelled, not this caller: try again (possibly leading now).
                    continue;
                }
                catch (OperationCanceledException)
                {
                    // This caller gave up waiting: it takes no reference, or gives back the one taken for it.
                    running.Leave();
                    throw;
                }
            }

            var flight = new Flight<TValue>(sharing);
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
                flight.Close();
            }
        }
    }
}

/// <summary>How a <see cref="SingleFlight{TKey, TValue}"/> shares a value whose holders each give back a reference.</summary>
internal interface IFlightSharing<TValue>
{
    /// <summary>Takes <paramref name="count"/> more references on what <paramref name="value"/> holds (none when it holds nothing).</summary>
    void AddReferences(TValue value, int count);

    /// <summary>Gives back one reference taken by <see cref="AddReferences"/> (the flight's own).</summary>
    void Release(TValue value);

    /// <summary>A value of a joiner's own, holding one reference taken for it by <see cref="AddReferences"/>.</summary>
    TValue Claim(TValue value);
}

/// <summary>One running <see cref="SingleFlight{TKey, TValue}"/> work: what its joiners wait for.</summary>
internal sealed class Flight<TValue>(IFlightSharing<TValue>? sharing = null)
{
    private TaskCompletionSource<TValue>? _joiners;
    private bool _done;
    private TValue? _value;
    private Exception? _error;

    // With sharing: the joiners waiting for the value (each gets a reference when it is set), and whether the flight
    // still holds its own reference (which later joiners take theirs from).
    private int _waiting;
    private bool _holding;

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
            if (sharing is not null)
            {
                // Before any joiner can see the value: one reference per waiting joiner, one for the flight.
                sharing.AddReferences(value, _waiting + 1);
                _holding = true;
            }
        }

        joiners?.TrySetResult(value);
        return true;
    }

    /// <summary>
    /// A joiner that waited gives up (its caller was cancelled): with sharing, no reference is taken for it, or the one
    /// taken for it when the value came is given back.
    /// </summary>
    public void Leave()
    {
        if (sharing is null)
        {
            return;
        }

        bool counted;
        TValue? value;
        lock (this)
        {
            counted = _done && _error is null;
            value = _value;
            if (!_done)
            {
                _waiting--;
            }
        }

        if (counted)
        {
            sharing.Release(value!);
        }
    }

    /// <summary>The flight has left its table: with sharing, its own reference on the value is given back.</summary>
    public void Close()
    {
        if (sharing is null)
        {
            return;
        }

        TValue? value;
        lock (this)
        {
            if (!_holding)
            {
                return;
            }

            _holding = false;
            value = _value;
        }

        sharing.Release(value!);
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

    /// <summary>
    /// What a joiner waits for: the flight's answer (made on the first join); null when, with sharing, the flight has
    /// ended and given its reference back (the caller starts again).
    /// </summary>
    public Task<TValue>? Join()
    {
        lock (this)
        {
            if (_done)
            {
                if (_error is not null)
                {
                    return Task.FromException<TValue>(_error);
                }

                if (sharing is not null)
                {
                    if (!_holding)
                    {
                        // Ended and gave its reference back: nothing to take one from. The caller starts again.
                        return null;
                    }

                    sharing.AddReferences(_value!, 1);
                }

                return Task.FromResult(_value!);
            }

            _waiting++;
            return (_joiners ??= new TaskCompletionSource<TValue>(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        }
    }
}
