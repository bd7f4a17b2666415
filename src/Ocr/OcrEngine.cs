using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using CaptureChain.Ocr.Imaging;
using CaptureChain.Ocr.Interop;

namespace CaptureChain.Ocr;

/// <summary>
/// One Tesseract engine. Not thread-safe: one per worker, never used by two callers at once, reused across pages.
/// One <see cref="Recognize"/> call is one recognition pass that yields the text, the words and the searchable PDF.
/// </summary>
/// <remarks>
/// The engine makes its native calls on a thread of its own. Tesseract checks the deadline only between words; its
/// layout analysis can run for minutes on noise-like images. When a page overruns the deadline by more than a grace
/// period, the engine is abandoned: the caller gets a deadline result at once, the stuck native call finishes at
/// the lowest priority and then frees the engine. An abandoned engine refuses further pages
/// (<see cref="IsUsable"/>); the owner replaces it.
/// </remarks>
public sealed class OcrEngine : IDisposable
{
    private static readonly Lazy<bool> ProcessSetup = new(() =>
    {
        Tesseract.EnsureEnvironment();
        // debug_file is a process-wide parameter: set it once so Tesseract's chatter ("Estimating resolution...",
        // "Detected N diacritics") stays off the service's stderr.
        using var api = Tesseract.TessBaseAPICreate();
        Tesseract.TessBaseAPISetVariable(api, "debug_file", "/dev/null");
        return true;
    }, LazyThreadSafetyMode.ExecutionAndPublication);

    private static int s_abandonedRunning;
    private static long s_abandonedTotal;

    /// <summary>How long a cancelled recognition may take to stop before the engine is abandoned.</summary>
    private static readonly TimeSpan CancelGrace = TimeSpan.FromSeconds(1);

    private readonly EngineThread _thread;
    // Native state below is touched only on _thread (except the cancel flag, which is made for that).
    private readonly TessBaseApiHandle _api;
    private readonly TessMonitorHandle _monitor;
    private readonly TessCancelFlag _cancel;
    private readonly string _dataPath;
    private bool _abandoned;
    private bool _disposed;

    /// <summary>Loads the language models of <paramref name="options"/> (a few hundred milliseconds).</summary>
    public OcrEngine(OcrOptions? options = null)
    {
        Options = options ?? new OcrOptions();
        _thread = new EngineThread("tesseract");
        try
        {
            (_api, _monitor, _cancel, _dataPath) = _thread.Invoke(() => Initialise(Options));
        }
        catch
        {
            _thread.Complete();
            throw;
        }
    }

    /// <summary>The settings this engine was built with.</summary>
    public OcrOptions Options { get; }

    /// <summary>False once the engine is disposed or was abandoned on a runaway page; the owner replaces it.</summary>
    public bool IsUsable => !_abandoned && !_disposed;

    /// <summary>Abandoned recognitions whose native call is still running (each holds one low-priority thread).</summary>
    public static int AbandonedRecognitionsRunning => Volatile.Read(ref s_abandonedRunning);

    /// <summary>Recognitions abandoned since the process started.</summary>
    public static long AbandonedRecognitionsTotal => Interlocked.Read(ref s_abandonedTotal);

    /// <summary>Version of the loaded libtesseract, e.g. "5.3.0".</summary>
    public static string TesseractVersion
    {
        get { Tesseract.EnsureEnvironment(); return Tesseract.Version(); }
    }

    /// <summary>
    /// The OpenMP thread limit the native runtime took (1 unless an operator exported another value); shows the
    /// environment was in place before libtesseract loaded.
    /// </summary>
    public static int NativeThreadLimit => Tesseract.OpenMpThreadLimit();

    /// <summary>
    /// Tesseract's progress through the current page's words (0-100; it stays at 0 during layout analysis and keeps
    /// the last page's value until the next page's recognition starts). Safe to read from another thread.
    /// </summary>
    internal int RecognitionProgress => _disposed || _abandoned ? 0 : Tesseract.TessMonitorGetProgress(_monitor);

    /// <summary>How long past the deadline a page may run before its engine is abandoned.</summary>
    public static TimeSpan WatchdogGrace(TimeSpan deadline) =>
        deadline == Timeout.InfiniteTimeSpan ? Timeout.InfiniteTimeSpan : TimeSpan.FromSeconds(1) + deadline / 4;

