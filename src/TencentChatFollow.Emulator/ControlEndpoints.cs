using System.Text.Json;

namespace TencentChatFollow.Emulator;

/// <summary>The /_emulator/* endpoints that tests use to inspect and steer the emulator.</summary>
internal static class ControlEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var control = app.MapGroup("/_emulator");

        control.MapGet("/health", () => Results.Json(new { status = "ok" }));

        control.MapGet("/stats", (EmulatorStats stats, FrequencyLimiter rateLimiter) =>
            Results.Json(stats.Snapshot(rateLimiter.Peaks())));

        control.MapGet("/requests", (RequestLog log) => Results.Json(log.Snapshot()));

        control.MapGet("/usersigs", (SeenUserSigs userSigs) => Results.Json(userSigs.Snapshot()));

        control.MapPost("/reset", (RequestLog log, EmulatorStats stats, FrequencyLimiter rateLimiter, SeenUserSigs userSigs, OutageClock outage) =>
        {
            log.Reset();
            stats.Reset();
            rateLimiter.Reset();
            userSigs.Reset();
            outage.Reset();
            return Results.NoContent();
        });

        control.MapGet("/faults", (RuntimeSettingsStore settings) => Results.Json(settings.Current.ToJson()));

        control.MapPost("/faults", async (HttpRequest request, RuntimeSettingsStore settings) =>
        {
            string? error;
            try
            {
                using var patch = await JsonDocument.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted);
                error = settings.TryUpdate(patch.RootElement);
            }
            catch (JsonException e)
            {
                error = $"body is not valid JSON: {e.Message}";
            }
            return error is null
                ? Results.Json(settings.Current.ToJson())
                : Results.Json(new { error }, statusCode: StatusCodes.Status400BadRequest);
        });
    }
}
