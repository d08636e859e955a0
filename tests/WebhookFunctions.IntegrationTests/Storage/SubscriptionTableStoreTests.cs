using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using WebhookFunctions.Engine.Common;
using WebhookFunctions.Engine.Subscriptions;
using WebhookFunctions.Engine.Subscriptions.Filters;
using WebhookFunctions.IntegrationTests.Infrastructure;
using WebhookFunctions.Storage.Tables;

namespace WebhookFunctions.IntegrationTests.Storage;

[Collection(AzuriteCollection.Name)]
public sealed class SubscriptionTableStoreTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private SubscriptionTableStore store = null!;

    public async Task InitializeAsync()
    {
        var storage = await TestStorage.CreateAsync(azurite);
        store = new SubscriptionTableStore(storage.Tables, storage.Names);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_subscription_round_trips_with_every_field_and_an_etag()
    {
        var added = await store.AddAsync(NewSubscription("sub-1"), CancellationToken.None);

        var read = await store.GetAsync("sub-1", CancellationToken.None);

        Assert.NotNull(read);
        Assert.False(string.IsNullOrEmpty(added.ETag));
        Assert.Equal(added.ETag, read.ETag);
        Assert.Equal(new Uri("https://receiver.example/hooks"), read.Url);
        Assert.Equal(["order.*", "invoice.paid"], read.EventTypes);
        Assert.Equal("billing hooks", read.Description);
        Assert.Equal("billing", read.Headers["X-Team"]);
        Assert.Equal(SubscriptionStatus.Enabled, read.Status);
        Assert.Null(read.DisabledReason);
        Assert.Equal(
            [new SigningSecret("whsec_current", null), new SigningSecret("whsec_old", Now.AddHours(24))],
            read.Secrets);
        Assert.Equal(Now, read.CreatedAt);
        Assert.Equal(Now, read.UpdatedAt);
        Assert.Null(read.FailingSince);
    }

    [Fact]
    public async Task Replace_with_the_current_etag_stores_the_change_and_returns_a_new_etag()
    {
        var added = await store.AddAsync(NewSubscription("sub-1"), CancellationToken.None);

        var replaced = await store.ReplaceAsync(
            added with { Status = SubscriptionStatus.Disabled, DisabledReason = DisabledReason.Manual, UpdatedAt = Now.AddMinutes(1), FailingSince = Now.AddDays(-1) },
            added.ETag!,
            CancellationToken.None);

        var read = await store.GetAsync("sub-1", CancellationToken.None);
        Assert.NotEqual(added.ETag, replaced.ETag);
        Assert.Equal(replaced.ETag, read!.ETag);
        Assert.Equal(SubscriptionStatus.Disabled, read.Status);
        Assert.Equal(Now.AddDays(-1), read.FailingSince);
        Assert.Equal(DisabledReason.Manual, read.DisabledReason);
    }

    [Fact]
    public async Task Replace_with_a_stale_etag_throws_ETagMismatchException_and_keeps_the_newer_version()
    {
        var added = await store.AddAsync(NewSubscription("sub-1"), CancellationToken.None);
        await store.ReplaceAsync(added with { Description = "first writer" }, added.ETag!, CancellationToken.None);

        await Assert.ThrowsAsync<ETagMismatchException>(() =>
            store.ReplaceAsync(added with { Description = "second writer" }, added.ETag!, CancellationToken.None));

        Assert.Equal("first writer", (await store.GetAsync("sub-1", CancellationToken.None))!.Description);
    }

    [Fact]
    public async Task Replace_of_a_deleted_subscription_throws_KeyNotFoundException()
    {
        var added = await store.AddAsync(NewSubscription("sub-1"), CancellationToken.None);
        await store.DeleteAsync("sub-1", CancellationToken.None);

        await Assert.ThrowsAsync<KeyNotFoundException>(() => store.ReplaceAsync(added, added.ETag!, CancellationToken.None));
    }

    [Fact]
    public async Task Delete_reports_whether_there_was_something_to_delete()
    {
        await store.AddAsync(NewSubscription("sub-1"), CancellationToken.None);

        Assert.True(await store.DeleteAsync("sub-1", CancellationToken.None));
        Assert.False(await store.DeleteAsync("sub-1", CancellationToken.None));
        Assert.Null(await store.GetAsync("sub-1", CancellationToken.None));
    }

    [Fact]
    public async Task Adding_an_existing_id_is_refused()
    {
        await store.AddAsync(NewSubscription("sub-1"), CancellationToken.None);

        await Assert.ThrowsAsync<InvalidOperationException>(() => store.AddAsync(NewSubscription("sub-1"), CancellationToken.None));
    }

    [Fact]
    public async Task Listing_pages_through_every_subscription_in_id_order_with_continuation_tokens()
    {
        var ids = Enumerable.Range(1, 7).Select(i => $"sub-{i:D2}").ToList();
        foreach (var id in ids.AsEnumerable().Reverse())
        {
            await store.AddAsync(NewSubscription(id), CancellationToken.None);
        }

        var first = await store.ListAsync(null, 3, null, CancellationToken.None);
        var second = await store.ListAsync(null, 3, first.ContinuationToken, CancellationToken.None);
        var third = await store.ListAsync(null, 3, second.ContinuationToken, CancellationToken.None);

        Assert.Equal(ids[..3], first.Items.Select(s => s.Id));
        Assert.Equal(ids[3..6], second.Items.Select(s => s.Id));
        Assert.Equal(ids[6..], third.Items.Select(s => s.Id));
        Assert.NotNull(first.ContinuationToken);
        Assert.NotNull(second.ContinuationToken);
        Assert.Null(third.ContinuationToken);
    }

    [Theory]
    [InlineData("not base64 at all!")]
    [InlineData("dDEKc3Vic2NyaXB0aW9ucw")]
    [InlineData("dDEKZGVhZGxldHRlcnM6CjFfc3ViLTAx")]
    public async Task A_forged_continuation_token_throws_InvalidContinuationTokenException(string token)
    {
        await store.AddAsync(NewSubscription("sub-1"), CancellationToken.None);

        await Assert.ThrowsAsync<InvalidContinuationTokenException>(() => store.ListAsync(null, 3, token, CancellationToken.None));
    }

    [Fact]
    public async Task A_truncated_or_edited_continuation_token_throws_InvalidContinuationTokenException()
    {
        foreach (var id in new[] { "sub-1", "sub-2", "sub-3" })
        {
            await store.AddAsync(NewSubscription(id), CancellationToken.None);
        }

        var token = (await store.ListAsync(null, 1, null, CancellationToken.None)).ContinuationToken!;
        var parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token)).Split('\n');
        parts[2] += "0";
        var edited = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(string.Join('\n', parts)));

        await Assert.ThrowsAsync<InvalidContinuationTokenException>(() => store.ListAsync(null, 1, token[..^3], CancellationToken.None));
        await Assert.ThrowsAsync<InvalidContinuationTokenException>(() => store.ListAsync(null, 1, edited, CancellationToken.None));
        Assert.Equal(["sub-2"], (await store.ListAsync(null, 1, token, CancellationToken.None)).Items.Select(s => s.Id));
    }

    [Fact]
    public async Task A_filter_is_stored_compiled_back_on_read_and_removed_by_a_replace_without_one()
    {
        using var definition = JsonDocument.Parse("""{"data.amount": {"$gte": 1000}, "subject": "tenant-1"}""");
        var filter = SubscriptionFilter.TryCompile(definition.RootElement, new FieldErrors())!;
        var added = await store.AddAsync(NewSubscription("sub-f") with { Filter = filter }, CancellationToken.None);

        var read = await store.GetAsync("sub-f", CancellationToken.None);
        var listed = Assert.Single((await store.ListAsync(null, 100, null, CancellationToken.None)).Items, s => s.Id == "sub-f");
        Assert.Equal("""{"data.amount":{"$gte":1000},"subject":"tenant-1"}""", read!.Filter!.Json);
        Assert.Equal(filter, listed.Filter);

        await store.ReplaceAsync(added with { Filter = null }, added.ETag!, CancellationToken.None);
        Assert.Null((await store.GetAsync("sub-f", CancellationToken.None))!.Filter);
    }

    private static Subscription NewSubscription(string id) => new()
    {
        Id = id,
        Url = new Uri("https://receiver.example/hooks"),
        EventTypes = ["order.*", "invoice.paid"],
        Description = "billing hooks",
        Headers = new Dictionary<string, string> { ["X-Team"] = "billing" },
        Secrets = [new SigningSecret("whsec_current", null), new SigningSecret("whsec_old", Now.AddHours(24))],
        CreatedAt = Now,
        UpdatedAt = Now,
    };
}
