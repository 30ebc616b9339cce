using FragmentCache.Mvc.Internal;
using FragmentCache.Mvc.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.ApplicationParts;
using Microsoft.AspNetCore.Mvc.Razor.Compilation;
using Microsoft.AspNetCore.Razor.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace FragmentCache.Mvc.Tests.EndToEnd;

public sealed class ViewDigestTests
{
    [Fact]
    public async Task GetDigest_CompiledViews_StableAndDistinctPerView()
    {
        var (factory, _) = TestAppFactory.Create();
        await using var _f = factory;
        var digests = factory.Services.GetRequiredService<ViewDigestProvider>();

        var digest = digests.GetDigest("/Views/Fragments/Digest.cshtml");
        var again = new ViewDigestProvider(factory.Services.GetRequiredService<ApplicationPartManager>()).GetDigest("/views/fragments/digest.cshtml");
        var other = digests.GetDigest("/Views/Fragments/Index.cshtml");

        Assert.NotNull(digest);
        Assert.Equal(24, digest.Length);
        Assert.Equal(digest, again);
        Assert.NotEqual(digest, other);
        TestContext.Current.SendDiagnosticMessage("digest " + digest);
    }

    [Fact]
    public void Fingerprint_DifferentViewTypes_Differ()
    {
        var a = ViewDigestProvider.DigestOf(typeof(FragmentCache.Mvc.TestApp.Services.RenderCounter), null);
        var b = ViewDigestProvider.DigestOf(typeof(FragmentCache.Mvc.TestApp.Services.PageGate), null);
        Assert.NotEqual(a, b);
    }

    [Fact]
    public void DigestOf_ChecksumChanges_DigestChanges()
    {
        var a = ViewDigestProvider.DigestOf(typeof(object), [new RazorSourceChecksumAttribute("SHA256", "aa", "/Views/x.cshtml")]);
        var b = ViewDigestProvider.DigestOf(typeof(object), [new RazorSourceChecksumAttribute("SHA256", "ab", "/Views/x.cshtml")]);
        Assert.NotEqual(a, b);
    }

    [Fact]
    public void GetDigest_UnknownPath_Null()
        => Assert.Null(new ViewDigestProvider().GetDigest("/Views/Nope.cshtml"));
}
