namespace FragmentCache;

/// <summary>
/// Runs background refreshes off the request that started them: on the thread pool, without its execution context, and
/// with a token cancelled only by <see cref="Stop"/> (the owning cache's disposal at shutdown), never by the request's.
/// </summary>
internal sealed class BackgroundRefreshes
{
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>
    /// Starts <paramref name="refresh"/> in the background and returns at once. The refresh reports its own failures;
    /// whatever it still throws is dropped here. After <see cref="Stop"/>, nothing starts and false is returned.
    /// </summary>
    public bool TryStart(Func<CancellationToken, Task> refresh)
    {
        CancellationToken stopping;
        try
        {
            stopping = _stopping.Token;
        }
        catch (ObjectDisposedException)
        {
            return false;
        }

        if (stopping.IsCancellationRequested)
        {
            return false;
        }

        using (ExecutionContext.SuppressFlow())
        {
            _ = Task.Run(() => RunAsync(refresh, stopping), CancellationToken.None);
        }

        return true;
    }

    /// <summary>Cancels the refreshes still running.</summary>
    public void Stop()
    {
        try
        {
            _stopping.Cancel();
            _stopping.Dispose();
        }
        catch (ObjectDisposedException)
        {
            // Stopped already.
        }
    }

    private static async Task RunAsync(Func<CancellationToken, Task> refresh, CancellationToken stopping)
    {
        try
        {
            await refresh(stopping).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Logged and counted by the refresh itself (or a cancellation at shutdown): nobody waits for it.
        }
    }
}
