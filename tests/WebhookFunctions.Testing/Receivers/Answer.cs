using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace WebhookFunctions.Testing.Receivers;

/// <summary>What a receiver endpoint answers to one request.</summary>
public sealed class Answer
{
    private readonly Func<HttpContext, byte[], Task> write;

    private Answer(Func<HttpContext, Task> write) => this.write = (context, _) => write(context);

    private Answer(Func<HttpContext, byte[], Task> write) => this.write = write;

    public static Answer Status(int status, string? body = null) => new(async context =>
    {
        context.Response.StatusCode = status;
        if (body is not null)
        {
            await context.Response.WriteAsync(body);
        }
    });

    public static Answer RetryAfter(int status, TimeSpan after) => new(context =>
    {
        context.Response.StatusCode = status;
        context.Response.Headers.RetryAfter = ((long)after.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        return Task.CompletedTask;
    });

    /// <summary>Whatever <paramref name="write"/> does with the request and its response (a stalled body, a redirect...).</summary>
    public static Answer With(Func<HttpContext, Task> write) => new(write);

    /// <summary>Answers <paramref name="status"/> after <paramref name="delay"/>, unless the sender gives up first.</summary>
    public static Answer After(TimeSpan delay, int status) => new(async context =>
    {
        await Task.Delay(delay, context.RequestAborted);
        context.Response.StatusCode = status;
    });

    /// <summary>Never answers: the request ends when the sender gives up and closes the connection.</summary>
    public static Answer Hang { get; } = new(async context =>
    {
        try
        {
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            // The sender timed out and hung up.
        }
    });

    /// <summary>
    /// What an endpoint that is its owner's does: a <c>webhook.verification</c> handshake is answered 200 with
    /// <c>{"challenge": "&lt;the one sent&gt;"}</c>; any other webhook, 200.
    /// </summary>
    public static Answer EchoChallenge { get; } = new(async (context, body) =>
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        using var envelope = JsonDocument.Parse(body);
        if (envelope.RootElement.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object && data.TryGetProperty("challenge", out var challenge))
        {
            await context.Response.WriteAsJsonAsync(new { challenge = challenge.GetString() });
        }
    });

    /// <param name="body">The request body, already read by the receiver.</param>
    public Task WriteAsync(HttpContext context, byte[] body) => write(context, body);
}
