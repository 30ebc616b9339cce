using System.Buffers;
using System.Text;
using Microsoft.AspNetCore.Mvc.Infrastructure;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;

namespace FragmentCache.Mvc.Pages;

/// <summary>
/// Wraps MVC's <see cref="IHttpResponseStreamWriterFactory"/>: a writer created over a <see cref="PageCapture"/> (a view
/// rendering a page being cached) is made known to it, so a hole can flush it and record an exact offset.
/// </summary>
internal sealed class PageWriterFactory(IHttpResponseStreamWriterFactory inner) : IHttpResponseStreamWriterFactory
{
    /// <summary>MVC's buffer size for its response writers (16K chars).</summary>
    private const int DefaultBufferSize = 16 * 1024;

    /// <inheritdoc/>
    public TextWriter CreateWriter(Stream stream, Encoding encoding)
    {
        var writer = inner.CreateWriter(stream, encoding);
        if (stream is PageCapture capture)
        {
            capture.AddWriter(writer);
        }

        return writer;
    }

    /// <summary>
    /// Wraps the registered factory, keeping its lifetime; without one yet (MVC added later), registers MVC's default
    /// writer (MVC only adds its own when none is registered). Calling it twice wraps once.
    /// </summary>
    public static void Add(IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(Marker)))
        {
            return;
        }

        services.AddSingleton<Marker>();
        for (var i = services.Count - 1; i >= 0; i--)
        {
            var original = services[i];
            if (original.ServiceType != typeof(IHttpResponseStreamWriterFactory) || original.IsKeyedService)
            {
                continue;
            }

            services[i] = ServiceDescriptor.Describe(typeof(IHttpResponseStreamWriterFactory), sp => new PageWriterFactory(Create(sp, original)), original.Lifetime);
            return;
        }

        services.AddSingleton<IHttpResponseStreamWriterFactory>(sp => new PageWriterFactory(new DefaultWriters(
            sp.GetService<ArrayPool<byte>>() ?? ArrayPool<byte>.Shared, sp.GetService<ArrayPool<char>>() ?? ArrayPool<char>.Shared)));
    }

    private static IHttpResponseStreamWriterFactory Create(IServiceProvider services, ServiceDescriptor original) =>
        original.ImplementationInstance as IHttpResponseStreamWriterFactory
        ?? original.ImplementationFactory?.Invoke(services) as IHttpResponseStreamWriterFactory
        ?? (IHttpResponseStreamWriterFactory)ActivatorUtilities.CreateInstance(services, original.ImplementationType!);

    /// <summary>The writer MVC's own factory creates: <see cref="HttpResponseStreamWriter"/> with pooled buffers.</summary>
    private sealed class DefaultWriters(ArrayPool<byte> bytes, ArrayPool<char> chars) : IHttpResponseStreamWriterFactory
    {
        public TextWriter CreateWriter(Stream stream, Encoding encoding) => new HttpResponseStreamWriter(stream, encoding, DefaultBufferSize, bytes, chars);
    }

    private sealed class Marker;
}
