using System.Reflection;
using System.Security.Authentication;
using TencentChatFollow.Runtime;
using Xunit;

namespace TencentChatFollow.Tests.Runtime;

public class DependencyResolverTests
{
    private const string Json8 = "System.Text.Json, Version=8.0.0.0, Culture=neutral, PublicKeyToken=cc7b13ffcd2ddd51";

    // The resolver over real assemblies of this process: the runtime's System.Text.Json stands for the shipped copy,
    // Core (built against System.Text.Json 8.0.0.0) for the module's own code.
    private static readonly Assembly Core = typeof(DependencyResolver).Assembly;
    private static readonly Assembly Json = typeof(System.Text.Json.JsonSerializer).Assembly;

    private static DependencyResolver Resolver() => new(new[] { Json }, new[] { Core });

    [Theory]
    [InlineData(".NET Framework 4.8.9232.0", true)]
    [InlineData(".NET Framework 4.7.2", true)]
    [InlineData(".NET 8.0.11", false)]
    [InlineData(".NET 10.0.0", false)]
    [InlineData(".NET Core 3.1.32", false)]
    public void Applies_only_on_dotnet_framework(string description, bool expected)
        => Assert.Equal(expected, DependencyResolver.AppliesTo(description));

    [Fact]
    public void Answers_our_own_identities_and_the_lower_versions_our_assemblies_ask_for_as_a_binding_redirect_would()
    {
        var shipped = new[]
        {
            new AssemblyName(Json8),
            new AssemblyName("System.Runtime.CompilerServices.Unsafe, Version=6.0.0.0, Culture=neutral, PublicKeyToken=b03f5f7f11d50a3a"),
            new AssemblyName("System.Buffers, Version=4.0.3.0, Culture=neutral, PublicKeyToken=cc7b13ffcd2ddd51"),
        };
        var references = new[]
        {
            // What System.Memory 4.5.5 and System.Threading.Tasks.Extensions ask for: redirected to the shipped copies.
            new AssemblyName("System.Runtime.CompilerServices.Unsafe, Version=4.0.4.1, Culture=neutral, PublicKeyToken=b03f5f7f11d50a3a"),
            new AssemblyName("System.Buffers, Version=4.0.2.0, Culture=neutral, PublicKeyToken=cc7b13ffcd2ddd51"),
            // Newer than shipped, another signer, another name: not ours to answer.
            new AssemblyName("System.Runtime.CompilerServices.Unsafe, Version=7.0.0.0, Culture=neutral, PublicKeyToken=b03f5f7f11d50a3a"),
            new AssemblyName("System.Buffers, Version=4.0.2.0, Culture=neutral, PublicKeyToken=0123456789abcdef"),
            new AssemblyName("Newtonsoft.Json, Version=13.0.0.0, Culture=neutral, PublicKeyToken=30ad4fe6b2a6aeed"),
        };

        var answers = DependencyResolver.Answerable(shipped, references);

        var expected = new[]
        {
            Json8,
            "System.Runtime.CompilerServices.Unsafe, Version=6.0.0.0, Culture=neutral, PublicKeyToken=b03f5f7f11d50a3a",
            "System.Buffers, Version=4.0.3.0, Culture=neutral, PublicKeyToken=cc7b13ffcd2ddd51",
            "System.Runtime.CompilerServices.Unsafe, Version=4.0.4.1, Culture=neutral, PublicKeyToken=b03f5f7f11d50a3a",
            "System.Buffers, Version=4.0.2.0, Culture=neutral, PublicKeyToken=cc7b13ffcd2ddd51",
        };
        Assert.Equal(expected.Select(DependencyResolver.IdentityKey).OrderBy(k => k, StringComparer.Ordinal), answers.Keys.OrderBy(k => k, StringComparer.Ordinal));
        Assert.Equal("System.Runtime.CompilerServices.Unsafe", answers[DependencyResolver.IdentityKey(expected[3])!]);
        Assert.Equal("System.Buffers", answers[DependencyResolver.IdentityKey(expected[4])!]);
    }

    [Theory]
    [InlineData("system.text.json, version=8.0.0.0, culture=neutral, publickeytoken=CC7B13FFCD2DDD51")]
    [InlineData("System.Text.Json, Version=8.0.0.0, PublicKeyToken=cc7b13ffcd2ddd51, Culture=neutral")]
    public void Reads_an_identity_whatever_its_case_and_order(string requested)
        => Assert.Equal(DependencyResolver.IdentityKey(Json8), DependencyResolver.IdentityKey(requested));

    [Theory]
    [InlineData("System.Text.Json")]
    [InlineData("")]
    [InlineData("not, a=valid, name=")]
    public void Has_no_identity_without_a_version(string requested)
        => Assert.Null(DependencyResolver.IdentityKey(requested));

