using Microsoft.AspNetCore.Http;

namespace WebhookFunctions.Http;

// Signatures of the shared HTTP handlers; both hosts route to these. (Bodies are being written.)

/// <summary>POST /api/events, GET /api/events/{id}, GET /api/events/{id}/deliveries.</summary>
public sealed class EventEndpoints
{
    public Task<IResult> PublishAsync(HttpRequest request, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<IResult> GetAsync(HttpRequest request, string id, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<IResult> ListDeliveriesAsync(HttpRequest request, string id, CancellationToken cancellationToken) => throw new NotImplementedException();
}

/// <summary>/api/subscriptions and its sub-routes.</summary>
public sealed class SubscriptionEndpoints
{
    public Task<IResult> CreateAsync(HttpRequest request, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<IResult> ListAsync(HttpRequest request, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<IResult> GetAsync(HttpRequest request, string id, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<IResult> UpdateAsync(HttpRequest request, string id, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<IResult> DeleteAsync(HttpRequest request, string id, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<IResult> RotateSecretAsync(HttpRequest request, string id, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<IResult> SendTestAsync(HttpRequest request, string id, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<IResult> ListDeliveriesAsync(HttpRequest request, string id, CancellationToken cancellationToken) => throw new NotImplementedException();
}

/// <summary>GET /api/dead-letters, POST /api/dead-letters/replay.</summary>
public sealed class DeadLetterEndpoints
{
    public Task<IResult> ListAsync(HttpRequest request, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<IResult> ReplayAsync(HttpRequest request, CancellationToken cancellationToken) => throw new NotImplementedException();
}

/// <summary>GET /api/health (anonymous).</summary>
public sealed class HealthEndpoints
{
    public Task<IResult> GetAsync(HttpRequest request, CancellationToken cancellationToken) => throw new NotImplementedException();
}
