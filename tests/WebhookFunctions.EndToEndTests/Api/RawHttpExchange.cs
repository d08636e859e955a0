using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace WebhookFunctions.EndToEndTests.Api;

/// <summary>
/// One HTTP/1.1 request written by hand on its own connection, for what HttpClient cannot send: a header field given
/// on two lines, or a body of megabytes that the server refuses part-way. The body goes out chunked in 64 KiB pieces
/// while the answer is read; sending stops as soon as the server has answered (as a browser does), so its early
/// answer is read rather than lost in a connection reset.
/// </summary>
internal static class RawHttpExchange
{
    private const int ChunkSize = 64 * 1024;

    public static async Task<RawHttpAnswer> SendAsync(
        Uri baseAddress, string method, string pathAndQuery, IEnumerable<KeyValuePair<string, string>> headers, byte[]? body, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(baseAddress.Host, baseAddress.Port, cancellationToken);
        var stream = client.GetStream();

        var head = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"{method} {pathAndQuery} HTTP/1.1\r\n")
            .Append(CultureInfo.InvariantCulture, $"Host: {baseAddress.Authority}\r\n")
            .Append("Connection: close\r\n");
        foreach (var (name, value) in headers)
        {
            head.Append(CultureInfo.InvariantCulture, $"{name}: {value}\r\n");
        }

        if (body is not null)
        {
            head.Append("Transfer-Encoding: chunked\r\n");
        }

        await stream.WriteAsync(Encoding.UTF8.GetBytes(head.Append("\r\n").ToString()), cancellationToken);

        var received = new MemoryStream();
        var reading = ReadAllAsync(stream, received, cancellationToken);
        if (body is not null)
        {
            await WriteChunkedAsync(stream, body, reading, cancellationToken);
        }

        await reading.WaitAsync(TimeSpan.FromSeconds(15), cancellationToken);
        return RawHttpAnswer.Parse(received.ToArray());
    }

    private static async Task WriteChunkedAsync(NetworkStream stream, byte[] body, Task reading, CancellationToken cancellationToken)
    {
        try
        {
            for (var offset = 0; offset < body.Length && !reading.IsCompleted && stream.Socket.Available == 0; offset += ChunkSize)
            {
                var size = Math.Min(ChunkSize, body.Length - offset);
                await stream.WriteAsync(Encoding.ASCII.GetBytes($"{size:x}\r\n"), cancellationToken);
                await stream.WriteAsync(body.AsMemory(offset, size), cancellationToken);
                await stream.WriteAsync("\r\n"u8.ToArray(), cancellationToken);
            }

            if (!reading.IsCompleted && stream.Socket.Available == 0)
            {
                await stream.WriteAsync("0\r\n\r\n"u8.ToArray(), cancellationToken);
            }
        }
        catch (IOException)
        {
            // The server closed the connection after answering; the answer is read below.
        }
    }

    private static async Task ReadAllAsync(NetworkStream stream, MemoryStream received, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
            {
                received.Write(buffer, 0, read);
            }
        }
        catch (IOException) when (received.Length > 0)
        {
            // A reset after the answer arrived.
        }
    }
}

/// <summary>The status, Content-Type and body text of a raw HTTP/1.1 answer.</summary>
internal sealed record RawHttpAnswer(int Status, string? ContentType, string Body)
{
    public static RawHttpAnswer Parse(byte[] answer)
    {
        var text = Encoding.UTF8.GetString(answer);
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (end < 0)
        {
            throw new InvalidDataException($"No complete HTTP answer: '{text}'");
        }

        var lines = text[..end].Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1], CultureInfo.InvariantCulture);
        var fields = lines.Skip(1)
            .Select(line => line.Split(':', 2))
            .ToDictionary(field => field[0].Trim(), field => field[1].Trim(), StringComparer.OrdinalIgnoreCase);
        var body = text[(end + 4)..];
        if (fields.TryGetValue("Transfer-Encoding", out var encoding) && encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            body = Dechunk(body);
        }

        return new RawHttpAnswer(status, fields.GetValueOrDefault("Content-Type"), body);
    }

    private static string Dechunk(string chunked)
    {
        var body = new StringBuilder();
        var position = 0;
        while (true)
        {
            var lineEnd = chunked.IndexOf("\r\n", position, StringComparison.Ordinal);
            var size = int.Parse(chunked[position..lineEnd].Split(';')[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            if (size == 0)
            {
                return body.ToString();
            }

            // Problem bodies are ASCII JSON, so characters and bytes coincide.
            body.Append(chunked, lineEnd + 2, size);
            position = lineEnd + 2 + size + 2;
        }
    }
}
