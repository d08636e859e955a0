using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace WebhookFunctions.Functions.Hosting;

/// <summary>The Functions worker host: the ASP.NET Core integration, the app's services, and its start-up checks.</summary>
public static class FunctionsApp
{
    /// <summary>
    /// Builds the host and checks it can serve: options valid, every function class creatable.
    /// <paramref name="configure"/> runs before anything reads configuration, so tests can supply their settings.
    /// </summary>
    /// <exception cref="OptionsValidationException">An options class fails validation.</exception>
    /// <exception cref="InvalidOperationException">A service cannot be created (e.g. no Service Bus connection setting).</exception>
    public static IHost Build(string[] args, Action<FunctionsApplicationBuilder>? configure = null)
    {
        var builder = FunctionsApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        builder.ConfigureFunctionsWebApplication();
        builder.Services.AddWebhookFunctionsApp(builder.Configuration);

        var host = builder.Build();
        // The host would validate options on start; doing it here makes a configuration mistake one clear exception.
        host.Services.GetService<IStartupValidator>()?.Validate();
        FunctionClasses.EnsureResolvable(host.Services);
        return host;
    }
}
