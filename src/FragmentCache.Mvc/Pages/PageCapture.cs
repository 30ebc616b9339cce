using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using System.Text.Encodings.Web;
using FragmentCache.Mvc.Holes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace FragmentCache.Mvc.Pages;

/// <summary>
/// The response body of a page being rendered: it holds up to <c>MaxBodySize</c> bytes while the response may still be
/// stored, and turns into a pass-through the moment the response shows it streams: a write past the limit, a flush of the
/// body stream, <c>DisableBuffering</c>, or any start or flush of a <c>text/event-stream</c>. It then writes out what it
/// holds, passes every later byte straight to the server, and the page is not stored. <c>StartAsync</c> and a flush of the
/// body writer alone are not streaming: <c>Response.WriteAsync</c> and the JSON writers do both for every response. Installed as the request's <see cref="IHttpResponseBodyFeature"/>, so
/// <c>Response.Body</c>, <c>Response.BodyWriter</c>, <c>SendFileAsync</c> and <c>StartAsync</c> all come through it.
/// Set as the request's <see cref="IHoleSink"/> too: a hole written while it holds the body is recorded as a byte range
/// of the body, kept out of what is stored (see <see cref="TryWrite"/>).
/// </summary>
internal sealed class PageCapture : Stream, IHttpResponseBodyFeature, IHoleSink
{
    /// <summary>The writer Razor renders a view's buffered output through (an MVC internal type; its <c>Flush</c> does nothing).</summary>
    private const string ViewOutputWriter = "Microsoft.AspNetCore.Mvc.ViewFeatures.Buffers.PagedBufferedTextWriter";

    private readonly IHttpResponseBodyFeature _inner;
    private readonly IHeaderDictionary _headers;
    private readonly int _limit;
    private readonly TaskCompletionSource _streaming = new(TaskCreationOptions.RunContinuationsAsynchronously);
    // Segments of 4 KiB doubling up to 64 KiB (under the large-object heap), so what is allocated is what is held, not a
    // doubled copy; the last one is the one being filled.
    private readonly List<byte[]> _segments = [];
    private int _length;
    private int _lastUsed;
    private byte[]? _body;
    private bool _drained;
    private PipeWriter? _writer;
    private Action? _beforeStreaming;
    // The text writers MVC created over this capture (PageWriterFactory), flushed at a hole so its offset is exact.
    private List<TextWriter>? _textWriters;
    // Each hole's HTML as a [Start, End) byte range of the held body, in order.
    private List<(int Start, int End, Hole Hole)>? _holes;
    private bool _inHole;
    private bool _finished;

    private PageCapture(IHttpResponseBodyFeature inner, IHeaderDictionary headers, int limit)
    {
        _inner = inner;
        _headers = headers;
        _limit = Math.Max(0, limit);
    }

    /// <summary>Whether the response turned into a pass-through: it is on its way to the client and is not stored.</summary>
    public bool Streaming { get; private set; }

    /// <summary>Why <see cref="Streaming"/> became true (for the log).</summary>
    public string? StreamingReason { get; private set; }

    /// <summary>Completes when the response turns into a pass-through.</summary>
    public Task StreamingStarted => _streaming.Task;

    /// <summary>The bytes held, in one piece (the whole body unless <see cref="Streaming"/>).</summary>
    public ReadOnlyMemory<byte> Body
    {
        get
        {
            if (_segments.Count == 1)
            {
                return new(_segments[0], 0, _length);
            }

            if (_body is null || _body.Length != _length)
            {
                _body = new byte[_length];
                var at = 0;
                foreach (var (segment, used) in Filled())
                {
                    segment.AsSpan(0, used).CopyTo(_body.AsSpan(at));
                    at += used;
                }
            }

            return _body;
        }
    }

    /// <summary>Whether holes were recorded in the held body.</summary>
    public bool HasHoles => _holes is { Count: > 0 };

    /// <summary>Why a hole's position in the body could not be recorded (the page is then not stored); <see langword="null"/> when every hole was.</summary>
    public string? HoleFailure { get; private set; }

