using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using FragmentCache.Tests.Infrastructure;

namespace FragmentCache.Tests.Reliability;

/// <summary>
/// A small meta-protocol memcached (mg, ms, md, mn) behind a <see cref="FakeServer"/> that answers the client's real
/// requests, and while <see cref="Mutating"/> is set, corrupts some replies: header bytes flipped, CR/LF/NUL injected,
/// huge or negative lengths, wrong opaques, dropped, duplicated or reordered replies, garbage lines, a cut mid-reply.
/// Value bytes are never changed, so every value still names its key: a value returned for another key is the
/// client's fault. Each connection draws its mutations from <c>Random(seed + connection number)</c>.
/// </summary>
internal sealed class MutatingMemcached : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, (uint Flags, byte[] Data)> _items = new(StringComparer.Ordinal);
    private readonly FakeServer _server;
    private readonly int _seed;
    private int _connections;
    private int _mutations;
    private volatile bool _mutating;

    public MutatingMemcached(int seed)
    {
        _seed = seed;
        _server = new FakeServer(ServeAsync);
    }

    public string Address => _server.Address;

    /// <summary>Probability that one reply is mutated while <see cref="Mutating"/> is set.</summary>
    public double MutationRate { get; set; } = 0.08;

    public bool Mutating
    {
        get => _mutating;
        set => _mutating = value;
    }

    public int Mutations => Volatile.Read(ref _mutations);

    public int Connections => Volatile.Read(ref _connections);

    public IReadOnlyCollection<Exception> Errors => _server.Errors;

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private async Task ServeAsync(Stream stream, CancellationToken cancellationToken)
    {
        int connection = Interlocked.Increment(ref _connections);
        var random = new Random(_seed + connection);
        byte[]? held = null;
        while (await FakeServer.ReadLineAsync(stream, cancellationToken) is { } line)
        {
            var tokens = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (tokens.Length == 0)
            {
                continue;
            }

            byte[]? data = null;
            if (tokens[0] == "ms" && tokens.Length > 2)
            {
                data = new byte[int.Parse(tokens[2], CultureInfo.InvariantCulture) + 2];
                await stream.ReadExactlyAsync(data, cancellationToken);
            }

            var reply = Answer(tokens, data);
            if (reply.Length == 0)
            {
                continue;
            }

            if (!_mutating || random.NextDouble() >= MutationRate)
            {
                await WriteAsync(stream, reply, random, cancellationToken);
            }
            else
            {
                Interlocked.Increment(ref _mutations);
                switch (random.Next(9))
                {
                    case 0:
                        return; // dropped, and the connection closed before the reply
                    case 1:
                        await WriteAsync(stream, reply.AsMemory(0, random.Next(reply.Length)), random, cancellationToken);
                        return; // cut mid-reply
                    case 2:
                        break; // dropped: the client waits until its timeout
                    case 3:
                        await WriteAsync(stream, reply, random, cancellationToken);
                        await WriteAsync(stream, reply, random, cancellationToken); // duplicated
                        break;
                    case 4:
                        if (held is null)
                        {
                            held = reply; // sent after the next reply: out of order
                            continue;
                        }

                        await WriteAsync(stream, reply, random, cancellationToken);
                        break;
                    case 5:
                        await WriteAsync(stream, Encoding.Latin1.GetBytes(Garbage(random)), random, cancellationToken);
                        await WriteAsync(stream, reply, random, cancellationToken);
                        break;
                    default:
                        await WriteAsync(stream, MutateHeader(random, reply), random, cancellationToken);
                        break;
                }
            }

            if (held is not null && !ReferenceEquals(held, reply))
            {
                await WriteAsync(stream, held, random, cancellationToken);
                held = null;
            }
        }
    }

    private byte[] Answer(string[] tokens, byte[]? data)
    {
        string opaque = tokens.FirstOrDefault(t => t.StartsWith('O')) is { } o ? " " + o : "";
        switch (tokens[0])
        {
            case "mn":
                return "MN\r\n"u8.ToArray();
            case "ms" when data is not null:
                uint flags = tokens.FirstOrDefault(t => t.StartsWith('F')) is { } f ? uint.Parse(f[1..], CultureInfo.InvariantCulture) : 0;
                _items[tokens[1]] = (flags, data[..^2]);
                return Encoding.Latin1.GetBytes($"HD{opaque}\r\n");
            case "md":
                return Encoding.Latin1.GetBytes(_items.TryRemove(tokens[1], out _) ? $"HD{opaque}\r\n" : $"NF{opaque}\r\n");
            case "mg":
                bool quiet = tokens.Contains("q");
                if (!_items.TryGetValue(tokens[1], out var item))
                {
                    return quiet ? [] : Encoding.Latin1.GetBytes($"EN{opaque}\r\n");
                }

                var header = new StringBuilder(tokens.Contains("v") ? "VA " + item.Data.Length.ToString(CultureInfo.InvariantCulture) : "HD");
                foreach (var token in tokens.Skip(2))
                {
                    switch (token)
                    {
                        case "f":
                            header.Append(CultureInfo.InvariantCulture, $" f{item.Flags}");
                            break;
                        case "c":
                            header.Append(" c1");
                            break;
                        case "t":
                            header.Append(" t-1");
                            break;
                        case "k":
                            header.Append(" k").Append(tokens[1]);
                            break;
                    }
                }

                header.Append(opaque).Append("\r\n");
                var bytes = Encoding.Latin1.GetBytes(header.ToString());
                return tokens.Contains("v") ? [.. bytes, .. item.Data, (byte)'\r', (byte)'\n'] : bytes;
            default:
                return "ERROR\r\n"u8.ToArray();
        }
    }

    /// <summary>Changes the header line only; the value block after it keeps its bytes.</summary>
    private static byte[] MutateHeader(Random random, byte[] reply)
    {
        int lineEnd = Array.IndexOf(reply, (byte)'\n');
        var header = Encoding.Latin1.GetString(reply, 0, lineEnd + 1);
        var rest = reply.AsSpan(lineEnd + 1).ToArray();
        int at = random.Next(Math.Max(1, header.Length - 2));
        header = random.Next(7) switch
        {
            0 => header.Remove(at, 1).Insert(at, ((char)random.Next(256)).ToString()),
            1 => header.Insert(at, "\r\n\0 "[random.Next(4)].ToString()),
            2 => header.Remove(at, 1),
            3 => Replace(header, "VA ", random.Next(4) switch
            {
                0 => "2147483647",
                1 => "-1",
                2 => "99999999999",
                // Only a VA header has a length to shift; Replace leaves any other header as it is.
                _ => ((int.TryParse(Token(header, "VA "), CultureInfo.InvariantCulture, out var length) ? length : 0) + random.Next(-3, 20))
                    .ToString(CultureInfo.InvariantCulture),
            }),
            4 => Replace(header, " O", random.Next(3) switch
            {
                0 => "0",
                1 => (long.Parse(Token(header, " O") is { Length: > 0 } t ? t : "0", CultureInfo.InvariantCulture) + random.Next(-2, 3)).ToString(CultureInfo.InvariantCulture),
                _ => "18446744073709551615",
            }),
            5 => Replace(header, " f", random.Next(4) switch
            {
                0 => "0",
                1 => "2",
                2 => "4294967295",
                _ => random.Next().ToString(CultureInfo.InvariantCulture),
            }),
            _ => header.Replace("\r\n", "\n", StringComparison.Ordinal),
        };
        return [.. Encoding.Latin1.GetBytes(header), .. rest];
    }

    private static string Token(string header, string marker)
    {
        int start = header.IndexOf(marker, StringComparison.Ordinal);
        if (start < 0)
        {
            return "";
        }

        start += marker.Length;
        int end = start;
        while (end < header.Length && header[end] is not (' ' or '\r' or '\n'))
        {
            end++;
        }

        return header[start..end];
    }

    private static string Replace(string header, string marker, string value)
    {
        int start = header.IndexOf(marker, StringComparison.Ordinal);
        if (start < 0)
        {
            return header;
        }

        start += marker.Length;
        int end = start;
        while (end < header.Length && header[end] is not (' ' or '\r' or '\n'))
        {
            end++;
        }

        return string.Concat(header.AsSpan(0, start), value, header.AsSpan(end));
    }

    private static string Garbage(Random random) => random.Next(4) switch
    {
        0 => "SERVER_ERROR out of memory\r\n",
        1 => "CLIENT_ERROR bad data chunk\r\n",
        2 => "HD O" + random.Next(100).ToString(CultureInfo.InvariantCulture) + "\r\n",
        _ => "\0\x7f garbage \x01\r\n",
    };

    /// <summary>Writes, sometimes in small pieces with pauses (a split never changes the meaning).</summary>
    private static async Task WriteAsync(Stream stream, ReadOnlyMemory<byte> bytes, Random random, CancellationToken cancellationToken)
    {
        if (bytes.Length > 1 && random.Next(8) == 0)
        {
            int cut = random.Next(1, bytes.Length);
            await stream.WriteAsync(bytes[..cut], cancellationToken);
            await stream.FlushAsync(cancellationToken);
            await Task.Delay(1, cancellationToken);
            bytes = bytes[cut..];
        }

        await stream.WriteAsync(bytes, cancellationToken);
        await stream.FlushAsync(cancellationToken);
    }
}
