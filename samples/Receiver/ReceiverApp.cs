namespace WebhookFunctions.Samples.Receiver;

/// <summary>
/// The sample receiver: POST {Receiver:Path} takes webhooks, POST {Receiver:GonePath} answers 410 Gone, GET /received
/// lists what was verified.
/// </summary>
public static class ReceiverApp
{
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        if (string.IsNullOrEmpty(builder.Configuration["Urls"]))
        {
            builder.WebHost.UseUrls(ReceiverOptions.DefaultUrl);
        }

        builder.Services.AddOptions<ReceiverOptions>().BindConfiguration(ReceiverOptions.SectionName);
        builder.Services.AddSingleton<ReceivedWebhooks>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<WebhookEndpoint>();

        var app = builder.Build();
        var options = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ReceiverOptions>>().Value;
        app.MapPost(options.Path, (HttpRequest request, WebhookEndpoint endpoint) => endpoint.HandleAsync(request));
        app.MapPost(options.GonePath, () => Results.StatusCode(StatusCodes.Status410Gone));
        app.MapGet("/received", (ReceivedWebhooks received) => received.All().Select(w => new { w.Id, w.Type, w.ReceivedAt, w.Duplicates }));
        return app;
    }
}
