namespace WebhookFunctions.InfrastructureTests;

/// <summary>
/// A throw-away copy of infra/: the CLI writes its outputs beside the templates, and the negative tests edit them.
/// </summary>
internal sealed class InfraCopy : IDisposable
{
    private InfraCopy(string directory) => Directory = directory;

    public string Directory { get; }

    public static InfraCopy Create()
    {
        var target = Path.Combine(Path.GetTempPath(), "webhookfunctions-infra-" + Guid.NewGuid().ToString("N"));
        Copy(BicepCli.InfraDirectory, target);
        return new InfraCopy(target);
    }

    public string PathOf(string relativePath) => Path.Combine(Directory, relativePath);

    /// <summary>Replaces exactly one occurrence of <paramref name="original"/> in a template.</summary>
    public void Edit(string relativePath, string original, string replacement)
    {
        var path = PathOf(relativePath);
        var text = File.ReadAllText(path);
        var at = text.IndexOf(original, StringComparison.Ordinal);
        if (at < 0 || text.IndexOf(original, at + 1, StringComparison.Ordinal) >= 0)
        {
            throw new InvalidOperationException($"'{original}' does not occur exactly once in {relativePath}.");
        }

        File.WriteAllText(path, string.Concat(text.AsSpan(0, at), replacement, text.AsSpan(at + original.Length)));
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }

    private static void Copy(string source, string target)
    {
        System.IO.Directory.CreateDirectory(target);
        foreach (var file in System.IO.Directory.EnumerateFiles(source))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }

        foreach (var directory in System.IO.Directory.EnumerateDirectories(source))
        {
            Copy(directory, Path.Combine(target, Path.GetFileName(directory)));
        }
    }
}
