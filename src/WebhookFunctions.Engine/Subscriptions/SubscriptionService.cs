using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WebhookFunctions.Engine.Common;
using WebhookFunctions.Engine.Delivery;
using WebhookFunctions.Engine.Events;
using WebhookFunctions.Engine.Publishing;
using WebhookFunctions.Engine.Queueing;
using WebhookFunctions.Engine.Subscriptions.Verification;
using WebhookFunctions.Engine.Tenants;

namespace WebhookFunctions.Engine.Subscriptions;

/// <summary>Manages subscriptions: create, read, list, patch, delete, verify, rotate the secret, send a test event.</summary>
public sealed class SubscriptionService(
    ISubscriptionStore store,
    IDeliveryLog deliveryLog,
    IEventStore events,
    IDeliveryQueue deliveryQueue,
    EndpointVerifier verifier,
    IOptions<DeliveryOptions> options,
    IOptions<EndpointVerificationOptions> verification,
    TimeProvider timeProvider,
    ILogger<SubscriptionService> logger)
{
    public const string TestEventType = "webhook.test";

    public async Task<Result<CreatedSubscription>> CreateAsync(SubscriptionInput input, CancellationToken cancellationToken)
    {
        var errors = SubscriptionRules.Validate(input, options.Value.AllowHttpUrls);
        if (errors.Count > 0)
        {
            return OperationError.Invalid(errors);
        }

        var now = timeProvider.GetUtcNow();
        var secret = input.Secret ?? WebhookSigner.NewSecret();
        var requiresVerification = input.Verify == true || verification.Value.Required;
        var subscription = await store.AddAsync(
            new Subscription
            {
                Id = Ids.NewSubscriptionId(),
                Url = new Uri(input.Url!, UriKind.Absolute),
                TenantId = input.TenantId,
                EventTypes = input.EventTypes!.ToList(),
                Description = input.Description,
                Headers = new Dictionary<string, string>(input.Headers ?? new Dictionary<string, string>(), StringComparer.OrdinalIgnoreCase),
                Filter = SubscriptionRules.CompileFilter(input.Filter),
                Secrets = [new SigningSecret(secret, ExpiresAt: null)],
                Status = requiresVerification ? SubscriptionStatus.PendingVerification : SubscriptionStatus.Enabled,
                RequiresVerification = requiresVerification,
                CreatedAt = now,
                UpdatedAt = now,
            },
            cancellationToken);
        logger.LogInformation("Created subscription {SubscriptionId} of tenant {TenantId} for {EventTypes}", subscription.Id, subscription.TenantId, subscription.EventTypes);
        if (requiresVerification)
        {
            (subscription, _) = await HandshakeAsync(subscription, cancellationToken);
        }

        return Result<CreatedSubscription>.Success(new CreatedSubscription(subscription, secret));
    }

    public async Task<Result<Subscription>> GetAsync(string subscriptionId, CancellationToken cancellationToken)
    {
        var subscription = await store.GetAsync(subscriptionId, cancellationToken);
        return subscription is null ? NotFound(subscriptionId) : Result<Subscription>.Success(subscription);
    }

    /// <summary>A page of subscriptions in id order; with <paramref name="tenantId"/>, that tenant's only.</summary>
    public async Task<Result<Page<Subscription>>> ListAsync(string? tenantId, int? limit, string? continuationToken, CancellationToken cancellationToken)
    {
        if (TenantIds.CheckFilter(tenantId) is { } invalid)
        {
            return invalid;
        }

        return await Paging.ReadAsync(limit, pageSize => store.ListAsync(tenantId, pageSize, continuationToken, cancellationToken));
    }

    /// <summary>Applies the patch if <paramref name="ifMatch"/> is the current ETag; without one, nothing is changed (428).</summary>
    public async Task<Result<Subscription>> UpdateAsync(string subscriptionId, SubscriptionPatch patch, string? ifMatch, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(ifMatch))
        {
            return OperationError.IfMatchRequired();
        }

        var errors = SubscriptionRules.Validate(patch, options.Value.AllowHttpUrls);
        if (errors.Count > 0)
        {
            return OperationError.Invalid(errors);
        }

        var current = await store.GetAsync(subscriptionId, cancellationToken);
        if (current is null)
        {
            return NotFound(subscriptionId);
        }

        var tenantErrors = SubscriptionRules.CheckUnchangedTenant(patch, current);
        if (tenantErrors.Count > 0)
        {
            return OperationError.Invalid(tenantErrors);
        }

        var url = patch.Url is null ? current.Url : new Uri(patch.Url, UriKind.Absolute);
        var verifiedAt = url == current.Url ? current.VerifiedAt : null;
        var status = patch.Status switch
        {
            "enabled" => SubscriptionStatus.Enabled,
            "disabled" => SubscriptionStatus.Disabled,
            _ => current.Status,
        };

        // A subscription that requires verification is enabled only by a handshake passed at its current URL.
        if (status != SubscriptionStatus.Disabled && current.RequiresVerification && verifiedAt is null)
        {
            status = SubscriptionStatus.PendingVerification;
        }

        var updated = current with
        {
            Url = url,
            VerifiedAt = verifiedAt,
            EventTypes = patch.EventTypes?.ToList() ?? current.EventTypes,
            Description = patch.Description ?? current.Description,
            Headers = patch.Headers is null ? current.Headers : new Dictionary<string, string>(patch.Headers, StringComparer.OrdinalIgnoreCase),
            Filter = patch.Filter is null ? current.Filter : SubscriptionRules.CompileFilter(patch.Filter),
            Status = status,
            DisabledReason = status != SubscriptionStatus.Disabled ? null
                : patch.Status == "disabled" && current.Status != SubscriptionStatus.Disabled ? DisabledReason.Manual
                : current.DisabledReason,
            UpdatedAt = timeProvider.GetUtcNow(),
        };

        try
        {
            var saved = await store.ReplaceAsync(updated, ifMatch, cancellationToken);
            if (saved.Status == SubscriptionStatus.PendingVerification && (current.Status != SubscriptionStatus.PendingVerification || url != current.Url))
            {
                (saved, _) = await HandshakeAsync(saved, cancellationToken);
            }

            return Result<Subscription>.Success(saved);
        }
        catch (ETagMismatchException)
        {
            return OperationError.StaleETag();
        }
        catch (KeyNotFoundException)
        {
            return NotFound(subscriptionId);
        }
    }

    /// <summary>
    /// Runs the verification handshake now. Passed: the subscription is marked verified at its URL, and enabled if it
    /// was pending. Not passed: 422 with the reason; a pending subscription stays pending.
    /// </summary>
    public async Task<Result<Subscription>> VerifyAsync(string subscriptionId, CancellationToken cancellationToken)
    {
        if (await store.GetAsync(subscriptionId, cancellationToken) is not { } subscription)
        {
            return NotFound(subscriptionId);
        }

        var (after, verdict) = await HandshakeAsync(subscription, cancellationToken);
        return verdict.Passed
            ? Result<Subscription>.Success(after)
            : new OperationError(ErrorKind.Unprocessable, $"The endpoint did not pass the verification handshake: {verdict.Failure} The subscription is {WireNames.Of(after.Status)}.");
    }

    public async Task<Result<bool>> DeleteAsync(string subscriptionId, CancellationToken cancellationToken)
    {
        if (!await store.DeleteAsync(subscriptionId, cancellationToken))
        {
            return OperationError.NotFound($"Subscription '{subscriptionId}'");
        }

        logger.LogInformation("Deleted subscription {SubscriptionId}", subscriptionId);
        return Result<bool>.Success(true);
    }

    /// <summary>A new current secret; the previous one keeps signing beside it for <see cref="DeliveryOptions.SecretRotationOverlap"/>.</summary>
    public async Task<Result<RotatedSecret>> RotateSecretAsync(string subscriptionId, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var previousExpiresAt = now + options.Value.SecretRotationOverlap;
        var secret = WebhookSigner.NewSecret();
        try
        {
            var rotated = await store.UpdateWithRetryAsync(
                subscriptionId,
                current => current with
                {
                    Secrets = [new SigningSecret(secret, null), .. current.ActiveSecrets(now).Select(s => s.ExpiresAt is null ? s with { ExpiresAt = previousExpiresAt } : s)],
                    UpdatedAt = now,
                },
                cancellationToken);
            if (rotated is null)
            {
                return NotFound(subscriptionId);
            }
        }
        catch (ETagMismatchException)
        {
            return OperationError.StaleETag();
        }

        logger.LogInformation("Rotated the signing secret of subscription {SubscriptionId}", subscriptionId);
        return Result<RotatedSecret>.Success(new RotatedSecret(secret, previousExpiresAt));
    }

    /// <summary>Stores a webhook.test event and sends it to this subscription alone (no fan-out).</summary>
    public async Task<Result<PublishReceipt>> SendTestAsync(string subscriptionId, CancellationToken cancellationToken)
    {
        if (await store.GetAsync(subscriptionId, cancellationToken) is not { } subscription)
        {
            return NotFound(subscriptionId);
        }

        var now = timeProvider.GetUtcNow();
        var data = System.Text.Encoding.UTF8.GetBytes($$"""{"subscriptionId":"{{subscriptionId}}","message":"This is a test event."}""");
        var testEvent = new WebhookEvent(Ids.NewEventId(), TestEventType, now, Subject: null, Source: null, data, System.Diagnostics.Activity.Current?.Id, TenantId: subscription.TenantId);
        await events.TryAddAsync(testEvent, cancellationToken);
        await deliveryQueue.SendAsync([new DeliveryJob(testEvent.Id, testEvent.Type, [subscriptionId], Attempt: 1, testEvent.TraceParent, TenantId: subscription.TenantId)], cancellationToken);
        return Result<PublishReceipt>.Success(new PublishReceipt(testEvent.Id, testEvent.Type, testEvent.Timestamp, AlreadyAccepted: false));
    }

    public async Task<Result<Page<DeliveryAttempt>>> ListDeliveriesAsync(string subscriptionId, int? limit, string? continuationToken, CancellationToken cancellationToken)
    {
        if (await store.GetAsync(subscriptionId, cancellationToken) is null)
        {
            return NotFound(subscriptionId);
        }

        return await Paging.ReadAsync(limit, pageSize => deliveryLog.ListForSubscriptionAsync(subscriptionId, pageSize, continuationToken, cancellationToken));
    }

    // A pass is recorded only if the URL is still the one that answered; a PATCH meanwhile needs its own handshake.
    private async Task<(Subscription Subscription, VerificationResult Verdict)> HandshakeAsync(Subscription subscription, CancellationToken cancellationToken)
    {
        var verdict = await verifier.VerifyAsync(subscription, cancellationToken);
        if (!verdict.Passed)
        {
            return (subscription, verdict);
        }

        var now = timeProvider.GetUtcNow();
        var verified = await store.UpdateWithRetryAsync(
            subscription.Id,
            current => current.Url != subscription.Url ? null : current with
            {
                VerifiedAt = now,
                Status = current.Status == SubscriptionStatus.PendingVerification ? SubscriptionStatus.Enabled : current.Status,
                UpdatedAt = now,
            },
            cancellationToken);
        return (verified ?? subscription, verdict);
    }

    private static OperationError NotFound(string subscriptionId) => OperationError.NotFound($"Subscription '{subscriptionId}'");
}
