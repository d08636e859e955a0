using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace WebhookFunctions.Testing.Scenarios;

/// <summary>
/// A scenario, run once by every concrete class that derives the scenario set for a host. It is skipped, with the
/// reason, in a class whose host is named by an environment variable that is not set
/// (<see cref="HostFromEnvironmentAttribute"/>).
/// </summary>
[XunitTestCaseDiscoverer("WebhookFunctions.Testing.Scenarios.ScenarioFactDiscoverer", "WebhookFunctions.Testing")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class ScenarioFactAttribute : FactAttribute;

/// <summary>On a scenario class: its host is the one named by <paramref name="variable"/>, and without it there is nothing to run against.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class HostFromEnvironmentAttribute(string variable) : Attribute
{
    public string Variable => variable;

    /// <summary>Why the scenarios of <paramref name="testClass"/> cannot run here, or null when they can.</summary>
    public static string? SkipReason(ITypeInfo testClass)
    {
        ArgumentNullException.ThrowIfNull(testClass);
        var missing = testClass.GetCustomAttributes(typeof(HostFromEnvironmentAttribute).AssemblyQualifiedName)
            .Select(attribute => (string)attribute.GetConstructorArguments().Single())
            .Where(name => string.IsNullOrEmpty(Environment.GetEnvironmentVariable(name)))
            .ToList();
        return missing.Count == 0 ? null : $"No host to run against: {string.Join(", ", missing)} is not set.";
    }
}

/// <summary>Discovers <see cref="ScenarioFactAttribute"/> scenarios as facts of the concrete class being discovered.</summary>
public sealed class ScenarioFactDiscoverer(IMessageSink diagnosticMessageSink) : FactDiscoverer(diagnosticMessageSink)
{
    protected override IXunitTestCase CreateTestCase(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute) =>
        new ScenarioTestCase(DiagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod);
}

/// <summary>A fact whose skip reason also comes from its class's <see cref="HostFromEnvironmentAttribute"/>.</summary>
public sealed class ScenarioTestCase : XunitTestCase
{
    [Obsolete("For the deserializer only.")]
    public ScenarioTestCase()
    {
    }

    public ScenarioTestCase(IMessageSink diagnosticMessageSink, TestMethodDisplay methodDisplay, TestMethodDisplayOptions methodDisplayOptions, ITestMethod testMethod)
        : base(diagnosticMessageSink, methodDisplay, methodDisplayOptions, testMethod)
    {
    }

    protected override string GetSkipReason(IAttributeInfo factAttribute) =>
        HostFromEnvironmentAttribute.SkipReason(TestMethod.TestClass.Class) ?? base.GetSkipReason(factAttribute);
}
