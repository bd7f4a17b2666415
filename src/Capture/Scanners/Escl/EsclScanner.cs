using System.Net;
using System.Text;
using CaptureChain.Capture.Intake;
using CaptureChain.Ocr.Imaging;

namespace CaptureChain.Capture.Scanners;

/// <summary>
/// One eSCL device: <c>GET ScannerCapabilities</c>, <c>GET ScannerStatus</c>, <c>POST ScanJobs</c> (201 + Location),
/// <c>GET {job}/NextDocument</c> until 404, and <c>DELETE {job}</c> at the end whatever happened.
/// </summary>
public sealed class EsclScanner : IScanner
{
    private const int A4Width300 = 2480, A4Height300 = 3508;
    private readonly HttpClient _http;
    private readonly EsclOptions _options;
    private readonly Uri _root;
    private EsclCapabilities? _capabilities;

    internal EsclScanner(HttpClient http, EsclOptions options, string deviceId, Uri root)
    {
        _http = http;
        _options = options;
        _root = root;
        Device = new ScannerDevice(deviceId, "", "", "eSCL");
    }

    public ScannerDevice Device { get; private set; }

    /// <summary>The eSCL root every request is made against (ends with '/').</summary>
    public Uri Root => _root;

    /// <summary>The capabilities document as last read.</summary>
    public EsclCapabilities Capabilities => _capabilities ?? throw new InvalidOperationException("Capabilities not read yet.");

    internal async Task LoadCapabilitiesAsync(CancellationToken cancellationToken)
    {
        try { _capabilities = await ReadCapabilitiesAsync(cancellationToken).ConfigureAwait(false); }
        catch (Exception e) when (e is HttpRequestException or EsclTimeoutException or FormatException or EsclProtocolException)
        {
            throw new ScannerUnavailableException(Device.Id, e.Message, e);
        }
        Device = Device with { Model = _capabilities.MakeAndModel };
    }

    public async Task<ScannerCapabilities> GetCapabilitiesAsync(CancellationToken cancellationToken)
    {
        _capabilities = await ReadCapabilitiesAsync(cancellationToken).ConfigureAwait(false);
        return _capabilities.ToScannerCapabilities();
    }

    /// <summary>Reads <c>ScannerStatus</c>.</summary>
    public async Task<EsclStatus> GetStatusAsync(CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, new Uri(_root, "ScannerStatus"), null, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.OK) throw new EsclProtocolException($"ScannerStatus answered {(int)response.StatusCode}");
        return EsclXml.ParseStatus(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
    }

    public ScanSession Scan(ScanSettings settings, CancellationToken cancellationToken = default) =>
        new(Device.Id, settings, (sink, token) => RunJobAsync(settings, sink, token), cancellationToken);

    /// <summary>Nothing to release: the HttpClient belongs to the caller and jobs are deleted when their batch ends.</summary>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private async Task<EsclCapabilities> ReadCapabilitiesAsync(CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, new Uri(_root, "ScannerCapabilities"), null, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.OK) throw new EsclProtocolException($"ScannerCapabilities answered {(int)response.StatusCode}");
        return EsclXml.ParseCapabilities(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
    }

    // ---- The batch ----