    /// <summary>Whether the held body outgrew the limit (writes held during a hole may take it past it).</summary>
    public bool OverLimit => !Streaming && _length > _limit;

    /// <summary>The action run under this capture; completes after the body feature is restored.</summary>
    public Task Run { get; private set; } = Task.CompletedTask;

    /// <inheritdoc/>
    public override bool CanRead => false;

    /// <inheritdoc/>
    public override bool CanSeek => false;

    /// <inheritdoc/>
    public override bool CanWrite => true;

    /// <inheritdoc/>
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc/>
    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <inheritdoc/>
    Stream IHttpResponseBodyFeature.Stream => this;

    /// <inheritdoc/>
    // A pipe flush is how every PipeWriter hands its bytes on (JSON serializers flush as they go), not a request to
    // stream: it reaches this capture as writes only (see PipeTarget).
    public PipeWriter Writer => _writer ??= PipeWriter.Create(new PipeTarget(this), new StreamPipeWriterOptions(leaveOpen: true));

    /// <summary>
    /// Installs a capture on <paramref name="context"/> and starts <paramref name="next"/> under it; the previous body
    /// feature is back when <see cref="Run"/> completes. <paramref name="beforeStreaming"/> runs once, while the response
    /// headers can still be changed, just before the capture turns into a pass-through.
    /// </summary>
    public static PageCapture Start(HttpContext context, Func<Task> next, int limit, Action beforeStreaming)
    {
        var inner = context.Features.GetRequiredFeature<IHttpResponseBodyFeature>();
        var capture = new PageCapture(inner, context.Response.Headers, limit) { _beforeStreaming = beforeStreaming };
        context.Features.Set<IHttpResponseBodyFeature>(capture);
        context.Features.Set<IHoleSink>(capture);
        capture.Run = capture.RunAsync(context, next);
        return capture;
    }

