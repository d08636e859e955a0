using System.Text.Json;
using System.Text.RegularExpressions;

namespace WebhookFunctions.InfrastructureTests;

/// <summary>What azd passes to main.bicep (main.parameters.json) and what main.bicep accepts.</summary>
[Collection(InfrastructureCollection.Name)]
public sealed partial class DeploymentParametersTests(InfrastructureFixture fixture)
{
    [Fact]
    public void Every_parameter_azd_passes_is_a_parameter_of_main_bicep()
    {
        var declared = TemplateParameters().EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.Ordinal);

        Assert.All(AzdParameters().Keys, name => Assert.Contains(name, declared));
    }

    [Fact]
    public void Principal_type_comes_from_AZURE_PRINCIPAL_TYPE_and_defaults_to_an_allowed_User()
    {
        var value = AzdParameters()["principalType"];
        var allowed = AllowedValues("principalType");

        // azd substitutes ${NAME=default} with the environment value, or the default when the variable is unset.
        var substitution = AzdSubstitution().Match(value);
        Assert.True(substitution.Success, value);
        Assert.Equal("AZURE_PRINCIPAL_TYPE", substitution.Groups["name"].Value);
        Assert.Equal("User", substitution.Groups["default"].Value);
        Assert.Equal(["ServicePrincipal", "User"], allowed.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Location_is_restricted_to_a_list_of_Flex_Consumption_regions()
    {
        var regions = AllowedValues("location");

        Assert.True(regions.Count > 10, string.Join(", ", regions));
        Assert.Equal(regions.Count, regions.Distinct(StringComparer.Ordinal).Count());
        Assert.All(regions, region => Assert.Matches("^[a-z0-9]+$", region));
        Assert.Contains(DeploymentSnapshot.Location, regions);
    }

    [Fact]
    public void The_regions_the_deployment_guide_suggests_are_all_allowed()
    {
        var guide = File.ReadAllText(Path.Combine(BicepCli.InfraDirectory, "..", "docs", "deploy-to-azure.md"));
        const string Opening = "Flex Consumption plan (for example";
        var start = guide.IndexOf(Opening, StringComparison.Ordinal);
        Assert.True(start >= 0, $"docs/deploy-to-azure.md no longer says '{Opening}'.");
        var examples = guide[start..guide.IndexOf(')', start)];
        var suggested = BacktickedWord().Matches(examples).Select(m => m.Groups["word"].Value).ToList();

        Assert.True(suggested.Count >= 4, examples);
        Assert.All(suggested, region => Assert.Contains(region, AllowedValues("location")));
    }

    [Fact]
    public async Task A_region_without_Flex_Consumption_is_refused_before_anything_is_deployed()
    {
        using var infra = InfraCopy.Create();

        // West India offers no Flex Consumption plan.
        var run = await DeploymentSnapshot.RunAsync(infra, "outside-list", deployingUserId: null, location: "westindia");

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains(run.Diagnostics, d => d.Level == "Error" && d.Message.Contains("westindia", StringComparison.Ordinal));
    }

    private JsonElement TemplateParameters()
    {
        using var template = JsonDocument.Parse(fixture.CompiledTemplate);
        return template.RootElement.GetProperty("parameters").Clone();
    }

    private List<string> AllowedValues(string parameter) =>
        TemplateParameters().GetProperty(parameter).GetProperty("allowedValues").EnumerateArray().Select(v => v.GetString()!).ToList();

    private static Dictionary<string, string> AzdParameters()
    {
        using var file = JsonDocument.Parse(File.ReadAllText(Path.Combine(BicepCli.InfraDirectory, "main.parameters.json")));
        return file.RootElement.GetProperty("parameters").EnumerateObject()
            .ToDictionary(p => p.Name, p => p.Value.GetProperty("value").GetString()!, StringComparer.Ordinal);
    }

    [GeneratedRegex(@"^\$\{(?<name>[A-Z_][A-Z0-9_]*)=(?<default>[^}]*)\}$")]
    private static partial Regex AzdSubstitution();

    [GeneratedRegex(@"`(?<word>[a-z0-9]+)`")]
    private static partial Regex BacktickedWord();
}
