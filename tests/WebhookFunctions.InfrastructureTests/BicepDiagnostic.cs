using System.Text.RegularExpressions;

namespace WebhookFunctions.InfrastructureTests;

/// <summary>One line of Bicep CLI output: <c>file(line,column) : Level CODE: message</c>.</summary>
internal sealed partial record BicepDiagnostic(string File, int Line, string Level, string Code, string Message)
{
    public static IReadOnlyList<BicepDiagnostic> Parse(string output) =>
        DiagnosticLine().Matches(output)
            .Select(m => new BicepDiagnostic(
                m.Groups["file"].Value,
                int.Parse(m.Groups["line"].Value, System.Globalization.CultureInfo.InvariantCulture),
                m.Groups["level"].Value,
                m.Groups["code"].Value,
                m.Groups["message"].Value.Trim()))
            .ToList();

    public override string ToString() => $"{Path.GetFileName(File)}({Line}) {Level} {Code}: {Message}";

    [GeneratedRegex(@"^(?<file>.+?)\((?<line>\d+),(?<column>\d+)\) : (?<level>Error|Warning|Info) (?<code>[^:\s]+): (?<message>.*)$", RegexOptions.Multiline)]
    private static partial Regex DiagnosticLine();
}
