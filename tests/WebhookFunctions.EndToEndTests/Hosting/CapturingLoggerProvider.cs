using System.Collections;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;

namespace WebhookFunctions.EndToEndTests.Hosting;

/// <summary>
/// Keeps every log entry of a server in memory as text: its formatted message, every value of its state, every
/// scope around it and its exception, so a test can search everything a log sink would have received.
/// </summary>
public sealed class CapturingLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<CapturedLogEntry> entries = new();
    private IExternalScopeProvider scopes = new LoggerExternalScopeProvider();

    public IReadOnlyCollection<CapturedLogEntry> Entries => entries;

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => scopes = scopeProvider;

    public void Dispose()
    {
    }

    private void Add(string category, LogLevel level, string message, string state, string scope, string? exception) =>
        entries.Enqueue(new CapturedLogEntry(category, level, message, state, scope, exception));

    private sealed class CapturingLogger(CapturingLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull =>
            provider.scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var scope = new StringBuilder();
            provider.scopes.ForEachScope((value, text) => text.Append(Describe(value)).Append(" | "), scope);
            provider.Add(category, logLevel, formatter(state, exception), Describe(state), scope.ToString(), exception?.ToString());
        }

        /// <summary>Every key and value of a structured state or scope, collections expanded.</summary>
        private static string Describe(object? value) => value switch
        {
            null => "",
            string text => text,
            IEnumerable<KeyValuePair<string, object?>> pairs => string.Join("; ", pairs.Select(p => $"{p.Key}={Describe(p.Value)}")),
            IEnumerable items => "[" + string.Join(", ", items.Cast<object?>().Select(Describe)) + "]",
            IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? "",
        };
    }
}

public sealed record CapturedLogEntry(string Category, LogLevel Level, string Message, string State, string Scope, string? Exception)
{
    public override string ToString() => $"[{Level}] {Category}: {Message} | state: {State} | scope: {Scope} | {Exception}";
}
