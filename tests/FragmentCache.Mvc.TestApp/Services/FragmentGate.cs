namespace FragmentCache.Mvc.TestApp.Services;

/// <summary>Holds the renders of a fragment that passes through it until a test opens it again; open by default.</summary>
public sealed class FragmentGate
{
    private TaskCompletionSource? _held;
    private TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when a render reaches the gate while it is held.</summary>
    public Task Entered => Volatile.Read(ref _entered).Task;

    /// <summary>Holds every render that reaches the gate from now on.</summary>
    public void Hold()
    {
        Volatile.Write(ref _entered, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        Volatile.Write(ref _held, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
    }

    /// <summary>Lets the held renders, and every later one, through.</summary>
    public void Open() => Interlocked.Exchange(ref _held, null)?.TrySetResult();

    /// <summary>Called by a render: returns at once when open, else when <see cref="Open"/> is called. Writes nothing.</summary>
    public async Task<string> PassAsync()
    {
        if (Volatile.Read(ref _held) is { } held)
        {
            Volatile.Read(ref _entered).TrySetResult();
            await held.Task.ConfigureAwait(false);
        }

        return "";
    }
}
