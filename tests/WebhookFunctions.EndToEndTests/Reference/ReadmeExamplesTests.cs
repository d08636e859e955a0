using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using WebhookFunctions.Http.OpenApi;

namespace WebhookFunctions.EndToEndTests.Reference;

/// <summary>
/// Every example request body (a curl -d in "Try it") and every marked example answer in the README validates against
/// the OpenAPI document (the committed one, which <see cref="OpenApiDocumentTests"/> holds equal to the generated one).
/// </summary>
public sealed partial class ReadmeExamplesTests
{
    private static readonly JsonNode Document = JsonNode.Parse(new OpenApiDocumentEndpoint().Utf8.Span)!;
    private static readonly SchemaCheck Schemas = new(Document);

    /// <summary>Shell variables of the walkthrough stand for ids; any id will do for the schema.</summary>
    private static readonly Dictionary<string, string> SampleValues = new(StringComparer.Ordinal)
    {
        ["$SUB_ID"] = "sub_019acf3e6a1e7c2b9d4f5e6a7b8c9d0e",
        ["$EVENT_ID"] = "evt_019acf3e6b2a7d3c8e5f6a7b8c9d0e1f",
    };

    public static TheoryData<string> RequestBodies() => new(WalkthroughRequests().Select(request => request.Description));

    public static TheoryData<string> ExampleAnswers() => new(Readme.ExampleAnswers().Select(example => $"{example.Method} {example.Path} {example.Status}"));

    [Fact]
    public void The_walkthrough_sends_bodies_and_the_readme_shows_answers()
    {
        Assert.True(WalkthroughRequests().Count >= 8, "Expected the walkthrough's curl -d bodies.");
        Assert.True(Readme.ExampleAnswers().Count >= 6, "Expected the README's marked example answers.");
    }

    [Theory]
    [MemberData(nameof(RequestBodies))]
    public void Each_request_body_of_the_walkthrough_is_valid_for_its_operation(string description)
    {
        var request = WalkthroughRequests().Single(r => r.Description == description);
        var operation = Operation(request.Method, request.Path);
        var schema = operation["requestBody"]!["content"]!["application/json"]!["schema"]!;

        Assert.Empty(Schemas.Errors(JsonNode.Parse(request.Body), schema));
    }

    [Theory]
    [MemberData(nameof(ExampleAnswers))]
    public void Each_example_answer_is_valid_for_its_operation_and_status(string example)
    {
        var (method, path, status, json) = Readme.ExampleAnswers().Single(e => $"{e.Method} {e.Path} {e.Status}" == example);
        var content = Operation(method, path)["responses"]![status.ToString(System.Globalization.CultureInfo.InvariantCulture)]!["content"]!.AsObject();
        var schema = (content["application/json"] ?? content["application/problem+json"])!["schema"]!;

        Assert.Empty(Schemas.Errors(JsonNode.Parse(json), schema));
    }

    [Fact]
    public void The_check_finds_what_breaks_a_schema()
    {
        var replay = Operation("POST", "/api/dead-letters/replay");
        var schema = replay["requestBody"]!["content"]!["application/json"]!["schema"]!;
        var answer = replay["responses"]!["200"]!["content"]!["application/json"]!["schema"]!;

        Assert.NotEmpty(Schemas.Errors(JsonNode.Parse("""{"subscriptionID":"sub_1"}"""), schema));
        Assert.NotEmpty(Schemas.Errors(JsonNode.Parse("""{"dryRun":"yes"}"""), schema));
        Assert.NotEmpty(Schemas.Errors(JsonNode.Parse("""{"matched":1,"replayed":0,"skipped":{"disabled":1}}"""), answer));
        Assert.NotEmpty(Schemas.Errors(JsonNode.Parse("""{"matched":1,"replayed":0}"""), answer));
    }

    /// <summary>The document's operation for a concrete path such as /api/subscriptions/sub_1 or a template path.</summary>
    private static JsonNode Operation(string method, string path)
    {
        var matches = Document["paths"]!.AsObject()
            .Where(entry => Template(entry.Key).IsMatch(path) || entry.Key == path)
            .Select(entry => entry.Value![method.ToLowerInvariant()])
            .OfType<JsonNode>()
            .ToList();
        return Assert.Single(matches);
    }

    private static Regex Template(string template) =>
        new("^" + Regex.Replace(Regex.Escape(template), @"\\\{[^}]+}", "[^/]+") + "$", RegexOptions.None, TimeSpan.FromSeconds(1));

    private sealed record CurlRequest(string Method, string Path, string Body)
    {
        public required int Index { get; init; }

        public string Description => $"#{Index} {Method} {Path} {Body}";
    }

    /// <summary>Every curl in the walkthrough that sends a body: its method, path (variables filled in) and JSON.</summary>
    private static List<CurlRequest> WalkthroughRequests()
    {
        var walkthrough = Readme.ShellBlocks(Readme.Section("Try it"))[1].Replace("\\\n", " ", StringComparison.Ordinal);
        var requests = new List<CurlRequest>();
        foreach (var line in walkthrough.Split('\n').Where(line => line.Contains("curl ", StringComparison.Ordinal)))
        {
            var body = Body().Match(line);
            if (!body.Success)
            {
                continue;
            }

            var json = body.Groups["single"].Success ? body.Groups["single"].Value : body.Groups["double"].Value.Replace("\\\"", "\"", StringComparison.Ordinal);
            var method = Method().Match(line) is { Success: true } explicitMethod ? explicitMethod.Groups[1].Value : "POST";
            var path = Path().Match(line).Groups["path"].Value;
            requests.Add(new CurlRequest(method, Fill("/api" + path), Fill(json)) { Index = requests.Count + 1 });
        }

        return requests;
    }

    private static string Fill(string text) =>
        SampleValues.Aggregate(text, (filled, variable) => filled.Replace(variable.Key, variable.Value, StringComparison.Ordinal));

    [GeneratedRegex("""-d (?:'(?<single>[^']*)'|"(?<double>(?:[^"\\]|\\.)*)")""")]
    private static partial Regex Body();

    [GeneratedRegex(@"-X ([A-Z]+)")]
    private static partial Regex Method();

    [GeneratedRegex(@"\$API(?<path>/[^\s""'?]*)")]
    private static partial Regex Path();
}