    /// <summary>
    /// Recognises <paramref name="page"/> once and, when <paramref name="pdfPath"/> is given, writes a single-page
    /// searchable PDF (page image plus invisible text) from the same result. A deadline hit is a result with
    /// <see cref="OcrPageResult.DeadlineExceeded"/> (its PDF, if requested, still holds the page image);
    /// cancellation throws <see cref="OperationCanceledException"/>; an image Tesseract must not see throws
    /// <see cref="PageImageRejectedException"/>. The caller keeps ownership of <paramref name="page"/>.
    /// </summary>
    public OcrPageResult Recognize(PageImage page, string? pdfPath, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_abandoned) throw new InvalidOperationException("This OCR engine was abandoned on a runaway page; use a new one.");
        ArgumentNullException.ThrowIfNull(page);
        ct.ThrowIfCancellationRequested();
        PageImageLimits.Ensure(page);
        var clock = Stopwatch.StartNew();
        var dpi = Options.ResolveDpi(page.Dpi);
        var deadline = Options.EffectivePageDeadline;

        // The engine thread gets its own copy: the caller's page is never touched by a thread that may be abandoned.
        // Tesseract converts odd depths itself, but only 1, 8 (no palette) and 32 bpp embed sensibly in the PDF.
        var needsGrey = page.Depth is not (1 or 32) && !(page.Depth == 8 && Leptonica.pixGetColormap(page.Pix) == IntPtr.Zero);
        var image = needsGrey ? page.ToGray() : page.Derive(Leptonica.pixCopy(IntPtr.Zero, page.Pix), "copy the page");
        RecognitionJob job;
        try
        {
            var lossless = pdfPath is not null && PdfImageEmbedding.PreferLossless(image, Options.GreyPdfEncoding, Options.JpegQuality);
            job = new RecognitionJob(image, dpi, pdfPath is null ? null : Path.GetFullPath(pdfPath), lossless, deadline);
        }
        catch
        {
            image.Dispose();
            throw;
        }

        _cancel.Reset();
        _thread.Post(() => Run(job));
        var limit = deadline == Timeout.InfiniteTimeSpan ? Timeout.InfiniteTimeSpan : deadline + WatchdogGrace(deadline);
        using (ct.UnsafeRegister(static state => ((TessCancelFlag)state!).Set(), _cancel))
        {
            bool finished;
            try
            {
                finished = job.Done.Wait(limit, ct);
            }
            catch (OperationCanceledException)
            {
                // The cancel flag is set; Tesseract stops at its next word unless it is still in layout analysis.
                if (!job.Done.Wait(CancelGrace) && job.TryAbandon()) Abandon();
                else job.Done.Wait();
                throw;
            }
            if (!finished)
            {
                if (job.TryAbandon())
                {
                    Abandon();
                    var fallback = pdfPath is null ? null : WriteImageOnlyPdf(page, dpi, pdfPath);
                    return new OcrPageResult(string.Empty, 0, [], fallback, DeadlineExceeded: true, clock.Elapsed);
                }
                job.Done.Wait(); // the engine thread is already delivering: only the file move is left
            }
        }

