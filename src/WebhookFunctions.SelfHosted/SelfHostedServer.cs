using Microsoft.Extensions.Options;
using WebhookFunctions.Engine;
using WebhookFunctions.Http;
using Scalar.AspNetCore;
using WebhookFunctions.Http.Routing;
using WebhookFunctions.Http.Security;
using WebhookFunctions.SelfHosted.OpenApi;
using WebhookFunctions.Storage;

namespace WebhookFunctions.SelfHosted;

/// <summary>The self-hosted server: the HTTP contract plus fan-out and delivery workers over Azure Storage Queues.</summary>
public static class SelfHostedServer
{
    /// <summary>Request bodies Kestrel lets through: a little over the API's own 256 KiB cap, which answers 413 itself.</summary>
    public const long KestrelMaxRequestBodySize = 256 * 1024 + 16 * 1024;

    /// <summary>The interactive API reference (Development only), over <see cref="OpenApiDocumentPath"/>.</summary>
    public const string ApiReferencePath = "/api/docs";

    public const string OpenApiDocumentPath = "/" + ApiRouteTemplates.Prefix + "/" + ApiRouteTemplates.OpenApiDocument;

    /// <summary>
    /// Builds the server; <paramref name="configure"/> runs before anything reads configuration, so tests can point it
    /// at their own storage, keys and port.
    /// </summary>
    /// <exception cref="OptionsValidationException">
    /// An options class fails validation, or (outside Development) no usable API key is configured: none, the public
    /// development key, or one shorter than <see cref="ProductionKeyRules.MinimumLength"/> characters.
    /// </exception>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        RequireApiKeyOutsideDevelopment(builder);

        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = KestrelMaxRequestBodySize);
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(30));
        builder.Services.Configure<HostOptions>(builder.Configuration.GetSection("Host"));

        // First among hosted services: Azurite must listen before anything touches storage.
        builder.Services.AddHostedService<AzuriteHostedService>();

        builder.Services
            .AddWebhookEngine(builder.Configuration)
            .AddAzureStorageStores(builder.Configuration)
            .AddStorageQueueTransport(builder.Configuration)
            .AddWebhookHttp();
        builder.Services.AddHostedService<RetentionSweepService>();
        builder.Services.AddProblemDetails(problems => problems.CustomizeProblemDetails = FillDetail);
        builder.Services.AddWebhookOpenApi();
        builder.AddObservability();

        var app = builder.Build();

        // Options are validated here, before the host starts, so a configuration mistake is one clear exception
        // rather than a "Hosting failed to start" log entry with a stack trace.
        app.Services.GetService<IStartupValidator>()?.Validate();

        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapWebhookApi();
        if (app.Environment.IsDevelopment())
        {
            app.MapScalarApiReference(ApiReferencePath, reference => reference.WithOpenApiRoutePattern(OpenApiDocumentPath));
        }

        return app;
    }

    /// <summary>Errors raised outside the handlers (unknown route, wrong method, unhandled exception) get a detail too.</summary>
    private static void FillDetail(ProblemDetailsContext context)
    {
        var request = context.HttpContext.Request;
        context.ProblemDetails.Detail ??= context.ProblemDetails.Status switch
        {
            StatusCodes.Status404NotFound => $"Nothing is served at {request.Method} {request.Path}.",
            StatusCodes.Status405MethodNotAllowed => $"{request.Method} is not allowed on {request.Path}.",
            StatusCodes.Status500InternalServerError => "The server failed to handle the request; it has been logged.",
            _ => context.ProblemDetails.Title,
        };
    }

    private static void RequireApiKeyOutsideDevelopment(WebApplicationBuilder builder)
    {
        if (builder.Environment.IsDevelopment())
        {
            return;
        }

        var keys = builder.Configuration.GetSection($"{ApiOptions.SectionName}:{nameof(ApiOptions.Keys)}").Get<string?[]>() ?? [];
        if (ProductionKeyRules.Problems(keys, builder.Environment.EnvironmentName) is [var first, ..])
        {
            throw new OptionsValidationException(ApiOptions.SectionName, typeof(ApiOptions), [first]);
        }
    }
}
