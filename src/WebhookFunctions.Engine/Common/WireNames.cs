using System.Text.Json;

namespace WebhookFunctions.Engine.Common;

/// <summary>How the contract spells an enum value: camelCase, as in <c>endpointGone</c>.</summary>
public static class WireNames
{
    public static string Of<TEnum>(TEnum value)
        where TEnum : struct, Enum => JsonNamingPolicy.CamelCase.ConvertName(value.ToString());
}
