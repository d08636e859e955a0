using WebhookFunctions.Engine.Subscriptions;

namespace WebhookFunctions.UnitTests.Subscriptions;

public class SubscriptionRulesTests
{
    private static readonly SubscriptionInput ValidInput = new(
        "https://receiver.example/hooks",
        ["order.*", "invoice.paid"],
        "Billing team",
        new Dictionary<string, string> { ["X-Team"] = "billing" },
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");

    [Fact]
    public void A_complete_valid_input_has_no_errors()
    {
        Assert.Empty(SubscriptionRules.Validate(ValidInput, allowHttp: false));
    }

    [Fact]
    public void A_minimal_valid_input_has_no_errors()
    {
        Assert.Empty(SubscriptionRules.Validate(new SubscriptionInput("https://receiver.example", ["*"]), allowHttp: false));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("receiver.example/hooks")]
    [InlineData("/hooks")]
    [InlineData("ftp://receiver.example/hooks")]
    [InlineData("file:///etc/passwd")]
    [InlineData("http://receiver.example/hooks")]
    [InlineData("https://user:secret@receiver.example/hooks")]
    [InlineData("https://user@receiver.example/hooks")]
    [InlineData("not a url")]
    public void Urls_that_are_missing_relative_not_https_or_carry_credentials_are_refused(string? url)
    {
        var errors = SubscriptionRules.Validate(ValidInput with { Url = url }, allowHttp: false);

        Assert.Equal(["url"], errors.Keys);
        Assert.All(errors["url"], message => Assert.False(string.IsNullOrWhiteSpace(message)));
    }

    [Fact]
    public void Plain_http_is_accepted_only_where_the_host_allows_it()
    {
        var input = ValidInput with { Url = "http://localhost:5000/hooks" };

        Assert.Empty(SubscriptionRules.Validate(input, allowHttp: true));
        Assert.Contains("url", SubscriptionRules.Validate(input, allowHttp: false).Keys);
    }

    [Fact]
    public void Credentials_are_refused_even_where_http_is_allowed()
    {
        var errors = SubscriptionRules.Validate(ValidInput with { Url = "http://me:pw@localhost/hooks" }, allowHttp: true);

        Assert.Contains(errors["url"], message => message.Contains("credentials", StringComparison.Ordinal));
    }

    [Fact]
    public void A_url_longer_than_2048_characters_is_refused()
    {
        var prefix = "https://receiver.example/";
        Assert.Empty(SubscriptionRules.Validate(ValidInput with { Url = prefix + new string('a', 2048 - prefix.Length) }, allowHttp: false));
        Assert.Contains("url", SubscriptionRules.Validate(ValidInput with { Url = prefix + new string('a', 2049 - prefix.Length) }, allowHttp: false).Keys);
    }

    [Theory]
    [MemberData(nameof(InvalidEventTypeLists))]
    public void Event_type_lists_that_are_missing_empty_too_long_invalid_or_repeated_are_refused(string?[]? eventTypes)
    {
        var errors = SubscriptionRules.Validate(ValidInput with { EventTypes = eventTypes! }, allowHttp: false);

        Assert.Equal(["eventTypes"], errors.Keys);
    }

    public static TheoryData<string?[]?> InvalidEventTypeLists() => new()
    {
        null,
        Array.Empty<string>(),
        Enumerable.Range(0, 101).Select(i => $"type{i}").ToArray(),
        new[] { "order.created", "order..created" },
        new[] { "order.**" },
        new[] { "*.created" },
        new[] { "" },
        new string?[] { null },
        new[] { "order.*", "order.*" },
    };

    [Fact]
    public void One_hundred_distinct_event_types_are_accepted()
    {
        var eventTypes = Enumerable.Range(0, 100).Select(i => $"type{i}").ToArray();

        Assert.Empty(SubscriptionRules.Validate(ValidInput with { EventTypes = eventTypes }, allowHttp: false));
    }

    [Fact]
    public void Each_invalid_event_type_is_named_in_its_message()
    {
        var errors = SubscriptionRules.Validate(ValidInput with { EventTypes = ["ok.type", "bad..one", "bad two"] }, allowHttp: false);

        Assert.Equal(2, errors["eventTypes"].Length);
        Assert.Contains("bad..one", errors["eventTypes"][0], StringComparison.Ordinal);
        Assert.Contains("bad two", errors["eventTypes"][1], StringComparison.Ordinal);
    }

    [Fact]
    public void A_description_longer_than_512_characters_is_refused()
    {
        Assert.Empty(SubscriptionRules.Validate(ValidInput with { Description = new string('d', 512) }, allowHttp: false));
        Assert.Equal(["description"], SubscriptionRules.Validate(ValidInput with { Description = new string('d', 513) }, allowHttp: false).Keys);
    }

    [Theory]
    [InlineData("webhook-id")]
    [InlineData("Webhook-Signature")]
    [InlineData("WEBHOOK-custom")]
    [InlineData("Content-Type")]
    [InlineData("content-length")]
    [InlineData("Host")]
    [InlineData("User-Agent")]
    [InlineData("traceparent")]
    [InlineData("Transfer-Encoding")]
    [InlineData("Connection")]
    public void Headers_the_delivery_sets_itself_cannot_be_configured(string name)
    {
        var errors = SubscriptionRules.Validate(WithHeaders((name, "value")), allowHttp: false);

        Assert.Equal(["headers"], errors.Keys);
        Assert.Contains(name, errors["headers"][0], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("X Team")]
    [InlineData("X-Team:")]
    [InlineData("X-Téam")]
    [InlineData("(X)")]
    public void Header_names_must_be_http_tokens(string name)
    {
        Assert.Equal(["headers"], SubscriptionRules.Validate(WithHeaders((name, "value")), allowHttp: false).Keys);
    }

    [Theory]
    [InlineData("line\r\nX-Injected: yes")]
    [InlineData("line\nbreak")]
    [InlineData("carriage\rreturn")]
    [InlineData("nul\0char")]
    [InlineData(null)]
    public void Header_values_with_line_breaks_nul_or_nothing_are_refused(string? value)
    {
        Assert.Equal(["headers"], SubscriptionRules.Validate(WithHeaders(("X-Team", value!)), allowHttp: false).Keys);
    }

    [Theory]
    [InlineData("\u202Egnillib")]
    [InlineData("caf\u00E9")]
    [InlineData("zero\u200Bwidth")]
    [InlineData("bell\u0007")]
    public void Header_values_that_are_not_printable_ascii_are_refused(string value)
    {
        Assert.Equal(["headers"], SubscriptionRules.Validate(WithHeaders(("X-Team", value)), allowHttp: false).Keys);
    }

    [Fact]
    public void Header_values_may_hold_spaces_tabs_and_any_printable_ascii()
    {
        Assert.Empty(SubscriptionRules.Validate(WithHeaders(("Authorization", "Bearer a.b-c_d~e+f/g=\t!\"#$%&'()*,:;<=>?@[\\]^`{|}")), allowHttp: false));
    }

    [Theory]
    [InlineData("https://receiver.example/hooks\r\nX-Injected: 1")]
    [InlineData("https://receiver.example/ho\toks")]
    [InlineData("https://receiver.example/a b")]
    [InlineData("https://receiver.example/\u007F")]
    public void Urls_with_whitespace_or_control_characters_are_refused_although_uri_parsing_would_drop_them(string url)
    {
        Assert.Equal(["url"], SubscriptionRules.Validate(ValidInput with { Url = url }, allowHttp: false).Keys);
    }

    [Fact]
    public void Too_many_event_types_is_one_message_not_one_per_entry()
    {
        var errors = SubscriptionRules.Validate(ValidInput with { EventTypes = Enumerable.Repeat("a", 50_000).ToList() }, allowHttp: false);

        Assert.Single(errors["eventTypes"]);
    }

    [Fact]
    public void Header_values_are_limited_to_1024_characters()
    {
        Assert.Empty(SubscriptionRules.Validate(WithHeaders(("X-Team", new string('v', 1024))), allowHttp: false));
        Assert.Equal(["headers"], SubscriptionRules.Validate(WithHeaders(("X-Team", new string('v', 1025))), allowHttp: false).Keys);
    }

    [Fact]
    public void At_most_ten_headers_are_allowed()
    {
        var ten = Enumerable.Range(0, 10).Select(i => ($"X-H{i}", "v")).ToArray();
        var eleven = Enumerable.Range(0, 11).Select(i => ($"X-H{i}", "v")).ToArray();

        Assert.Empty(SubscriptionRules.Validate(WithHeaders(ten), allowHttp: false));
        Assert.Equal(["headers"], SubscriptionRules.Validate(WithHeaders(eleven), allowHttp: false).Keys);
    }

    [Fact]
    public void A_header_name_given_twice_in_different_case_is_refused()
    {
        Assert.Equal(["headers"], SubscriptionRules.Validate(WithHeaders(("X-Team", "a"), ("x-team", "b")), allowHttp: false).Keys);
    }

    [Theory]
    [InlineData("")]
    [InlineData("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")]
    [InlineData("whsec_short")]
    [InlineData("whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==")]
    public void A_given_secret_must_be_a_valid_whsec_secret(string secret)
    {
        Assert.Equal(["secret"], SubscriptionRules.Validate(ValidInput with { Secret = secret }, allowHttp: false).Keys);
    }

    [Fact]
    public void Every_field_at_fault_is_reported_at_once()
    {
        var input = new SubscriptionInput("http://x", [], new string('d', 600), WithHeaders(("Host", "h")).Headers, "nope");

        var errors = SubscriptionRules.Validate(input, allowHttp: false);

        Assert.Equal(new[] { "description", "eventTypes", "headers", "secret", "url" }, errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void An_empty_patch_is_valid()
    {
        Assert.Empty(SubscriptionRules.Validate(new SubscriptionPatch(), allowHttp: false));
    }

    [Fact]
    public void A_patch_checks_the_fields_it_changes_by_the_same_rules()
    {
        var patch = new SubscriptionPatch(
            Url: "https://a:b@receiver.example",
            EventTypes: [],
            Description: new string('d', 513),
            Headers: new Dictionary<string, string> { ["webhook-id"] = "x" });

        var errors = SubscriptionRules.Validate(patch, allowHttp: false);

        Assert.Equal(new[] { "description", "eventTypes", "headers", "url" }, errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_valid_patch_has_no_errors()
    {
        var patch = new SubscriptionPatch("https://receiver.example/v2", ["order.*"], "new", new Dictionary<string, string> { ["X-Team"] = "ops" }, "disabled");

        Assert.Empty(SubscriptionRules.Validate(patch, allowHttp: false));
    }

    [Theory]
    [InlineData("enabled", true)]
    [InlineData("disabled", true)]
    [InlineData("Enabled", false)]
    [InlineData("paused", false)]
    [InlineData("", false)]
    public void A_patched_status_is_enabled_or_disabled(string status, bool valid)
    {
        var errors = SubscriptionRules.Validate(new SubscriptionPatch(Status: status), allowHttp: false);

        Assert.Equal(valid, errors.Count == 0);
        if (!valid)
        {
            Assert.Equal(["status"], errors.Keys);
        }
    }

    private static SubscriptionInput WithHeaders(params (string Name, string Value)[] headers) =>
        ValidInput with { Headers = headers.ToDictionary(h => h.Name, h => h.Value) };
}
