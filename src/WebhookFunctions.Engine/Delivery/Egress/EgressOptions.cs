using System.ComponentModel.DataAnnotations;
using System.Net;

namespace WebhookFunctions.Engine.Delivery.Egress;

/// <summary>Where deliveries may connect. Bound from the "Egress" configuration section.</summary>
public sealed class EgressOptions : IValidatableObject
{
    public const string SectionName = "Egress";

    /// <summary>CIDRs allowed although not public (e.g. "127.0.0.0/8" for local development). Empty in production.</summary>
    public IList<string> AllowedNetworks { get; set; } = [];

    /// <summary>Refuse plain http:// receiver URLs at delivery time too, not only when a subscription is saved.</summary>
    public bool HttpsOnly { get; set; }

    public IReadOnlyList<IPNetwork> ParsedAllowedNetworks() => AllowedNetworks.Select(IPNetwork.Parse).ToList();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) =>
        AllowedNetworks
            .Where(n => !IPNetwork.TryParse(n, out _))
            .Select(n => new ValidationResult($"Egress:AllowedNetworks: '{n}' is not a CIDR such as 127.0.0.0/8.", [nameof(AllowedNetworks)]));
}
