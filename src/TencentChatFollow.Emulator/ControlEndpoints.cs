using System.Text.Json;
using Microsoft.AspNetCore.Mvc;

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

        control.MapPost("/reset", (RequestLog log, EmulatorStats stats, FrequencyLimiter rateLimiter, SeenUserSigs userSigs, OutageClock outage,
            CannedAnswers canned) =>
        {
            canned.Reset();
            log.Reset();
            stats.Reset();
            rateLimiter.Reset();
            userSigs.Reset();
            outage.Reset();
            return Results.NoContent();
        });

        control.MapGet("/answers", (CannedAnswers canned) => Results.Json(canned.Snapshot()));

        control.MapPost("/answers", (HttpRequest request, CannedAnswers canned, [FromServices] IEnumerable<IRestApi> apis) =>
            ApplyJsonAsync(request, body => canned.TryAdd(body, apis.Select(a => a.Name).ToList()), () => canned.Snapshot()));

        control.MapGet("/faults", (RuntimeSettingsStore settings) => Results.Json(settings.Current.ToJson()));

        control.MapPost("/faults", (HttpRequest request, RuntimeSettingsStore settings) =>
            ApplyJsonAsync(request, settings.TryUpdate, () => settings.Current.ToJson()));
    }

    /// <summary>
    /// Reads the request's JSON body and applies it; answers <paramref name="state"/> when it applied, else HTTP 400
    /// with {"error":"..."}.
    /// </summary>
    private static async Task<IResult> ApplyJsonAsync(HttpRequest request, Func<JsonElement, string?> apply, Func<object> state)
    {
        string? error;
        try
        {
            using var body = await JsonDocument.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted);
            error = apply(body.RootElement);
        }
        catch (JsonException e)
        {
            error = $"body is not valid JSON: {e.Message}";
        }
        return error is null
            ? Results.Json(state())
            : Results.Json(new { error }, statusCode: StatusCodes.Status400BadRequest);
    }
}
