using System.Globalization;

namespace FragmentCache;

/// <summary>
/// The placeholder check until the Memcached client's parser exists: non-empty, no whitespace, and an
/// optional <c>:port</c> that is a number from 1 to 65535.
/// </summary>
internal sealed class SimpleServerAddressValidator : IServerAddressValidator
{
    public string? Validate(string address)
    {
        if (string.IsNullOrWhiteSpace(address))
        {
            return "empty";
        }

        foreach (var c in address)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                return "contains whitespace or control characters";
            }
        }

        // "[::1]:11211", "host:11211" or "host"; a bare IPv6 address without brackets has several colons.
        int portStart;
        if (address.StartsWith('['))
        {
            var close = address.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                return "unclosed '['";
            }

            if (close == address.Length - 1)
            {
                return null;
            }

            if (address[close + 1] != ':')
            {
                return "expected ':' after ']'";
            }

            portStart = close + 1;
        }
        else
        {
            portStart = address.LastIndexOf(':');
            if (portStart < 0)
            {
                return null;
            }
        }

        var host = address[..portStart];
        if (host.Length == 0 || (!address.StartsWith('[') && host.Contains(':', StringComparison.Ordinal)))
        {
            return "expected host:port";
        }

        var port = address[(portStart + 1)..];
        return int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p is >= 1 and <= 65535
            ? null
            : "the port must be a number from 1 to 65535";
    }
}
