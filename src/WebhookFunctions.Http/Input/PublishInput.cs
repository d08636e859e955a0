using System.Diagnostics;
using System.Net.Mime;
using System.Text;
using System.Text.Json;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.SystemTextJson;
using Microsoft.AspNetCore.Http;
using WebhookFunctions.Engine.Common;
using WebhookFunctions.Engine.Publishing;
using WebhookFunctions.Http.Contracts;

namespace WebhookFunctions.Http.Input;

/// <summary>Turns a publish request (plain JSON or a structured CloudEvent) into a <see cref="PublishCommand"/>.</summary>
internal static class PublishInput
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    public static readonly IReadOnlyList<string> MediaTypes = [RequestBody.Json, RequestBody.CloudEventsJson];

    private static readonly JsonEventFormatter CloudEventFormatter = new(
        new JsonSerializerOptions { MaxDepth = ApiJsonContext.MaxDepth },
        new JsonDocumentOptions { MaxDepth = ApiJsonContext.MaxDepth });

    private static readonly ContentType CloudEventsContentType = new(RequestBody.CloudEventsJson);

    /// <summary>
    /// The CloudEvents extension attribute naming the event's tenant (extension names are lower-case letters and
    /// digits only, so "tenantid" rather than the JSON body's "tenantId").
    /// </summary>
    public static readonly CloudEventAttribute TenantIdAttribute = CloudEventAttribute.CreateExtension("tenantid", CloudEventAttributeType.String);

    private static readonly IEnumerable<CloudEventAttribute> ExtensionAttributes = [TenantIdAttribute];

    public static Result<PublishCommand> Parse(RequestBody body, HttpRequest request)
    {
        var idempotencyKey = request.Headers[IdempotencyKeyHeader];
        if (idempotencyKey.Count > 1)
        {
            return OperationError.Invalid(IdempotencyKeyHeader, "Idempotency-Key is given more than once.");
        }

        var traceParent = Activity.Current?.Id ?? request.Headers["traceparent"].FirstOrDefault();
        return body.MediaType.Equals(RequestBody.CloudEventsJson, StringComparison.OrdinalIgnoreCase)
            ? FromCloudEvent(body.Content, idempotencyKey.FirstOrDefault(), traceParent)
            : FromJson(body.Content, idempotencyKey.FirstOrDefault(), traceParent);
    }

    private static Result<PublishCommand> FromJson(byte[] content, string? idempotencyKey, string? traceParent)
    {
        var parsed = JsonBody.Parse(content, ApiJsonContext.Default.PublishEventRequest);
        if (parsed.Value is not { } request)
        {
            return parsed.Error!;
        }

        return Result<PublishCommand>.Success(new PublishCommand(
            request.Id,
            request.Type,
            Utf8(request.Data),
            request.Subject,
            IdempotencyKey: idempotencyKey,
            TraceParent: traceParent,
            TenantId: request.TenantId));
    }

    private static Result<PublishCommand> FromCloudEvent(byte[] content, string? idempotencyKey, string? traceParent)
    {
        CloudEvent cloudEvent;
        try
        {
            cloudEvent = CloudEventFormatter.DecodeStructuredModeMessage(content, CloudEventsContentType, ExtensionAttributes);
        }
        catch (JsonException ex)
        {
            return JsonBody.Describe(ex);
        }
        catch (ArgumentException ex)
        {
            return OperationError.Invalid(JsonBody.BodyField, $"Not a CloudEvents 1.0 structured event: {ex.Message}");
        }

        ReadOnlyMemory<byte> data;
        switch (cloudEvent.Data)
        {
            case null:
                data = ReadOnlyMemory<byte>.Empty;
                break;
            case JsonElement element:
                data = Utf8(element);
                break;
            default:
                return OperationError.Invalid("data", "data must be JSON: datacontenttype must be absent or a JSON media type, and data_base64 is not accepted.");
        }

        return Result<PublishCommand>.Success(new PublishCommand(
            cloudEvent.Id,
            cloudEvent.Type,
            data,
            cloudEvent.Subject,
            cloudEvent.Source?.OriginalString,
            cloudEvent.Time,
            idempotencyKey,
            traceParent,
            cloudEvent[TenantIdAttribute] as string));
    }

    private static ReadOnlyMemory<byte> Utf8(JsonElement element) =>
        element.ValueKind == JsonValueKind.Undefined ? ReadOnlyMemory<byte>.Empty : Encoding.UTF8.GetBytes(element.GetRawText());
}
