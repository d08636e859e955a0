using System.Text.Json;

namespace WebhookFunctions.InfrastructureTests;

/// <summary>Who may do what: least privilege, each role on the one resource it opens.</summary>
[Collection(InfrastructureCollection.Name)]
public sealed class RoleAssignmentTests(InfrastructureFixture fixture)
{
    private static readonly string[] AppRoles =
    [
        "Storage Blob Data Owner",
        "Storage Table Data Contributor",
        "Azure Service Bus Data Owner",
        "Monitoring Metrics Publisher",
    ];

    /// <summary>A person runs the app locally and reads the resources in the portal; no scale controller works for them.</summary>
    private static readonly string[] UserRoles =
    [
        "Storage Blob Data Owner",
        "Storage Table Data Contributor",
        "Azure Service Bus Data Sender",
        "Azure Service Bus Data Receiver",
        "Monitoring Metrics Publisher",
    ];

    /// <summary>The resource type each role may be assigned on.</summary>
    private static readonly Dictionary<string, string> ScopeTypeOfRole = new()
    {
        ["Storage Blob Data Owner"] = "Microsoft.Storage/storageAccounts",
        ["Storage Table Data Contributor"] = "Microsoft.Storage/storageAccounts",
        ["Storage Queue Data Contributor"] = "Microsoft.Storage/storageAccounts",
        ["Azure Service Bus Data Sender"] = "Microsoft.ServiceBus/namespaces",
        ["Azure Service Bus Data Receiver"] = "Microsoft.ServiceBus/namespaces",
        ["Azure Service Bus Data Owner"] = "Microsoft.ServiceBus/namespaces",
        ["Monitoring Metrics Publisher"] = "Microsoft.Insights/components",
    };

    [Fact]
    public void Every_role_assignment_is_scoped_to_the_resource_it_opens_not_the_resource_group()
    {
        var snapshot = fixture.WithDeployingUser;
        var resourceGroupId = DeploymentSnapshot.Id(snapshot.Single("Microsoft.Resources/resourceGroups"));
        var assignments = Assignments(snapshot);

        Assert.NotEmpty(assignments);
        Assert.All(assignments, assignment =>
        {
            Assert.NotEqual(resourceGroupId, assignment.Scope, StringComparer.OrdinalIgnoreCase);
            Assert.StartsWith(resourceGroupId + "/providers/", assignment.Scope, StringComparison.OrdinalIgnoreCase);
            var scopedResource = Assert.Single(snapshot.Resources, r => string.Equals(DeploymentSnapshot.Id(r), assignment.Scope, StringComparison.OrdinalIgnoreCase));
            Assert.Equal(ScopeTypeOfRole[assignment.Role], scopedResource.GetProperty("type").GetString());
        });
    }

    [Fact]
    public void App_identity_holds_exactly_the_roles_the_app_uses()
    {
        var snapshot = fixture.WithDeployingUser;
        var identityId = DeploymentSnapshot.Id(snapshot.Single("Microsoft.ManagedIdentity/userAssignedIdentities"));

        var granted = Assignments(snapshot).Where(a => DeploymentSnapshot.IsReferenceTo(a.PrincipalId, identityId, "principalId")).ToList();

        Assert.All(granted, a => Assert.Equal("ServicePrincipal", a.PrincipalType));
        Assert.Equal(AppRoles.Order(), granted.Select(a => a.Role).Order());
    }

    [Fact]
    public void App_identity_may_read_Service_Bus_message_counts_for_the_scale_controller()
    {
        var snapshot = fixture.WithDeployingUser;
        var identityId = DeploymentSnapshot.Id(snapshot.Single("Microsoft.ManagedIdentity/userAssignedIdentities"));
        var namespaceId = DeploymentSnapshot.Id(snapshot.Single("Microsoft.ServiceBus/namespaces"));

        var onNamespace = Assignments(snapshot)
            .Where(a => DeploymentSnapshot.IsReferenceTo(a.PrincipalId, identityId, "principalId"))
            .Where(a => string.Equals(a.Scope, namespaceId, StringComparison.OrdinalIgnoreCase))
            .Select(a => a.Role);

        // Only Data Owner carries the Manage right that reading an entity's runtime properties needs.
        Assert.Equal(["Azure Service Bus Data Owner"], onNamespace);
    }

    [Fact]
    public void Deploying_user_gets_the_data_roles_for_local_runs()
    {
        var granted = Assignments(fixture.WithDeployingUser).Where(a => a.PrincipalId == DeploymentSnapshot.DeployingUserId).ToList();

        Assert.All(granted, a => Assert.Equal("User", a.PrincipalType));
        Assert.Equal(UserRoles.Order(), granted.Select(a => a.Role).Order());
    }

    [Fact]
    public async Task A_pipeline_principal_gets_its_assignments_as_a_service_principal()
    {
        using var infra = InfraCopy.Create();
        var snapshot = await DeploymentSnapshot.CreateAsync(infra, "pipeline", DeploymentSnapshot.DeployingUserId, principalType: "ServicePrincipal");

        var granted = Assignments(snapshot).Where(a => a.PrincipalId == DeploymentSnapshot.DeployingUserId).ToList();

        Assert.Equal(UserRoles.Order(), granted.Select(a => a.Role).Order());
        Assert.All(granted, a => Assert.Equal("ServicePrincipal", a.PrincipalType));
    }

    [Fact]
    public void Without_a_deploying_user_only_the_app_identity_is_granted()
    {
        var snapshot = fixture.WithoutDeployingUser;
        var identityId = DeploymentSnapshot.Id(snapshot.Single("Microsoft.ManagedIdentity/userAssignedIdentities"));

        var assignments = Assignments(snapshot);

        Assert.Equal(AppRoles.Length, assignments.Count);
        Assert.All(assignments, a => Assert.True(DeploymentSnapshot.IsReferenceTo(a.PrincipalId, identityId, "principalId"), a.PrincipalId));
    }

    private static List<RoleAssignment> Assignments(DeploymentSnapshot snapshot)
    {
        var roleNames = RoleNamesById();
        const string Marker = "/providers/Microsoft.Authorization/roleAssignments/";
        return snapshot.OfType("Microsoft.Authorization/roleAssignments")
            .Select(r =>
            {
                var id = DeploymentSnapshot.Id(r);
                var roleDefinitionId = DeploymentSnapshot.At(r, "properties.roleDefinitionId").GetString()!;
                var roleId = roleDefinitionId[(roleDefinitionId.LastIndexOf('/') + 1)..];
                Assert.True(roleNames.TryGetValue(roleId, out var role), $"{id} assigns {roleDefinitionId}, which rbac/roles.json does not name.");
                return new RoleAssignment(
                    id[..id.IndexOf(Marker, StringComparison.OrdinalIgnoreCase)],
                    role,
                    DeploymentSnapshot.At(r, "properties.principalId").GetString()!,
                    DeploymentSnapshot.At(r, "properties.principalType").GetString()!);
            })
            .ToList();
    }

    private static Dictionary<string, string> RoleNamesById()
    {
        using var roles = JsonDocument.Parse(File.ReadAllText(Path.Combine(BicepCli.InfraDirectory, "app", "rbac", "roles.json")));
        return roles.RootElement.EnumerateObject().ToDictionary(p => p.Value.GetString()!, p => p.Name, StringComparer.OrdinalIgnoreCase);
    }

    private sealed record RoleAssignment(string Scope, string Role, string PrincipalId, string PrincipalType);
}
