namespace CaptureChain.Host.Cli;

/// <summary>Where CaptureChain keeps its own state between runs (the imported registry, service settings).</summary>
public static class DataFolder
{
    /// <summary><c>$CAPTURECHAIN_DATA</c>, or <c>~/.local/share/capturechain</c>.</summary>
    public static string Path
    {
        get
        {
            var configured = Environment.GetEnvironmentVariable("CAPTURECHAIN_DATA");
            var path = string.IsNullOrWhiteSpace(configured)
                ? System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "capturechain")
                : configured;
            Directory.CreateDirectory(path);
            return path;
        }
    }

    /// <summary>The registry last imported with <c>registry import</c>.</summary>
    public static string ImportedRegistry => System.IO.Path.Combine(Path, "registry.csv");

    /// <summary>The registry of trained document-type model versions (<c>models/&lt;version&gt;/</c> and the <c>active</c> pointer).</summary>
    public static string ModelRegistry => System.IO.Path.Combine(Path, "models");

    /// <summary>The model in force: the registry's active version, or the shipped model when none was trained here.</summary>
    public static string ActiveModel => new Classifier.Versions.ModelRegistry(ModelRegistry).ActiveModelPath ?? ShippedModel;

    /// <summary>The shipped document-type model, copied beside the program at build time.</summary>
    public static string ShippedModel => System.IO.Path.Combine(AppContext.BaseDirectory, "models", "doctype.zip");
}
