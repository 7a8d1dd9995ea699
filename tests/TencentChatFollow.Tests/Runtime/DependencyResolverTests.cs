using System.Security.Authentication;
using TencentChatFollow.Runtime;
using Xunit;

namespace TencentChatFollow.Tests.Runtime;

public class DependencyResolverTests
{
    private static readonly string Folder = Path.Combine(Path.GetTempPath(), "mod", DependencyResolver.FolderName);

    private static DependencyResolver Resolver() => new(Folder, new[]
    {
        "System.Text.Json.dll", "System.Memory.dll", "System.Runtime.CompilerServices.Unsafe.dll", "readme.txt",
    });

    [Theory]
    [InlineData(".NET Framework 4.8.9232.0", true)]
    [InlineData(".NET Framework 4.7.2", true)]
    [InlineData(".NET 8.0.11", false)]
    [InlineData(".NET 10.0.0", false)]
    [InlineData(".NET Core 3.1.32", false)]
    public void Applies_only_on_dotnet_framework(string description, bool expected)
        => Assert.Equal(expected, DependencyResolver.AppliesTo(description));

    [Theory]
    // The versions that disagree on .NET Framework: whatever is asked for, the shipped copy answers.
    [InlineData("System.Runtime.CompilerServices.Unsafe, Version=4.0.4.1, Culture=neutral, PublicKeyToken=b03f5f7f11d50a3a", "System.Runtime.CompilerServices.Unsafe.dll")]
    [InlineData("System.Runtime.CompilerServices.Unsafe, Version=6.0.0.0, Culture=neutral, PublicKeyToken=b03f5f7f11d50a3a", "System.Runtime.CompilerServices.Unsafe.dll")]
    [InlineData("System.Text.Json, Version=8.0.0.0, Culture=neutral, PublicKeyToken=cc7b13ffcd2ddd51", "System.Text.Json.dll")]
    [InlineData("system.memory", "System.Memory.dll")]
    public void Maps_a_shipped_assembly_to_its_file_whatever_the_version(string requested, string file)
        => Assert.Equal(Path.Combine(Folder, file), Resolver().PathFor(requested));

    [Theory]
    [InlineData("Newtonsoft.Json, Version=13.0.0.0, Culture=neutral, PublicKeyToken=30ad4fe6b2a6aeed")]
    [InlineData("readme")]
    [InlineData("System.Text")]
    [InlineData("")]
    [InlineData("not, a=valid, name=")]
    public void Leaves_everything_else_to_the_runtime(string requested)
        => Assert.Null(Resolver().PathFor(requested));
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

public class DependencyResolverFolderTests : IDisposable
{
    private readonly string _module = Path.Combine(Path.GetTempPath(), "tcf-resolver-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_module)) Directory.Delete(_module, recursive: true);
    }

    [Fact]
    public void Has_nothing_to_resolve_without_a_dependencies_folder()
    {
        Directory.CreateDirectory(_module);
        Assert.Null(DependencyResolver.ForModule(_module));
    }

    [Fact]
    public void Reads_the_dlls_of_the_dependencies_folder_beside_the_module()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_module, DependencyResolver.FolderName)).FullName;
        File.WriteAllText(Path.Combine(folder, "System.Memory.dll"), "");
        File.WriteAllText(Path.Combine(folder, "notes.txt"), "");

        var resolver = DependencyResolver.ForModule(_module)!;

        Assert.Equal(Path.Combine(folder, "System.Memory.dll"), resolver.PathFor("System.Memory, Version=4.0.1.2, Culture=neutral, PublicKeyToken=cc7b13ffcd2ddd51"));
        Assert.Null(resolver.PathFor("notes"));
    }

    [Fact]
    public void Leaves_an_assembly_that_is_not_shipped_to_the_runtime()
    {
        Directory.CreateDirectory(Path.Combine(_module, DependencyResolver.FolderName));
        var resolver = DependencyResolver.ForModule(_module)!;

        Assert.Null(resolver.Resolve(null, new ResolveEventArgs("Newtonsoft.Json, Version=13.0.0.0, Culture=neutral, PublicKeyToken=30ad4fe6b2a6aeed")));
    }
}
