using System.Buffers;
using System.Diagnostics;
using FragmentCache.Memcached.Connections;

namespace FragmentCache.Tests.Memcached;

/// <summary>
/// A completion batch resumes callers one after another on one thread; a continuation that does real work hands the
/// callers behind it to another work item.
/// </summary>
public sealed class CompletionBatchTests
{
    [ThreadStatic]
    private static bool t_insideExecute;

    [Fact]
    public async Task Execute_DeliversEveryOperationOnceAndReleasesItsFifoReference()
    {
        var operations = Enumerable.Range(0, 32).Select(_ => new RecordingOperation(TimeSpan.Zero)).ToArray();

        RunBatch(operations);

        foreach (var operation in operations)
        {
            Assert.True(await operation.Delivered.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
        }

        // Whether all 32 ran in this pass depends on the scheduler (a preempted pass splits): not asserted.
        Assert.True(operations[0].DeliveredInsideExecute);
        Assert.All(operations, o => Assert.Equal(1, o.Dequeued));
    }

    [Fact]
    public async Task Execute_AfterASlowContinuation_HandsTheRestToAnotherWorkItem()
    {
        var slow = new RecordingOperation(CompletionBatch.SplitAfter * 20);
        var behind = Enumerable.Range(0, 8).Select(_ => new RecordingOperation(TimeSpan.Zero)).ToArray();

        RunBatch([slow, .. behind]);

        foreach (var operation in behind)
        {
            Assert.True(await operation.Delivered.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
        }

        Assert.True(slow.DeliveredInsideExecute);
        // The callers behind the slow one were resumed by the follow-up work item, not by this pass.
        Assert.All(behind, o => Assert.False(o.DeliveredInsideExecute));
        Assert.All([slow, .. behind], o => Assert.Equal(1, o.Dequeued));
    }

    private static void RunBatch(IEnumerable<RecordingOperation> operations)
    {
        var batch = CompletionBatch.Rent(source: null);
        foreach (var operation in operations)
        {
            batch.Add(operation, releaseFifoReference: true);
        }

        t_insideExecute = true;
        try
        {
            batch.Execute();
        }
        finally
        {
            t_insideExecute = false;
        }
    }

    private sealed class RecordingOperation(TimeSpan work) : PendingOperation
    {
        private readonly TaskCompletionSource _delivered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _dequeued;

        public Task<bool> Delivered => _delivered.Task.ContinueWith(_ => true, TaskScheduler.Default);

        public bool DeliveredInsideExecute { get; private set; }

        public int Dequeued => Volatile.Read(ref _dequeued);

        public override void WriteRequest(IBufferWriter<byte> output, uint opaque) => throw new NotSupportedException();

        public override bool TryConsumeReply(ref SequenceReader<byte> reader) => throw new NotSupportedException();

        public override void Fail(Exception error) => _delivered.TrySetException(error);

        public override void Deliver()
        {
            DeliveredInsideExecute = t_insideExecute;
            var spin = Stopwatch.StartNew();
            while (spin.Elapsed < work)
            {
                Thread.SpinWait(20);
            }

            _delivered.TrySetResult();
        }

        public override void OnDequeued() => Interlocked.Increment(ref _dequeued);
    }
}
