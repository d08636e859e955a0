namespace WebhookFunctions.InfrastructureTests;

/// <summary>
/// `bicep build` and `bicep lint` gate CI. The compiler reports unknown properties (BCP037), misspelt ones (BCP089) and
/// unknown resource types (BCP081) as warnings that Bicep does not let a config raise, so the gate is: exit code 0 and
/// no diagnostic at warning or error level.
/// </summary>
[Collection(InfrastructureCollection.Name)]
public sealed class BicepCompilationTests(InfrastructureFixture fixture)
{
    [Fact]
    public void Main_template_compiles_with_no_errors_and_no_warnings()
    {
        Assert.True(fixture.Build.ExitCode == 0, fixture.Build.ToString());
        Assert.Empty(Failures(fixture.Build));
        Assert.Contains("\"$schema\"", fixture.CompiledTemplate, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Linter_finds_nothing_with_every_core_rule_raised_to_error()
    {
        using var infra = InfraCopy.Create();

        var lint = await BicepCli.RunAsync(infra.Directory, "lint", "main.bicep");

        Assert.True(lint.ExitCode == 0, lint.ToString());
        Assert.Empty(Failures(lint));
    }

    [Theory]
    [InlineData("app/storage.bicep", "allowSharedKeyAccess: false", "sharedKeysEnabled: false", "BCP037")]
    [InlineData("app/storage.bicep", "allowSharedKeyAccess: false", "allowSharedKeyAcess: false", "BCP089")]
    [InlineData("app/identity.bicep", "'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31'", "'Microsoft.ManagedIdentity/userAssignedIdentity@2023-01-31'", "BCP081")]
    public async Task A_typo_in_a_resource_fails_the_build_gate(string template, string original, string typo, string expectedCode)
    {
        using var infra = InfraCopy.Create();
        infra.Edit(template, original, typo);

        var build = await BicepCli.RunAsync(infra.Directory, "build", "main.bicep", "--stdout");

        Assert.Contains(
            Failures(build),
            d => d.Code == expectedCode && d.File.Replace('\\', '/').EndsWith(template, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_linter_finding_fails_lint_with_a_non_zero_exit_code()
    {
        using var infra = InfraCopy.Create();
        infra.Edit("app/identity.bicep", "param tags object\n", "param tags object\nparam forgotten string = 'x'\n");

        var lint = await BicepCli.RunAsync(infra.Directory, "lint", "main.bicep");

        Assert.NotEqual(0, lint.ExitCode);
        Assert.Contains(Failures(lint), d => d.Code == "no-unused-params" && d.Level == "Error");
    }

    private static List<BicepDiagnostic> Failures(BicepRun run) =>
        run.Diagnostics.Where(d => d.Level is "Error" or "Warning").ToList();
}