    /// <summary>Writes what the capture holds and has not written yet (after a pass-through the server has the rest).</summary>
    public async ValueTask DrainAsync(CancellationToken cancellationToken)
    {
        if (_drained)
        {
            return;
        }

        _drained = true;
        foreach (var (segment, used) in Filled())
        {
            await _inner.Stream.WriteAsync(segment.AsMemory(0, used), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    /// <inheritdoc/>
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (!Streaming && _inHole)
        {
            // Never synchronously to the server (Kestrel forbids it): held, whatever the limit; the next write decides.
            TryHold(buffer, force: true);
            return;
        }

        if (!Streaming && !TryHold(buffer))
        {
            BeginStreaming("body over MaxBodySize");
        }

        if (Streaming)
        {
            DrainSync();
            _inner.Stream.Write(buffer);
        }
    }

    /// <inheritdoc/>
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc/>
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (!Streaming && TryHold(buffer.Span, force: _inHole))
        {
            return ValueTask.CompletedTask;
        }

        BeginStreaming("body over MaxBodySize");
        return PassAsync(buffer, cancellationToken);
    }

    /// <inheritdoc/>
    public override void WriteByte(byte value) => Write([value]);

    /// <inheritdoc/>
    public override void Flush()
    {
        if (_inHole && !Streaming)
        {
            // The flush of a writer at a hole (a StreamWriter's flushes its stream; HttpResponseStreamWriter's does not): not streaming.
            return;
        }

        BeginStreaming("the body was flushed");
        DrainSync();
        _inner.Stream.Flush();
    }

    /// <inheritdoc/>
    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (_inHole && !Streaming)
        {
            return;
        }

        BeginStreaming("the body was flushed");
        await DrainAsync(cancellationToken).ConfigureAwait(false);
        await _inner.Stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public void DisableBuffering()
    {
        BeginStreaming("buffering was disabled");
        _inner.DisableBuffering();
    }

    /// <inheritdoc/>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (!Streaming && !IsEventStream)
        {
            // Absorbed: the headers go out with the body once it is complete.
            return;
        }

        BeginStreaming("an event stream started");
        await _inner.StartAsync(cancellationToken).ConfigureAwait(false);
        await DrainAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default)
    {
        if (!Streaming)
        {
            // Through this stream: a small file is held like any body, a large one turns the capture into a pass-through.
            await SendFileFallback.SendFileAsync(this, path, offset, count, cancellationToken).ConfigureAwait(false);
            return;
        }

        await DrainAsync(cancellationToken).ConfigureAwait(false);
        await _inner.SendFileAsync(path, offset, count, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task CompleteAsync()
    {
        if (_writer is { CanGetUnflushedBytes: true, UnflushedBytes: > 0 })
        {
            await _writer.FlushAsync().ConfigureAwait(false);
        }

        if (Streaming)
        {
            await DrainAsync(CancellationToken.None).ConfigureAwait(false);
            await _inner.CompleteAsync().ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override void SetLength(long value) => throw new NotSupportedException();

    private async Task RunAsync(HttpContext context, Func<Task> next)
    {
        try
        {
            await next().ConfigureAwait(false);
            if (_writer is { CanGetUnflushedBytes: true, UnflushedBytes: > 0 })
            {
                // What the action wrote to the body writer and left unflushed is part of its body.
                await _writer.FlushAsync(context.RequestAborted).ConfigureAwait(false);
            }
        }
        finally
        {
            _finished = true;
            context.Features.Set(_inner);
            if (ReferenceEquals(context.Features.Get<IHoleSink>(), this))
            {
                context.Features.Set<IHoleSink>(null);
            }
        }
    }

    /// <summary>Notes a text writer MVC created over this capture (the response writer of a view).</summary>
    public void AddWriter(TextWriter writer) => (_textWriters ??= []).Add(writer);

    /// <summary>
    /// Writes the hole's HTML to <paramref name="writer"/> and records where it lies in the held body. The writer chain is
    /// flushed synchronously before and after (Razor's output writer, then the response writers over this capture), so
    /// every byte before the hole has arrived and the range is exact; the flushes and writes this causes are held, never
    /// streamed. False when the response already streams. A writer that does not lead here, or a range that does not
    /// match the HTML, makes <see cref="HoleFailure"/> say why (the page is not stored; this response is still right).
    /// </summary>
    public bool TryWrite(HoleContent hole, TextWriter writer, HtmlEncoder encoder)
    {
        ArgumentNullException.ThrowIfNull(hole);
        ArgumentNullException.ThrowIfNull(writer);
        if (Streaming || _finished)
        {
            return false;
        }

        if (hole.Hole.Kind != HoleKind.ViewComponent)
        {
            HoleFailure ??= hole.Hole.Label + " is not a view component, which a replayed page cannot render";
            return false;
        }

        if (_textWriters is null || !(_textWriters.Contains(writer) || writer.GetType().FullName == ViewOutputWriter))
        {
            HoleFailure ??= hole.Hole.Label + " was written outside the page's response writer";
            return false;
        }

        if (writer.Encoding.CodePage != Encoding.UTF8.CodePage)
        {
            HoleFailure ??= "the page is not written in UTF-8";
            return false;
        }

        string html;
        using (var text = new StringWriter(CultureInfo.InvariantCulture))
        {
            hole.Rendered.WriteTo(text, encoder);
            html = text.ToString();
        }

        _inHole = true;
        try
        {
            FlushThrough(writer);
            var start = _length;
            writer.Write(html);
            FlushThrough(writer);
            var end = _length;
            if (Streaming || end - start != Encoding.UTF8.GetByteCount(html))
            {
                HoleFailure ??= hole.Hole.Label + "'s HTML did not reach the page body as written";
            }
            else
            {
                (_holes ??= []).Add((start, end, hole.Hole));
            }
        }
        finally
        {
            _inHole = false;
        }

        return true;
    }

    /// <summary>
    /// The body to store: the held bytes without the holes' HTML, and each hole at its offset in it. Only when
    /// <see cref="HasHoles"/> (else <see cref="Body"/> is the body).
    /// </summary>
    public (byte[] Body, PlacedHole[] Holes) StoredBody()
    {
        var held = Body.Span;
        var holes = _holes ?? [];
        var removed = 0;
        foreach (var (start, end, _) in holes)
        {
            removed += end - start;
        }

        var body = new byte[held.Length - removed];
        var placed = new PlacedHole[holes.Count];
        int at = 0, from = 0;
        for (var i = 0; i < holes.Count; i++)
        {
            var (start, end, hole) = holes[i];
            held[from..start].CopyTo(body.AsSpan(at));
            at += start - from;
            placed[i] = new PlacedHole(at, hole);
            from = end;
        }

        held[from..].CopyTo(body.AsSpan(at));
        return (body, placed);
    }

    /// <summary>
    /// Flushes <paramref name="writer"/> and the response writers over this capture, synchronously. Razor's output writer
    /// ignores <c>Flush</c> and hands its text on in <c>FlushAsync</c>, which completes at once here: every write it
    /// causes is held.
    /// </summary>
    private void FlushThrough(TextWriter writer)
    {
        writer.Flush();
        if (_textWriters?.Contains(writer) != true)
        {
            writer.FlushAsync().GetAwaiter().GetResult();
        }

        foreach (var known in _textWriters ?? [])
        {
            try
            {
                known.Flush();
            }
            catch (ObjectDisposedException)
            {
                // A view that has finished: nothing of it is pending.
            }
        }
    }

    private bool IsEventStream => _headers.ContentType.ToString().StartsWith("text/event-stream", StringComparison.OrdinalIgnoreCase);

    private bool TryHold(ReadOnlySpan<byte> data, bool force = false)
    {
        if (!force && data.Length > _limit - _length)
        {
            return false;
        }

        while (!data.IsEmpty)
        {
            if (_segments.Count == 0 || _lastUsed == _segments[^1].Length)
            {
                var size = _segments.Count == 0 ? 4096 : Math.Min(_segments[^1].Length * 2, 64 * 1024);
                _segments.Add(new byte[Math.Max(force ? size : 1, Math.Min(size, _limit - _length))]);
                _lastUsed = 0;
            }

            var last = _segments[^1];
            var count = Math.Min(data.Length, last.Length - _lastUsed);
            data[..count].CopyTo(last.AsSpan(_lastUsed));
            _lastUsed += count;
            _length += count;
            data = data[count..];
        }

        return true;
    }

    private IEnumerable<(byte[] Segment, int Used)> Filled()
    {
        for (var i = 0; i < _segments.Count; i++)
        {
            yield return (_segments[i], i == _segments.Count - 1 ? _lastUsed : _segments[i].Length);
        }
    }

    private void BeginStreaming(string reason)
    {
        if (Streaming)
        {
            return;
        }

        _beforeStreaming?.Invoke();
        _beforeStreaming = null;
        Streaming = true;
        StreamingReason = reason;
        _streaming.TrySetResult();
    }

    private void DrainSync()
    {
        if (!_drained)
        {
            _drained = true;
            foreach (var (segment, used) in Filled())
            {
                _inner.Stream.Write(segment, 0, used);
            }
        }
    }

    private async ValueTask PassAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        await DrainAsync(cancellationToken).ConfigureAwait(false);
        await _inner.Stream.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>What <see cref="Writer"/> writes to: the capture's writes, and a flush that only flushes an event stream or a pass-through.</summary>
    private sealed class PipeTarget(PageCapture capture) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override void Write(byte[] buffer, int offset, int count) => capture.Write(buffer, offset, count);

        public override void Write(ReadOnlySpan<byte> buffer) => capture.Write(buffer);

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
            => capture.WriteAsync(buffer, offset, count, cancellationToken);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
            => capture.WriteAsync(buffer, cancellationToken);

        public override void Flush()
        {
            if (capture.Streaming || capture.IsEventStream)
            {
                capture.Flush();
            }
        }

        public override Task FlushAsync(CancellationToken cancellationToken)
            => capture.Streaming || capture.IsEventStream ? capture.FlushAsync(cancellationToken) : Task.CompletedTask;

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
