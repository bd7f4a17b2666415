using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using CaptureChain.Capture.Intake;
using CaptureChain.Capture.Sheets;
using CaptureChain.Filing.Store;
using CaptureChain.Ocr;
using CaptureChain.Pipeline.Records;
using CaptureChain.Pipeline.Runner;

namespace CaptureChain.Pipeline.Tests;

/// <summary>A scratch folder per test class, removed afterwards.</summary>
public sealed class ScratchFolder : IDisposable
{
    public ScratchFolder() => Directory.CreateDirectory(Root);
    public string Root { get; } = Path.Combine(Path.GetTempPath(), "cc-pipeline-tests", Guid.NewGuid().ToString("N"));
    public string File(string name) => Path.Combine(Root, name);
    public void Dispose() { try { Directory.Delete(Root, recursive: true); } catch (IOException) { } }
}

/// <summary>Builds the records that flow between stages, directly, without running the stages before.</summary>
public static class Build
{
    /// <summary>Upper bound for any await in these tests: a hang fails the test instead of blocking the run.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    public static SourceFile Source(string name = "scan_00001.tif", CaptureDefaults? defaults = null, string? fullPath = null)
    {
        var inbox = Path.Combine(Path.GetTempPath(), "cc-inbox");
        var sha = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)));
        return new SourceFile(BatchId.New(), inbox, name, fullPath ?? Path.Combine(inbox, name), sha, 1234,
            defaults ?? CaptureDefaults.None);
    }

    public static RecognisedPage Content(SourceFile source, int number, string? text = null, string? problem = null) =>
        Page(source, number, PageRole.Content, null, text ?? $"Contenu de la page {number} du courrier adressé au Département.", problem);

    public static RecognisedPage Blank(SourceFile source, int number) => Page(source, number, PageRole.Blank, null, "");

    public static RecognisedPage Separator(SourceFile source, int number) =>
        Page(source, number, PageRole.Separator, new SeparatorSheet(), "");

    public static RecognisedPage Cover(SourceFile source, int number, string caseNumber) =>
        Page(source, number, PageRole.Cover, new CoverSheet(caseNumber), "");

    private static RecognisedPage Page(SourceFile source, int number, PageRole role, BatchSheet? sheet, string text, string? problem = null) =>
        new(source, number, role, sheet, text, 0.9f, null, PageCleanupReport.None, problem, TextFromSource: false);

    /// <summary>Pages described by a compact plan: c = content, b = blank, s = separator, "C:case" = cover of that case.</summary>
    public static List<RecognisedPage> Pages(SourceFile source, params string[] plan) =>
        plan.Select((p, i) => p switch
        {
            "c" => Content(source, i + 1),
            "b" => Blank(source, i + 1),
            "s" => Separator(source, i + 1),
            _ when p.StartsWith("C:", StringComparison.Ordinal) => Cover(source, i + 1, p[2..]),
            _ => throw new ArgumentException($"unknown page plan entry {p}"),
        }).ToList();

    /// <summary>Drains an async sequence with a time limit.</summary>
    public static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> items)
    {
        using var limit = new CancellationTokenSource(Patience);
        var list = new List<T>();
        await foreach (var item in items.WithCancellation(limit.Token)) list.Add(item);
        return list;
    }
}

/// <summary>A stage made of delegates, so each test states exactly what its stage does.</summary>
public sealed class TestStage<TIn, TOut>(
    string name,
    Func<TIn, CancellationToken, IAsyncEnumerable<TOut>> process,
    Func<TIn, Exception, IEnumerable<TOut>>? onFault = null) : IStage<TIn, TOut>
{
    public string Name => name;

    public IAsyncEnumerable<TOut> ProcessAsync(TIn item, CancellationToken ct) => process(item, ct);

    public IEnumerable<TOut> OnFault(TIn item, Exception fault) =>
        onFault is null ? throw new InvalidOperationException($"unexpected fault on {item}", fault) : onFault(item, fault);

    /// <summary>A stage yielding exactly one output per input.</summary>
    public static TestStage<TIn, TOut> Map(string name, Func<TIn, TOut> map, Func<TIn, Exception, IEnumerable<TOut>>? onFault = null) =>
        new(name, (item, _) => One(() => map(item)), onFault);

    /// <summary>A stage yielding one output per input after an awaited step.</summary>
    public static TestStage<TIn, TOut> MapAsync(string name, Func<TIn, CancellationToken, Task<TOut>> map,
        Func<TIn, Exception, IEnumerable<TOut>>? onFault = null) =>
        new(name, (item, ct) => OneAsync(map, item, ct), onFault);

    // The mapping runs while the output is enumerated, as in a real stage, not when ProcessAsync is called.
    private static async IAsyncEnumerable<TOut> One(Func<TOut> value)
    {
        await Task.CompletedTask;
        yield return value();
    }

    private static async IAsyncEnumerable<TOut> OneAsync(Func<TIn, CancellationToken, Task<TOut>> map, TIn item,
        [EnumeratorCancellation] CancellationToken ct)
    {
        yield return await map(item, ct);
    }
}
