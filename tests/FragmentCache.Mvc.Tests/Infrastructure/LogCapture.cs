using FragmentCache.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FragmentCache.Mvc.Tests.Infrastructure;

/// <summary>Adds a <see cref="CapturingLoggerProvider"/> that sees every level, whatever the host's minimum.</summary>
internal static class LogCapture
{
    public static CapturingLoggerProvider AddTo(IServiceCollection services)
    {
        var provider = new CapturingLoggerProvider();
        services.AddSingleton<ILoggerProvider>(provider);
        services.Configure<LoggerFilterOptions>(o => o.Rules.Add(new LoggerFilterRule(typeof(CapturingLoggerProvider).FullName, null, LogLevel.Trace, null)));
        return provider;
    }

    /// <summary>The captured lines of one event id (each line starts with the level and the id).</summary>
    public static List<string> WithEvent(this CapturingLoggerProvider provider, int eventId)
    {
        var lines = new List<string>();
        foreach (var line in provider.Messages)
        {
            if (line.Split(' ', 3) is [_, var id, _] && id == eventId.ToString(System.Globalization.CultureInfo.InvariantCulture))
            {
                lines.Add(line);
            }
        }

        return lines;
    }
}