    private async Task<ScanStop> RunJobAsync(ScanSettings settings, ScanPageSink sink, CancellationToken token)
    {
        if (PlanJob(settings, out var refusal) is not { } job) return new ScanStop(ScanEndReason.UnsupportedSettings, refusal!);
        Uri? jobUri = null;
        try
        {
            if (await WaitUntilReadyAsync(settings, token).ConfigureAwait(false) is { } notReady) return notReady;
            var (created, stop) = await CreateJobAsync(job, settings, token).ConfigureAwait(false);
            if (stop is not null) return stop;
            jobUri = created!;
            return await ReadPagesAsync(jobUri, settings, job.DocumentFormat, sink, token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested) { return ScanStop.Cancelled(); }
        catch (Exception e) when (e is HttpRequestException or EsclTimeoutException)
        {
            return new ScanStop(ScanEndReason.DeviceGone, e.Message);
        }
        catch (Exception e) when (e is EsclProtocolException or FormatException)
        {
            return new ScanStop(ScanEndReason.DeviceError, e.Message);
        }
        finally
        {
            if (jobUri is not null) await DeleteJobAsync(jobUri).ConfigureAwait(false);
        }
    }

    /// <summary>The job settings for <paramref name="settings"/>, or null with the reason the device cannot.</summary>
    private EsclJobSettings? PlanJob(ScanSettings settings, out string? refusal)
    {
        refusal = null;
        if (settings.Duplex && settings.Source != ScanSource.Adf) { refusal = "duplex needs the document feeder"; return null; }
        var input = Capabilities.For(settings.Source, settings.Duplex);
        if (input is null) { refusal = $"source {settings.Source}{(settings.Duplex ? " duplex" : "")} not offered"; return null; }
        var mode = settings.Mode switch
        {
            ColourMode.Colour => EsclXml.Rgb24,
            ColourMode.Grey => EsclXml.Grayscale8,
            // No 1-bit mode: scan grey and threshold here.
            _ => input.ColorModes.Contains(EsclXml.BlackAndWhite1) ? EsclXml.BlackAndWhite1 : EsclXml.Grayscale8,
        };
        if (input.ColorModes.Count > 0 && !input.ColorModes.Contains(mode)) { refusal = $"mode {settings.Mode} not offered"; return null; }
        var listsResolutions = input.Resolutions.Discrete.Count > 0 || input.Resolutions.Max > 0;
        if (listsResolutions && !input.Resolutions.Supports(settings.Dpi)) { refusal = $"{settings.Dpi} dpi not offered"; return null; }
        // An A4 region (2480 x 3508 in 1/300 inch), within what the device can take: some devices need a region,
        // and some refuse one larger than their maximum.
        var width = input.MaxWidth > 0 ? Math.Min(A4Width300, input.MaxWidth) : A4Width300;
        var height = input.MaxHeight > 0 ? Math.Min(A4Height300, input.MaxHeight) : A4Height300;
        return new EsclJobSettings(settings.Source == ScanSource.Adf ? EsclXml.Feeder : EsclXml.Platen, settings.Duplex,
            settings.Dpi, settings.Dpi, mode, PickFormat(input.DocumentFormats, settings.Mode), "Document", width, height);
    }

    // Lossless for text pages when offered; JPEG is the one format every eSCL device has; PDF needs rasterising.
    private static string PickFormat(IReadOnlyList<string> offered, ColourMode mode)
    {
        string[] preference = mode == ColourMode.Colour
            ? ["image/jpeg", "image/png", "image/tiff", "application/pdf"]
            : ["image/png", "image/tiff", "image/jpeg", "application/pdf"];
        return preference.FirstOrDefault(offered.Contains) ?? "image/jpeg";
    }

    private async Task<ScanStop?> WaitUntilReadyAsync(ScanSettings settings, CancellationToken token)
    {
        for (var attempt = 0; ; attempt++)
        {
            var status = await GetStatusAsync(token).ConfigureAwait(false);
            if (status.IsIdle)
                return settings.Source == ScanSource.Adf && FeederStop(status.AdfState, pagesSoFar: 0) is { } feeder ? feeder : null;
            if (status.State is not ("Processing" or "Testing"))
                return new ScanStop(ScanEndReason.DeviceError, $"scanner state {status.State}");
            if (attempt >= _options.MaxRetries)
                return new ScanStop(ScanEndReason.Busy, $"scanner still {status.State} after {attempt} retries");
            await Task.Delay(_options.Delay, token).ConfigureAwait(false);
        }
    }

    private async Task<(Uri? Job, ScanStop? Stop)> CreateJobAsync(EsclJobSettings job, ScanSettings settings, CancellationToken token)
    {
        var body = EsclXml.WriteScanSettings(job);
        for (var attempt = 0; ; attempt++)
        {
            using var content = new StringContent(body, Encoding.UTF8, "text/xml");
            using var response = await SendAsync(HttpMethod.Post, new Uri(_root, "ScanJobs"), content, token).ConfigureAwait(false);
            switch (response.StatusCode)
            {
                case HttpStatusCode.Created:
                    var location = response.Headers.Location ?? throw new EsclProtocolException("ScanJobs answered 201 without a Location");
                    return (Rebase(_root, location), null);
                case HttpStatusCode.ServiceUnavailable:
                    if (attempt >= _options.MaxRetries)
                        return (null, new ScanStop(ScanEndReason.Busy, $"ScanJobs answered 503 {attempt + 1} times"));
                    await Task.Delay(RetryAfter(response), token).ConfigureAwait(false);
                    continue;
                case HttpStatusCode.Conflict:
                    var status = await GetStatusAsync(token).ConfigureAwait(false);
                    return (null, (settings.Source == ScanSource.Adf ? FeederStop(status.AdfState, 0) : null)
                        ?? new ScanStop(ScanEndReason.Busy, $"ScanJobs answered 409 (scanner {status.State})"));
                default:
                    return (null, new ScanStop(ScanEndReason.DeviceError, $"ScanJobs answered {(int)response.StatusCode}"));
            }
        }
    }

    private async Task<ScanStop> ReadPagesAsync(Uri job, ScanSettings settings, string format, ScanPageSink sink, CancellationToken token)
    {
        var next = new Uri(job.AbsoluteUri.TrimEnd('/') + "/NextDocument");
        var pages = 0;
        var retries = 0;
        while (true)
        {
            token.ThrowIfCancellationRequested();
            using var response = await SendAsync(HttpMethod.Get, next, null, token).ConfigureAwait(false);
            switch (response.StatusCode)
            {
                case HttpStatusCode.OK:
                    retries = 0;
                    var body = await response.Content.ReadAsByteArrayAsync(token).ConfigureAwait(false);
                    var (images, problem) = await DecodeAsync(body, response.Content.Headers.ContentType?.MediaType ?? format, settings, token).ConfigureAwait(false);
                    if (problem is not null) return new ScanStop(ScanEndReason.DeviceError, $"page {pages + 1}: {problem}");
                    foreach (var image in images)
                    {
                        if (!sink.Deliver(ScanImages.Conform(image, settings.Mode, settings.Dpi))) return ScanStop.Cancelled();
                        pages++;
                    }
                    // The platen holds one page; some devices never answer 404 for it.
                    if (settings.Source == ScanSource.Flatbed) return new ScanStop(ScanEndReason.Completed, "flatbed page read");
                    break;
                case HttpStatusCode.NotFound:
                    if (pages > 0) return new ScanStop(ScanEndReason.Completed, $"feeder empty after {pages} page(s)");
                    return settings.Source == ScanSource.Adf
                        ? new ScanStop(ScanEndReason.NoDocuments, "feeder empty")
                        : new ScanStop(ScanEndReason.DeviceError, "the job ended without a page");
                case HttpStatusCode.ServiceUnavailable:
                    if (++retries > _options.MaxRetries)
                        return new ScanStop(ScanEndReason.Busy, $"page {pages + 1} not ready after {retries - 1} retries");
                    await Task.Delay(RetryAfter(response), token).ConfigureAwait(false);
                    break;
                case HttpStatusCode.Gone:
                    return ScanStop.Cancelled("job cancelled on the device");
                default:
                    // 409, 500 and the like: the status document says whether the feeder jammed or opened.
                    var code = (int)response.StatusCode;
                    var status = await GetStatusAsync(token).ConfigureAwait(false);
                    return FeederStop(status.AdfState, pages) is { } feeder
                        ? feeder with { Message = $"{feeder.Message} (NextDocument answered {code} after {pages} page(s))" }
                        : new ScanStop(ScanEndReason.DeviceError, $"NextDocument answered {code} after {pages} page(s) (scanner {status.State})");
            }
        }
    }

    /// <summary>The stop an ADF state means, or null when the feeder is fine.</summary>
    private static ScanStop? FeederStop(string? adfState, int pagesSoFar) => adfState switch
    {
        "ScannerAdfEmpty" => pagesSoFar == 0
            ? new ScanStop(ScanEndReason.NoDocuments, "feeder empty")
            : new ScanStop(ScanEndReason.Completed, $"feeder empty after {pagesSoFar} page(s)"),
        "ScannerAdfJam" or "ScannerAdfMispick" or "ScannerAdfMultipickDetected" => new ScanStop(ScanEndReason.Jammed, $"feeder: {adfState}"),
        "ScannerAdfHatchOpen" => new ScanStop(ScanEndReason.CoverOpen, $"feeder: {adfState}"),
        _ => null,
    };

    private async Task<(IReadOnlyList<PageImage> Images, string? Problem)> DecodeAsync(byte[] body, string mediaType, ScanSettings settings, CancellationToken token)
    {
        if (body.Length == 0) return ([], "empty document");
        // The body says what it is more reliably than some devices' Content-Type.
        var isPdf = body.AsSpan().StartsWith("%PDF"u8) || mediaType == "application/pdf";
        if (!isPdf)
        {
            try
            {
                if (body[0] == 0xFF && body.Length > 1 && body[1] == 0xD8)
                {
                    var jpeg = PageImage.DecodeJpeg(body, out var warnings);
                    if (warnings > 0) { jpeg.Dispose(); return ([], $"damaged JPEG ({warnings} corrupt-data warnings)"); }
                    return ([jpeg], null);
                }
                return ([PageImage.Decode(body)], null);
            }
            catch (ImageDecodeException e) { return ([], e.Message); }
        }

        // A PDF document may hold several pages (some devices send the whole feeder as one).
        var path = Path.Combine(Path.GetTempPath(), $"cc-escl-{Guid.NewGuid():N}.pdf");
        var images = new List<PageImage>();
        try
        {
            await File.WriteAllBytesAsync(path, body, token).ConfigureAwait(false);
            var poppler = new PopplerTools();
            var info = await poppler.InfoAsync(path, token).ConfigureAwait(false);
            if (info.Document is not { } doc) return ([], info.Rejection?.Message ?? "unreadable PDF");
            var renderMode = settings.Mode == ColourMode.Bitonal ? PdfRenderMode.Mono : PdfRenderMode.Gray;
            for (var page = 1; page <= doc.PageCount; page++)
                images.Add(await poppler.RenderPageAsync(path, page, settings.Dpi, renderMode, token).ConfigureAwait(false));
            return (images, null);
        }
        catch (SourceRejectedException e)
        {
            images.ForEach(i => i.Dispose());
            return ([], e.Message);
        }
        catch
        {
            images.ForEach(i => i.Dispose());
            throw;
        }
        finally { File.Delete(path); }
    }

    private async Task DeleteJobAsync(Uri job)
    {
        // Best effort with its own deadline: the batch may end because the caller cancelled, and the device must still
        // hear that the job is over (otherwise it can stay busy for minutes).
        try
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            using var response = await SendAsync(HttpMethod.Delete, job, null, deadline.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or EsclTimeoutException or OperationCanceledException) { }
    }

    private TimeSpan RetryAfter(HttpResponseMessage response)
    {
        var asked = response.Headers.RetryAfter?.Delta;
        // Honour the device's hint, but never wait much longer than configured between two polls.
        return asked is { } d && d > TimeSpan.Zero ? TimeSpan.FromTicks(Math.Min(d.Ticks, _options.Delay.Ticks * 5)) : _options.Delay;
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, Uri uri, HttpContent? content, CancellationToken token)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(token);
        deadline.CancelAfter(_options.Timeout);
        using var request = new HttpRequestMessage(method, uri) { Content = content };
        try
        {
            // Read the whole body inside the deadline: a device that stalls mid-page is a timeout, not a hang.
            return await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!token.IsCancellationRequested)
        {
            throw new EsclTimeoutException($"{method} {uri.AbsolutePath}: no answer within {_options.Timeout.TotalSeconds:0.#} s");
        }
    }

    /// <summary>
    /// The job URL from a <c>Location</c> header, on our own base address: relative locations are resolved against the
    /// eSCL root, absolute ones keep their path but take our scheme, host and port (devices often name an interface or
    /// host name we did not connect through).
    /// </summary>
    public static Uri Rebase(Uri root, Uri location)
    {
        if (!location.IsAbsoluteUri) return new Uri(root, location);
        return new UriBuilder(location) { Scheme = root.Scheme, Host = root.Host, Port = root.Port }.Uri;
    }
}

/// <summary>The device answered outside the eSCL protocol.</summary>
internal sealed class EsclProtocolException(string message) : Exception(message);

/// <summary>No answer within the request timeout.</summary>
internal sealed class EsclTimeoutException(string message) : Exception(message);
