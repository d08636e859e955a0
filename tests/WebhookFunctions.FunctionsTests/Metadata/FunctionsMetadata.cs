using System.Text.Json;

namespace WebhookFunctions.FunctionsTests.Metadata;

/// <summary>
/// The functions.metadata the Worker SDK generated when it built the Functions project (it travels to this project's
/// output with the project reference): what the Functions host reads to create triggers and routes.
/// </summary>
internal static class FunctionsMetadata
{
    public static string FilePath { get; } = Path.Combine(AppContext.BaseDirectory, "functions.metadata");

    private static readonly Lazy<IReadOnlyList<FunctionEntry>> Loaded = new(Load);

    public static IReadOnlyList<FunctionEntry> All => Loaded.Value;

    public static IEnumerable<FunctionEntry> OfTrigger(string triggerType) =>
        All.Where(function => string.Equals(function.TriggerType, triggerType, StringComparison.Ordinal));

    private static List<FunctionEntry> Load()
    {
        if (!File.Exists(FilePath))
        {
            throw new FileNotFoundException($"No functions.metadata at {FilePath}: the Worker SDK writes it when it builds the Functions project.");
        }

        using var document = JsonDocument.Parse(File.ReadAllText(FilePath));
        return document.RootElement.EnumerateArray().Select(FunctionEntry.From).ToList();
    }
}

/// <summary>One function as the host sees it: its name, the method it runs and its bindings.</summary>
internal sealed record FunctionEntry(string Name, string EntryPoint, IReadOnlyList<JsonElement> Bindings)
{
    /// <summary>The class the worker creates for each invocation (the entry point without the method name).</summary>
    public string ClassName => EntryPoint[..EntryPoint.LastIndexOf('.')];

    public string MethodName => EntryPoint[(EntryPoint.LastIndexOf('.') + 1)..];

    public JsonElement Trigger => Bindings.Single(binding => Text(binding, "type").EndsWith("Trigger", StringComparison.Ordinal));

    public string TriggerType => Text(Trigger, "type");

    public static FunctionEntry From(JsonElement function) => new(
        Text(function, "name"),
        Text(function, "entryPoint"),
        function.GetProperty("bindings").EnumerateArray().Select(binding => binding.Clone()).ToList());

    public static string Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new InvalidOperationException($"functions.metadata: no string '{property}' in {element}");

    public override string ToString() => Name;
}