        job.Error?.Throw();
        if (job.Cancelled) ct.ThrowIfCancellationRequested();
        return job.Result! with { Elapsed = clock.Elapsed };
    }

    /// <summary>One page handed to the engine thread; whoever wins the state race decides its fate.</summary>
    private sealed class RecognitionJob(PageImage image, int dpi, string? pdfPath, bool lossless, TimeSpan deadline)
    {
        private const int Running = 0, Delivering = 1, Abandoned = 2;
        private int _state;

        public PageImage Image { get; } = image;
        public int Dpi { get; } = dpi;
        public string? PdfPath { get; } = pdfPath;
        public bool Lossless { get; } = lossless;
        public TimeSpan Deadline { get; } = deadline;
        public ManualResetEventSlim Done { get; } = new();
        public OcrPageResult? Result { get; set; }
        public ExceptionDispatchInfo? Error { get; set; }
        public bool Cancelled { get; set; }

        public bool TryDeliver() => Interlocked.CompareExchange(ref _state, Delivering, Running) == Running;
        public bool TryAbandon() => Interlocked.CompareExchange(ref _state, Abandoned, Running) == Running;
    }

    // Runs on the engine thread.
    private void Run(RecognitionJob job)
    {
        string? temporaryPdf = null;
        try
        {
            // The PDF renderer picks the embedding from the image's input format: PNG -> Flate, anything else by
            // depth (1 bpp -> G4, grey/colour -> JPEG).
            Leptonica.pixSetInputFormat(job.Image.Pix, job.Lossless ? Leptonica.IFF_PNG : Leptonica.IFF_UNKNOWN);
            Tesseract.TessBaseAPISetImage2(_api, job.Image.Pix);
            // After SetImage, which resets the resolution from the Pix; 0 would be read as 70 dpi.
            Tesseract.TessBaseAPISetSourceResolution(_api, job.Dpi);

            var recognition = Stopwatch.StartNew();
            Tesseract.TessMonitorSetDeadlineMSecs(_monitor, DeadlineMilliseconds(job.Deadline));
            var rc = Tesseract.TessBaseAPIRecognize(_api, _monitor);
            var recognitionTime = recognition.Elapsed;
            if (_cancel.IsSet)
            {
                job.Cancelled = true;
                return;
            }
            // Recognize returns -1 when the monitor stopped it; anything else failing that fast is a fault.
            var deadlineExceeded = rc != 0 && recognitionTime >= job.Deadline - TimeSpan.FromMilliseconds(50);
            if (rc != 0 && !deadlineExceeded)
                throw new InvalidOperationException($"Tesseract failed to recognise a {job.Image.Width}x{job.Image.Height} page (code {rc}).");

            var text = Tesseract.TakeText(Tesseract.TessBaseAPIGetUTF8Text(_api));
            var mean = deadlineExceeded ? 0 : Math.Max(0, Tesseract.TessBaseAPIMeanTextConf(_api));
            var words = ReadWords();
            if (job.PdfPath is not null) temporaryPdf = RenderPdf(job.PdfPath);

            if (!job.TryDeliver()) return; // abandoned meanwhile: the caller has moved on
            if (temporaryPdf is not null)
            {
                File.Move(temporaryPdf, job.PdfPath!, overwrite: true);
                temporaryPdf = null;
            }
            job.Result = new OcrPageResult(text, mean, words, job.PdfPath, deadlineExceeded, recognitionTime);
        }
        catch (Exception e)
        {
            job.Error = ExceptionDispatchInfo.Capture(e);
        }
        finally
        {
            if (temporaryPdf is not null) TryDelete(temporaryPdf);
            // Frees the page's results and image; the loaded models stay for the next page.
            Tesseract.TessBaseAPIClear(_api);
            job.Image.Dispose();
            job.Done.Set();
        }
    }

    private static int DeadlineMilliseconds(TimeSpan deadline) =>
        deadline == Timeout.InfiniteTimeSpan || deadline.TotalMilliseconds >= int.MaxValue ? int.MaxValue
        : (int)Math.Max(1, deadline.TotalMilliseconds);

    // Runs on the engine thread.
    private List<OcrWord> ReadWords()
    {
        var words = new List<OcrWord>();
        using var iterator = Tesseract.TessBaseAPIGetIterator(_api);
        if (iterator.IsInvalid) return words;
        do
        {
            var textPtr = Tesseract.TessResultIteratorGetUTF8Text(iterator, Tesseract.RIL_WORD);
            if (textPtr == IntPtr.Zero) continue;
            var text = Tesseract.TakeText(textPtr);
            if (string.IsNullOrWhiteSpace(text)) continue;
            var confidence = Tesseract.TessResultIteratorConfidence(iterator, Tesseract.RIL_WORD);
            var pageIterator = Tesseract.TessResultIteratorGetPageIteratorConst(iterator);
            Tesseract.TessPageIteratorBoundingBox(pageIterator, Tesseract.RIL_WORD, out var left, out var top, out var right, out var bottom);
            words.Add(new OcrWord(text, confidence, left, top, right, bottom));
        }
        while (Tesseract.TessResultIteratorNext(iterator, Tesseract.RIL_WORD) != 0);
        return words;
    }

    // Runs on the engine thread. Returns the written temporary file, next to the target.
    private string RenderPdf(string pdfPath)
    {
        var directory = Path.GetDirectoryName(pdfPath)!;
        Directory.CreateDirectory(directory);
        // The renderer appends ".pdf" to its output base and writes as it goes: write beside the target and move
        // into place, so a reader never sees a half-written page.
        var outputBase = Path.Combine(directory, $".{Path.GetFileName(pdfPath)}.{Guid.NewGuid():N}");
        var written = outputBase + ".pdf";
        try
        {
            using (var renderer = Tesseract.TessPDFRendererCreate(outputBase, _dataPath, 0))
            {
                if (renderer.IsInvalid) throw new IOException($"Tesseract could not create a PDF renderer for {pdfPath}.");
                if (Tesseract.TessResultRendererBeginDocument(renderer, "") == 0
                    || Tesseract.TessResultRendererAddImage(renderer, _api) == 0
                    || Tesseract.TessResultRendererEndDocument(renderer) == 0)
                    throw new IOException($"Tesseract could not write the PDF page {pdfPath}.");
            } // deleting the renderer closes the file
            return written;
        }
        catch
        {
            TryDelete(written);
            throw;
        }
    }

    /// <summary>An image-only page when the engine had to be abandoned: the page is never lost, only its text.</summary>
    private static string WriteImageOnlyPdf(PageImage page, int dpi, string pdfPath)
    {
        var full = Path.GetFullPath(pdfPath);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        if (Leptonica.pixWriteMemPdf(out var data, out var size, page.Pix, dpi, "") != 0 || data == IntPtr.Zero)
            throw new IOException($"Leptonica could not write the image-only PDF page {full}.");
        var bytes = new byte[(int)size];
        try { Marshal.Copy(data, bytes, 0, bytes.Length); }
        finally { Leptonica.lept_free(data); }
        var temporary = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.pdf");
        File.WriteAllBytes(temporary, bytes);
        File.Move(temporary, full, overwrite: true);
        return full;
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    private void Abandon()
    {
        _abandoned = true;
        Interlocked.Increment(ref s_abandonedRunning);
        Interlocked.Increment(ref s_abandonedTotal);
        _thread.LowerPriority();
        // Queued behind the stuck page: runs when Tesseract finally returns.
        _thread.Post(() =>
        {
            ReleaseNative();
            Interlocked.Decrement(ref s_abandonedRunning);
        });
        _thread.Complete();
    }

    // Runs on the engine thread.
    private static (TessBaseApiHandle, TessMonitorHandle, TessCancelFlag, string) Initialise(OcrOptions options)
    {
        var api = CreateInitialised(options.TessdataPath, options.Languages, Tesseract.OEM_LSTM_ONLY);
        try
        {
            var dataPath = Marshal.PtrToStringUTF8(Tesseract.TessBaseAPIGetDatapath(api)) ?? options.TessdataPath ?? Tesseract.DebianTessdata;
            Tesseract.TessBaseAPISetPageSegMode(api, Tesseract.PSM_AUTO);
            Tesseract.TessBaseAPISetVariable(api, "jpg_quality",
                Math.Clamp(options.JpegQuality, 1, 100).ToString(System.Globalization.CultureInfo.InvariantCulture));
            var monitor = Tesseract.TessMonitorCreate();
            if (monitor.IsInvalid) throw new OcrEngineException("Tesseract could not create a progress monitor.");
            var cancel = new TessCancelFlag();
            unsafe { Tesseract.TessMonitorSetCancelFunc(monitor, TessCancelFlag.Callback); }
            Tesseract.TessMonitorSetCancelThis(monitor, cancel.Pointer);
            return (api, monitor, cancel, dataPath);
        }
        catch
        {
            api.Dispose();
            throw;
        }
    }

    /// <summary>Creates and initialises a base API; shared with the orientation detector.</summary>
    internal static TessBaseApiHandle CreateInitialised(string? tessdataPath, string languages, int oem)
    {
        _ = ProcessSetup.Value;
        var api = Tesseract.TessBaseAPICreate();
        if (api.IsInvalid) throw new OcrEngineException("Tesseract could not create an engine.");
        var path = tessdataPath ?? (Directory.Exists(Tesseract.DebianTessdata) ? Tesseract.DebianTessdata : null);
        if (Tesseract.TessBaseAPIInit2(api, path, languages, oem) != 0)
        {
            api.Dispose();
            throw new OcrEngineException($"Tesseract could not load languages '{languages}' from {path ?? "its default tessdata"}.");
        }
        return api;
    }

    // Runs on the engine thread, last.
    private void ReleaseNative()
    {
        _api.Dispose();
        _monitor.Dispose();
        _cancel.Dispose();
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (_abandoned) return; // the engine thread frees everything when the stuck page returns
        _thread.Post(ReleaseNative);
        _thread.Complete();
        _thread.Join();
    }
}