    [Fact]
    public void Answers_the_version_our_code_asks_for_with_the_one_instance_loaded_at_import()
    {
        var resolver = Resolver();

        Assert.Same(Json, resolver.Answer(Json8, Core));
        Assert.Same(Json, resolver.Answer(Json8, requester: null));
        Assert.Same(Json, resolver.Answer(Json.FullName!, Core));
        Assert.Same(Json, resolver.Resolve(null, new ResolveEventArgs(Json8, Core)));
    }

    [Theory]
    // Another module's System.Text.Json (Az.Accounts has shipped 4.7.2 = 4.0.1.2, 8.0.x and 10.0.x).
    [InlineData("System.Text.Json, Version=4.0.1.2, Culture=neutral, PublicKeyToken=cc7b13ffcd2ddd51")]
    [InlineData("System.Text.Json, Version=99.0.0.0, Culture=neutral, PublicKeyToken=cc7b13ffcd2ddd51")]
    [InlineData("System.Text.Json, Version=8.0.0.0, Culture=neutral, PublicKeyToken=0123456789abcdef")]
    [InlineData("Newtonsoft.Json, Version=13.0.0.0, Culture=neutral, PublicKeyToken=30ad4fe6b2a6aeed")]
    [InlineData("not, a=valid, name=")]
    public void Leaves_other_versions_and_other_assemblies_to_the_runtime_and_to_other_modules(string requested)
        => Assert.Null(Resolver().Answer(requested, Core));

    [Fact]
    public void Leaves_a_request_from_another_module_to_that_module()
        => Assert.Null(Resolver().Answer(Json8, typeof(Assert).Assembly));

    [Fact]
    public void Answers_a_name_without_a_version_only_for_our_own_code()
    {
        var resolver = Resolver();

        Assert.Same(Json, resolver.Answer("system.text.json", Core));
        Assert.Null(resolver.Answer("System.Text.Json", requester: null));
        Assert.Null(resolver.Answer("System.Text.Json", typeof(Assert).Assembly));
    }
}

public class TlsPolicyTests
{
    [Fact]
    public void Keeps_the_system_default_on_dotnet()
        => Assert.Null(TlsPolicy.ProtocolsFor(".NET 8.0.11"));

    [Fact]
    public void Asks_for_tls12_and_tls13_on_a_framework_that_knows_tls13()
        => Assert.Equal(SslProtocols.Tls12 | SslProtocols.Tls13, TlsPolicy.ProtocolsFor(".NET Framework 4.8.9232.0", _ => true));

    [Fact]
    public void Asks_for_tls12_only_where_tls13_is_unknown()
        => Assert.Equal(SslProtocols.Tls12, TlsPolicy.ProtocolsFor(".NET Framework 4.7.2", value => value != (int)SslProtocols.Tls13));

    [Fact]
    public void Never_allows_tls10_or_tls11_on_dotnet_framework()
    {
#pragma warning disable SYSLIB0039 // the old protocols are named here only to check that they are not asked for
        var protocols = TlsPolicy.ProtocolsFor(".NET Framework 4.8", _ => true)!.Value;
        Assert.Equal(SslProtocols.None, protocols & (SslProtocols.Tls | SslProtocols.Tls11));
#pragma warning restore SYSLIB0039
    }
}

public sealed class DependencyResolverFolderTests : IDisposable
{
    private readonly string _module = Path.Combine(Path.GetTempPath(), "tcf-resolver-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_module)) Directory.Delete(_module, recursive: true);
    }

    [Fact]
    public void Has_nothing_to_load_without_a_dependencies_folder()
    {
        Directory.CreateDirectory(_module);
        Assert.Null(DependencyResolver.LoadForModule(_module));
    }

    [Fact]
    public void Loads_nothing_but_the_dlls_of_the_folder()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_module, DependencyResolver.FolderName)).FullName;
        File.WriteAllText(Path.Combine(folder, "notes.txt"), "");

        var resolver = DependencyResolver.LoadForModule(_module)!;

        Assert.Empty(resolver.Loaded);
        Assert.Null(resolver.Answer("Newtonsoft.Json, Version=13.0.0.0, Culture=neutral, PublicKeyToken=30ad4fe6b2a6aeed", requester: null));
    }

    [Fact]
    public void Fails_the_import_with_the_file_and_what_to_do_when_a_shipped_file_cannot_be_loaded()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_module, DependencyResolver.FolderName)).FullName;
        var broken = Path.Combine(folder, "System.Memory.dll");
        File.WriteAllText(broken, "not an assembly");

        var ex = Assert.Throws<FileLoadException>(() => DependencyResolver.LoadForModule(_module));

        Assert.Equal(broken, ex.FileName);
        Assert.Contains(broken, ex.Message, StringComparison.Ordinal);
        Assert.Contains("Reinstall the module", ex.Message, StringComparison.Ordinal);
        Assert.IsType<BadImageFormatException>(ex.InnerException);
    }
}
