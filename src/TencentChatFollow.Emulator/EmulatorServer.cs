using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
namespace TencentChatFollow.Emulator;

/// <summary>
/// A running emulator: Kestrel hosting the five follow APIs (follow_get_info, follow_check, follow_get, follow_add,
/// follow_delete) over one mutable follow graph, account_check, the 60009 answer to any other command, and the
/// control endpoints.
/// Program.cs runs one as a process; tests start them in-process.
/// </summary>
internal sealed class EmulatorServer : IAsyncDisposable
{
    private const long MaxRequestBodyBytes = 1024 * 1024;

    private readonly WebApplication _app;

    private EmulatorServer(WebApplication app, Uri baseUri)
    {
        _app = app;
        BaseUri = baseUri;
    }

    /// <summary>The root URL with the port actually bound, e.g. http://127.0.0.1:5080/.</summary>
    public Uri BaseUri { get; }

    /// <param name="options">Start-up settings; <see cref="EmulatorOptions.GraphPath"/> is not read here.</param>
    /// <param name="graph">The follow graph to answer from; follow_add and follow_delete change it.</param>
    /// <param name="clock">The clock for UserSig expiry, the rate limit and the log; the system clock by default.</param>
    /// <param name="cancellationToken">Cancels start-up.</param>
    public static async Task<EmulatorServer> StartAsync(
        EmulatorOptions options, FollowGraph graph, TimeProvider? clock = null, CancellationToken cancellationToken = default)
    {
        // Empty args and the emulator's own folder as content root: no command line or appsettings.json can reconfigure it.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = [],
            ContentRootPath = AppContext.BaseDirectory,
        });
        // Stdout carries only the "listening on" line that callers parse; warnings and errors go to stderr.
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
        // A start that fails (a taken port, an address not this machine's) throws to the caller, which reports it in one
        // line; the host's own "Hosting failed to start" log would add the exception's stack trace to stderr.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None);
        builder.Services.Configure<ConsoleLifetimeOptions>(lifetime => lifetime.SuppressStatusMessages = true);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            if (options.Https) kestrel.Listen(options.ListenAddress, options.Port, listen => listen.UseHttps(SelfSignedCertificate()));
            else kestrel.Listen(options.ListenAddress, options.Port);
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = MaxRequestBodyBytes;
        });

        var time = clock ?? TimeProvider.System;
        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton(time);
        services.AddSingleton(graph);
        services.AddSingleton(new AccountDirectory(graph, options.Admins));
        services.AddSingleton<FollowCursor>();
        services.AddSingleton(new UserSigVerifier(options.Key, time));
        services.AddSingleton(new FrequencyLimiter(time));
        services.AddSingleton(new FaultInjector(options.Seed));
        services.AddSingleton<CannedAnswers>();
        services.AddSingleton(new RuntimeSettingsStore(RuntimeSettings.From(options)));
        services.AddSingleton<RequestLog>();
        services.AddSingleton<EmulatorStats>();
        services.AddSingleton<SeenUserSigs>();
        services.AddSingleton<OutageClock>();
        services.AddSingleton<RestApiPipeline>();
        services.AddSingleton<IRestApi, FollowGetInfoEndpoint>();
        services.AddSingleton<IRestApi, FollowCheckEndpoint>();
        services.AddSingleton<IRestApi, FollowGetEndpoint>();
        services.AddSingleton<IRestApi, FollowAddEndpoint>();
        services.AddSingleton<IRestApi, FollowDeleteEndpoint>();
        services.AddSingleton<IRestApi, AccountCheckEndpoint>();

        var app = builder.Build();
        var pipeline = app.Services.GetRequiredService<RestApiPipeline>();
        foreach (var api in app.Services.GetServices<IRestApi>())
        {
            app.MapPost(RestApiPipeline.PathOf(api), (HttpContext context) => pipeline.HandleAsync(context, api));
        }
        app.MapPost(RestApiPipeline.AnyCommandRoute, (HttpContext context, string service, string command) =>
            pipeline.HandleUnknownAsync(context, service, command));
        ControlEndpoints.Map(app);
        app.MapFallback("{*path}", NotFoundAsync);

        await app.StartAsync(cancellationToken);
        var bound = new Uri(app.Urls.Single()); // after start, the address with the port actually bound
        return new EmulatorServer(app, new UriBuilder(options.Https ? Uri.UriSchemeHttps : Uri.UriSchemeHttp, options.ListenAddress.ToString(), bound.Port).Uri);
    }

    /// <summary>A certificate made at start-up for 127.0.0.1 and localhost, signed by itself: valid in form, trusted by no one.</summary>
    private static X509Certificate2 SelfSignedCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=TencentChatFollow emulator (untrusted)", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        using var made = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        // Through PKCS#12 so the private key is usable by the TLS stack on every platform.
        return X509CertificateLoader.LoadPkcs12(made.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>Completes when the emulator stops, e.g. on Ctrl+C or SIGTERM.</summary>
    public Task WaitForShutdownAsync() => _app.WaitForShutdownAsync();

    public Task StopAsync(CancellationToken cancellationToken = default) => _app.StopAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>Any other path or method: HTTP 404 with a Tencent-style FAIL envelope.</summary>
    private static Task NotFoundAsync(HttpContext context)
    {
        var error = new ApiError(ErrorCodes.HttpParseError, $"no API at {context.Request.Method} {context.Request.Path}");
        var reply = ApiReply.Fail(error) with { StatusCode = StatusCodes.Status404NotFound };
        return reply.WriteAsync(context, TimeProvider.System, context.RequestAborted);
    }
}
