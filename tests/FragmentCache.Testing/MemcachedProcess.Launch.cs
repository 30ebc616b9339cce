using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace FragmentCache.Tests.Infrastructure;

/// <summary>Starting the process: its arguments, the launch with port retries, and the readiness probe.</summary>
public sealed partial class MemcachedProcess
{
    private List<string> BuildArguments()
    {
        var arguments = new List<string> { "-U", "0", "-t", _options.Threads.ToString(CultureInfo.InvariantCulture), "-m", _options.MemoryMegabytes.ToString(CultureInfo.InvariantCulture) };
        if (UnixSocketPath is { } path)
        {
            arguments.AddRange(["-s", path, "-a", "0666"]);
        }
        else
        {
            arguments.AddRange(["-l", "127.0.0.1", "-p", Port.ToString(CultureInfo.InvariantCulture)]);
        }

        if (Environment.IsPrivilegedProcess)
        {
            arguments.AddRange(["-u", "memcache"]);
        }

        if (_options.MaxItemSize is { } maxItemSize)
        {
            arguments.AddRange(["-I", maxItemSize.ToString(CultureInfo.InvariantCulture)]);
        }

        if (_options.Tls is { } tls)
        {
            var ssl = $"ssl_chain_cert={tls.ServerChainPemPath},ssl_key={tls.ServerKeyPemPath}";
            if (_options.RequireClientCertificate)
            {
                ssl += $",ssl_ca_cert={tls.CaCertificatePemPath},ssl_verify_mode=2";
            }

            if (_options.TlsSessionCache)
            {
                ssl += ",ssl_session_cache";
            }

            arguments.AddRange(["-Z", "-o", ssl]);
        }

        if (_authFilePath is { } authFile)
        {
            arguments.AddRange(["-Y", authFile]);
        }

        arguments.AddRange(_options.ExtraArguments);
        return arguments;
    }

    private async Task LaunchAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException($"{ExecutablePath} is missing: run ./test.sh or 'apt-get install memcached'.");
        }

        lock (_output)
        {
            _output.Clear();
        }

        var startInfo = new ProcessStartInfo(ExecutablePath)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        var arguments = BuildArguments();
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = startInfo };
        process.ErrorDataReceived += OnOutput;
        process.OutputDataReceived += OnOutput;
        process.Start();
        Running.TryAdd(process, 0);
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        _process = process;

        var commandLine = ExecutablePath + " " + string.Join(' ', arguments);
        var started = Stopwatch.StartNew();
        string? lastProbe = null;
        while (started.Elapsed < _options.StartTimeout)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (process.HasExited)
            {
                await process.WaitForExitAsync(cancellationToken); // Flushes the redirected output.
                var exitCode = process.ExitCode;
                await KillAsync();
                throw new InvalidOperationException($"memcached exited with code {exitCode} during start ({commandLine}): {Output}");
            }

            try
            {
                // Ours only if the answer names our pid: when another memcached already holds the port, ours exits
                // with "in use" (caught above on the next turn, and StartAsync picks another port), but the other
                // one answers the probe meanwhile, and two fixtures would share one server.
                var reply = await ProbeAsync(cancellationToken);
                if (reply.Contains(FormattableString.Invariant($"STAT pid {process.Id}\r\n"), StringComparison.Ordinal))
                {
                    return;
                }

                lastProbe = reply.Length > 200 ? reply[..200] : reply;
            }
            catch (Exception exception) when (exception is SocketException or IOException or TimeoutException or System.Security.Authentication.AuthenticationException)
            {
                lastProbe = exception.Message;
            }

            await Task.Delay(ProbeInterval, cancellationToken);
        }

        await KillAsync();
        throw new InvalidOperationException($"memcached did not answer 'stats' with its pid within {_options.StartTimeout.TotalSeconds} s ({commandLine}); last probe: {lastProbe}; output: {Output}");
    }

    private async Task<string> ProbeAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(1));
        try
        {
            // An -Y server answers nothing before a login: log in with its first user.
            var login = _options.AuthFileEntries is [var entry, ..] && entry.Split(':', 2) is [var user, var password]
                ? AuthLoginCommand(user, password)
                : "";
            return await RawAsync(login + "stats\r\n", "END\r\n", timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException("stats probe timed out");
        }
    }

    private void OnOutput(object sender, DataReceivedEventArgs e)
    {
        if (e.Data is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(e.Data);
        }
    }
}
