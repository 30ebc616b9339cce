namespace FragmentCache.Mvc.TestApp.Services;

/// <summary>Holds slow actions until a test releases them.</summary>
public sealed class PageGate
{
    /// <summary>Completed by the test to let held actions finish.</summary>
    public TaskCompletionSource Release { get; set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
