using System.Text.RegularExpressions;

namespace WebhookFunctions.EndToEndTests.Reference;

/// <summary>The README as the tests read it: its sections, their shell blocks, and the marked example answers.</summary>
internal static partial class Readme
{
    public static string Text { get; } = File.ReadAllText(RepositoryFiles.Readme).ReplaceLineEndings("\n");

    /// <summary>The text from a "## heading" line up to the next heading of that level.</summary>
    public static string Section(string heading)
    {
        var start = Text.IndexOf($"\n## {heading}\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"README has no section '## {heading}'.");
        var end = Text.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        return end < 0 ? Text[start..] : Text[start..end];
    }

    /// <summary>The ```sh blocks of a section, in order.</summary>
    public static IReadOnlyList<string> ShellBlocks(string section) =>
        ShellBlock().Matches(section).Select(match => match.Groups["code"].Value).ToList();

    /// <summary>Each ```json block marked <c>&lt;!-- example: METHOD /api/path STATUS --&gt;</c>.</summary>
    public static IReadOnlyList<(string Method, string Path, int Status, string Json)> ExampleAnswers() =>
        ExampleBlock().Matches(Text)
            .Select(match => (match.Groups["method"].Value, match.Groups["path"].Value, int.Parse(match.Groups["status"].Value, System.Globalization.CultureInfo.InvariantCulture), match.Groups["json"].Value))
            .ToList();

    [GeneratedRegex(@"```sh\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex ShellBlock();

    [GeneratedRegex(@"<!-- example: (?<method>[A-Z]+) (?<path>\S+) (?<status>\d{3}) -->\n```json\n(?<json>.*?)```", RegexOptions.Singleline)]
    private static partial Regex ExampleBlock();
}
