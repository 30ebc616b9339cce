namespace FragmentCache.Tests.Core;

/// <summary>A renderer that counts its calls and can be held on a gate.</summary>
internal sealed class RenderCounter(string output = "<p>fragment</p>")
{
    private int _calls;
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Calls => Volatile.Read(ref _calls);

    public TaskCompletionSource? Gate { get; init; }

    public Exception? Throw { get; set; }

    public string Output { get; set; } = output;

    public Task Started => _started.Task;

    public async ValueTask<string> RenderAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        _started.TrySetResult();
        if (Gate is not null)
        {
            await Gate.Task.WaitAsync(cancellationToken);
        }

        return Throw is { } error ? throw error : Output;
    }
}
