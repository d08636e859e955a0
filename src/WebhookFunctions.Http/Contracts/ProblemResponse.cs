using System.Text.Json.Serialization;

namespace WebhookFunctions.Http.Contracts;

/// <summary>RFC 9457 problem details; <see cref="Errors"/> names the fields at fault for validation errors.</summary>
internal sealed record ProblemResponse(
    string Type,
    string Title,
    int Status,
    string Detail,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, string[]>? Errors);
