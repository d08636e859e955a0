namespace WebhookFunctions.EndToEndTests.Reference;

/// <summary>Files of the repository these tests read (the README) or refresh (the committed OpenAPI document).</summary>
internal static class RepositoryFiles
{
    public static string Root { get; } = FindRoot();

    public static string Readme => Path.Combine(Root, "README.md");

    /// <summary>The generated document as the Functions app serves it (an embedded resource of WebhookFunctions.Http).</summary>
    public static string CommittedOpenApiDocument => Path.Combine(Root, "src", "WebhookFunctions.Http", "OpenApi", "openapi.json");

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "WebhookFunctions.sln")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException($"No WebhookFunctions.sln above {AppContext.BaseDirectory}.");
    }
}
