using System.Buffers;
using System.Text;
using FragmentCache.Memcached.Protocol;

namespace FragmentCache.Memcached.Connections;

/// <summary>
/// A classic text command (<c>version</c>, <c>stats</c>, <c>flush_all</c>, the <c>-Y</c> login) whose reply
/// is one line, or for <c>stats</c> a list of lines closed by <c>END</c>.
/// </summary>
internal sealed class TextOperation : PendingOperation
{
    private readonly string _command;
    private readonly byte[]? _payload;
    private readonly bool _multiLine;
    private readonly List<string> _lines = [];
    private readonly TaskCompletionSource<IReadOnlyList<string>> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <param name="command">The command line, built by the client from constants and formatted numbers.</param>
    /// <param name="payload">A data block to send after the line (the login's <c>user pass</c>).</param>
    /// <param name="multiLine">Whether the reply is a list closed by <c>END</c>.</param>
    public TextOperation(string command, byte[]? payload = null, bool multiLine = false)
    {
        _command = command;
        _payload = payload;
        _multiLine = multiLine;
    }

    public Task<IReadOnlyList<string>> Completion => _completion.Task;

    public override void WriteRequest(IBufferWriter<byte> output, uint opaque)
    {
        MetaRequestWriter.WriteText(output, _command);
        if (_payload is not null)
        {
            output.Write(_payload);
            output.Write("\r\n"u8);
        }
    }

    public override bool TryConsumeReply(ref SequenceReader<byte> reader)
    {
        var start = reader;
        int added = 0;
        while (MetaReplyParser.TryReadLine(ref reader, out var line))
        {
            string text = Encoding.ASCII.GetString(line);
            _lines.Add(text);
            added++;
            bool error = text == "ERROR" || text.StartsWith("CLIENT_ERROR", StringComparison.Ordinal)
                || text.StartsWith("SERVER_ERROR", StringComparison.Ordinal);
            if (!_multiLine || text == "END" || error)
            {
                _completion.TrySetResult(_lines);
                return true;
            }
        }

        // Not complete: consume nothing, so the lines are parsed again with the rest.
        _lines.RemoveRange(_lines.Count - added, added);
        reader = start;
        return false;
    }

    public override void Fail(Exception error) => _completion.TrySetException(error);
}
