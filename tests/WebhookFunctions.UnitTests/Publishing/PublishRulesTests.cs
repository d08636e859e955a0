using WebhookFunctions.Engine.Publishing;

namespace WebhookFunctions.UnitTests.Publishing;

public class PublishRulesTests
{
    private static readonly PublishCommand ValidCommand = new("evt_01.a~b-c", "order.created", "{}"u8.ToArray(), "orders/42", IdempotencyKey: "key-1");

    [Fact]
    public void A_valid_command_has_no_errors()
    {
        Assert.Empty(PublishRules.Validate(ValidCommand));
        Assert.Empty(PublishRules.Validate(new PublishCommand(null, "order.created", default)));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("order..created")]
    [InlineData("order.*")]
    [InlineData("order created")]
    public void The_type_is_required_and_must_be_a_valid_event_type(string? type)
    {
        Assert.Equal(["type"], PublishRules.Validate(ValidCommand with { Type = type }).Keys);
    }

    [Theory]
    [InlineData("webhook.test")]
    [InlineData("webhook.endpoint.disabled")]
    [InlineData("Webhook.Delivery.DeadLettered")]
    public void Types_under_the_reserved_webhook_prefix_are_refused(string type)
    {
        var errors = PublishRules.Validate(ValidCommand with { Type = type });

        Assert.Contains("reserved", Assert.Single(errors["type"]), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("webhooks.created")]
    [InlineData("order.webhook.sent")]
    public void Types_that_only_resemble_the_reserved_prefix_are_allowed(string type)
    {
        Assert.Empty(PublishRules.Validate(ValidCommand with { Type = type }));
    }

    [Fact]
    public void A_type_longer_than_128_characters_is_refused()
    {
        Assert.Equal(["type"], PublishRules.Validate(ValidCommand with { Type = new string('t', 129) }).Keys);
    }

    [Theory]
    [InlineData("")]
    [InlineData("evt/1")]
    [InlineData("evt 1")]
    [InlineData("evt?1")]
    [InlineData("évt")]
    [InlineData("evt%201")]
    public void A_client_id_must_be_url_safe(string id)
    {
        Assert.Equal(["id"], PublishRules.Validate(ValidCommand with { Id = id }).Keys);
    }

    [Fact]
    public void A_client_id_is_at_most_64_characters()
    {
        Assert.Empty(PublishRules.Validate(ValidCommand with { Id = new string('i', 64) }));
        Assert.Equal(["id"], PublishRules.Validate(ValidCommand with { Id = new string('i', 65) }).Keys);
    }

    [Theory]
    [InlineData("")]
    [InlineData("tab\there")]
    [InlineData("line\nbreak")]
    [InlineData("ключ")]
    public void An_idempotency_key_must_be_printable_ascii(string key)
    {
        Assert.Equal(["idempotencyKey"], PublishRules.Validate(ValidCommand with { IdempotencyKey = key }).Keys);
    }

    [Fact]
    public void An_idempotency_key_is_1_to_255_characters()
    {
        Assert.Empty(PublishRules.Validate(ValidCommand with { IdempotencyKey = "a b~!" + new string('k', 250) }));
        Assert.Equal(["idempotencyKey"], PublishRules.Validate(ValidCommand with { IdempotencyKey = new string('k', 256) }).Keys);
    }

    [Fact]
    public void A_subject_is_at_most_256_characters()
    {
        Assert.Empty(PublishRules.Validate(ValidCommand with { Subject = new string('s', 256) }));
        Assert.Equal(["subject"], PublishRules.Validate(ValidCommand with { Subject = new string('s', 257) }).Keys);
    }

    [Fact]
    public void Every_field_at_fault_is_reported_at_once()
    {
        var command = new PublishCommand("bad id", "bad..type", default, new string('s', 300), IdempotencyKey: "");

        var errors = PublishRules.Validate(command);

        Assert.Equal(new[] { "id", "idempotencyKey", "subject", "type" }, errors.Keys.Order(StringComparer.Ordinal));
    }
}
