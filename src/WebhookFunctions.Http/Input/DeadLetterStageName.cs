using WebhookFunctions.Engine.Common;
using WebhookFunctions.Engine.DeadLetters;
using WebhookFunctions.Http.Contracts;

namespace WebhookFunctions.Http.Input;

/// <summary>A dead-letter stage as the API names it: <c>delivery</c> or <c>fanOut</c>.</summary>
internal static class DeadLetterStageName
{
    public const string Field = "stage";

    private static readonly string Allowed = string.Join(", ", Enum.GetValues<DeadLetterStage>().Select(ResponseMapping.Name));

    /// <summary>Null when absent; an unknown name is recorded in <paramref name="errors"/>.</summary>
    public static DeadLetterStage? Parse(FieldErrors errors, string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        foreach (var stage in Enum.GetValues<DeadLetterStage>())
        {
            if (string.Equals(ResponseMapping.Name(stage), text, StringComparison.Ordinal))
            {
                return stage;
            }
        }

        errors.Add(Field, $"stage must be one of: {Allowed}.");
        return null;
    }
}
