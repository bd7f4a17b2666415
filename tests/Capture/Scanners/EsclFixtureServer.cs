using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Xml.Linq;
using CaptureChain.Capture.Rendering;
using CaptureChain.Ocr.Imaging;

namespace CaptureChain.Capture.Tests.Scanners;

/// <summary>Where the fixture's <c>Location</c> header points.</summary>
public enum LocationStyle { RootRelative, PathRelative, AbsoluteSameHost, AbsoluteOtherHost }

/// <summary>How the fixture scanner behaves for one test.</summary>
public sealed record EsclScript
{
    public int Sheets { get; init; } = 3;
    public bool HasPlaten { get; init; } = true;
    public bool HasAdf { get; init; } = true;
    public bool HasDuplex { get; init; }
    public string[] ColorModes { get; init; } = ["BlackAndWhite1", "Grayscale8", "RGB24"];
    public string[] Formats { get; init; } = ["image/jpeg", "image/png", "application/pdf"];
    public int[] Resolutions { get; init; } = [75, 100, 150, 200, 300];
    /// <summary>POST ScanJobs answers 503 this many times first.</summary>
    public int BusyPosts { get; init; }
    /// <summary>ScannerStatus says Processing this many times first.</summary>
    public int ProcessingStatuses { get; init; }
    /// <summary>NextDocument answers 503 this many times before each page.</summary>
    public int NotReadyPerPage { get; init; }
    /// <summary>After this many pages the feeder jams: NextDocument answers <see cref="JamStatus"/>, status says ScannerAdfJam.</summary>
    public int? JamAfterPages { get; init; }
    public int JamStatus { get; init; } = 409;
    /// <summary>The device drops every connection after this many pages (switched off).</summary>
    public int? GoneAfterPages { get; init; }
    /// <summary>ScannerStatus admits the feeder is empty (otherwise only NextDocument's 404 tells).</summary>
    public bool StatusShowsEmptyFeeder { get; init; } = true;
    public LocationStyle Location { get; init; } = LocationStyle.RootRelative;
    /// <summary>NextDocument for this page (1-based) waits until the job is deleted.</summary>
    public int? HoldPage { get; init; }
}

/// <summary>What the fixture read from one POST ScanJobs body (parsed here, independently of the client's writer).</summary>
public sealed record ReceivedJob(string InputSource, bool Duplex, int XResolution, int YResolution, string ColorMode, string Format)
{
    /// <summary>Scan region width and height in 1/300 inch (0 when none was sent).</summary>
    public (int Width, int Height) Region { get; init; }
}

/// <summary>
/// A tiny eSCL scanner on 127.0.0.1 (HttpListener, random port) that serves real capability and status XML and real
/// page images rendered with <see cref="PageCanvas"/>, scripted by <see cref="EsclScript"/>. Page n carries a black
/// square in slot n (see <see cref="PageMarks"/>), so tests can check order.
/// </summary>
public sealed class EsclFixtureServer : IAsyncDisposable
{
    private static readonly XNamespace Pwg = "http://www.pwg.org/schemas/2010/12/sm";
    private static readonly XNamespace Scan = "http://schemas.hp.com/imaging/escl/2011/05/03";

    private readonly HttpListener _listener;
    private readonly Task _loop;
    private readonly object _gate = new();
    private readonly Dictionary<int, Job> _jobs = [];
    private readonly TaskCompletionSource _deleted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stopping = new();
    private int _nextJob = 41;
    private int _busyPostsLeft, _processingLeft, _pagesTaken;
    private bool _jammed, _gone;

    private sealed class Job(ReceivedJob settings)
    {
        public ReceivedJob Settings { get; } = settings;
        public int Delivered;
        public int NotReadyLeft;
        public bool Deleted;
    }

    public EsclFixtureServer(EsclScript? script = null)
    {
        Script = script ?? new EsclScript();
        _busyPostsLeft = Script.BusyPosts;
        _processingLeft = Script.ProcessingStatuses;
        (_listener, Port) = Start();
        _loop = Task.Run(AcceptLoop);
    }

    public EsclScript Script { get; }
    public int Port { get; }
    public Uri Root => new($"http://127.0.0.1:{Port}/eSCL");
    public string DeviceId => "escl:" + Root.AbsoluteUri;

    public List<ReceivedJob> Jobs { get; } = [];
    public List<string> Requests { get; } = [];
    public List<string> Deletes { get; } = [];
    public int Posts { get; private set; }
    public int StatusReads { get; private set; }

    /// <summary>Pages rendered for the feeder: sheets × sides.</summary>
    private int FeederPages => Script.Sheets * (Jobs.LastOrDefault()?.Duplex == true ? 2 : 1);

    private static (HttpListener, int) Start()
    {
        // HttpListener needs a fixed port: take a free one from the OS, retry if someone grabs it meanwhile.
        for (var attempt = 0; ; attempt++)
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            var listener = new HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try { listener.Start(); return (listener, port); }
            catch (HttpListenerException) when (attempt < 20)
            {
                // Another process took the port in between. Closing a listener that never started rebinds its
                // prefix inside HttpListener and can fail the same way: that failure is expected, try another port.
                try { listener.Close(); } catch (HttpListenerException) { }
            }
        }
    }

    private async Task AcceptLoop()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return; }
            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        var request = context.Request;
        var response = context.Response;
        var path = request.Url!.AbsolutePath;
        bool gone;
        lock (_gate)
        {
            Requests.Add($"{request.HttpMethod} {path}");
            gone = _gone;
        }
        if (gone)
        {
            // Switched off: no answer at all, as a powered-down device on the network.
            try { await Task.Delay(Timeout.Infinite, _stopping.Token); } catch (OperationCanceledException) { }
            response.Abort();
            return;
        }
        try
        {
            switch (request.HttpMethod, path)
            {
                case ("GET", "/eSCL/ScannerCapabilities"):
                    await WriteXml(response, Capabilities());
                    break;
                case ("GET", "/eSCL/ScannerStatus"):
                    await WriteXml(response, Status());
                    break;
                case ("POST", "/eSCL/ScanJobs"):
                    await PostJob(request, response);
                    break;
                case ("GET", _) when path.StartsWith("/eSCL/ScanJobs/") && path.EndsWith("/NextDocument"):
                    await NextDocument(int.Parse(path.Split('/')[3], CultureInfo.InvariantCulture), response);
                    break;
                case ("DELETE", _) when path.StartsWith("/eSCL/ScanJobs/"):
                    lock (_gate)
                    {
                        Deletes.Add(path);
                        if (_jobs.TryGetValue(int.Parse(path.Split('/')[3], CultureInfo.InvariantCulture), out var job)) job.Deleted = true;
                    }
                    _deleted.TrySetResult();
                    response.StatusCode = 200;
                    response.Close();
                    break;
                default:
                    response.StatusCode = 404;
                    response.Close();
                    break;
            }
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or IOException)
        {
            // The client went away (cancelled request): nothing to answer.
        }
    }

    private async Task PostJob(HttpListenerRequest request, HttpListenerResponse response)
    {
        string body;
        using (var reader = new StreamReader(request.InputStream, Encoding.UTF8)) body = await reader.ReadToEndAsync();
        var root = XDocument.Parse(body).Root!;
        string Text(XNamespace ns, string name) => root.Element(ns + name)?.Value ?? "";
        var received = new ReceivedJob(
            Text(Pwg, "InputSource"), Text(Scan, "Duplex") == "true",
            int.Parse(Text(Scan, "XResolution"), CultureInfo.InvariantCulture), int.Parse(Text(Scan, "YResolution"), CultureInfo.InvariantCulture),
            Text(Scan, "ColorMode"), root.Element(Pwg + "DocumentFormat")?.Value ?? Text(Scan, "DocumentFormatExt"))
        {
            Region = root.Element(Pwg + "ScanRegions")?.Element(Pwg + "ScanRegion") is { } region
                && region.Element(Pwg + "ContentRegionUnits")?.Value == "escl:ThreeHundredthsOfInches"
                ? (int.Parse(region.Element(Pwg + "Width")!.Value, CultureInfo.InvariantCulture), int.Parse(region.Element(Pwg + "Height")!.Value, CultureInfo.InvariantCulture))
                : (0, 0),
        };
        int id;
        lock (_gate)
        {
            Posts++;
            if (root.Name != Scan + "ScanSettings") { response.StatusCode = 400; response.Close(); return; }
            if (_busyPostsLeft > 0) { _busyPostsLeft--; response.StatusCode = 503; response.Close(); return; }
            if (received.InputSource == "Feeder" && Script.Sheets == 0 && Script.StatusShowsEmptyFeeder) { response.StatusCode = 409; response.Close(); return; }
            Jobs.Add(received);
            id = _nextJob++;
            _jobs[id] = new Job(received) { NotReadyLeft = Script.NotReadyPerPage };
        }
        response.StatusCode = 201;
        response.Headers["Location"] = Script.Location switch
        {
            LocationStyle.RootRelative => $"/eSCL/ScanJobs/{id}",
            LocationStyle.PathRelative => $"ScanJobs/{id}",
            LocationStyle.AbsoluteSameHost => $"http://127.0.0.1:{Port}/eSCL/ScanJobs/{id}",
            // A host and port the client cannot reach: it must keep talking to the address it connected to.
            _ => $"http://scanner-7f3a.invalid:8080/eSCL/ScanJobs/{id}",
        };
        response.Close();
    }

    private async Task NextDocument(int id, HttpListenerResponse response)
    {
        Job job;
        int pageNumber;
        lock (_gate)
        {
            if (!_jobs.TryGetValue(id, out job!) || job.Deleted) { response.StatusCode = 404; response.Close(); return; }
            var platen = job.Settings.InputSource == "Platen";
            if (platen ? job.Delivered >= 1 : _pagesTaken >= FeederPages) { response.StatusCode = 404; response.Close(); return; }
            if (!platen && Script.JamAfterPages == job.Delivered) { _jammed = true; response.StatusCode = Script.JamStatus; response.Close(); return; }
            if (job.NotReadyLeft > 0) { job.NotReadyLeft--; response.StatusCode = 503; response.Close(); return; }
            pageNumber = job.Delivered + 1;
        }
        if (Script.HoldPage == pageNumber)
            await Task.WhenAny(_deleted.Task, Task.Delay(TimeSpan.FromSeconds(20)));
        lock (_gate)
        {
            if (job.Deleted) { response.StatusCode = 404; response.Close(); return; }
            job.Delivered++;
            job.NotReadyLeft = Script.NotReadyPerPage;
            if (job.Settings.InputSource == "Feeder") _pagesTaken++;
        }
        var (bytes, contentType) = RenderPage(pageNumber, job.Settings);
        response.StatusCode = 200;
        response.ContentType = contentType;
        response.ContentLength64 = bytes.Length;
        await response.OutputStream.WriteAsync(bytes);
        response.Close();
        lock (_gate) _gone = _gone || Script.GoneAfterPages == job.Delivered;
    }

    private static (byte[] Bytes, string ContentType) RenderPage(int number, ReceivedJob job)
    {
        if (job.Format == "application/pdf")
        {
            var path = Path.Combine(Path.GetTempPath(), $"cc-escl-fixture-{Guid.NewGuid():N}.pdf");
            try
            {
                using (var pdf = PageCanvas.Pdf(path)) PageMarks.Draw(pdf, number);
                return (File.ReadAllBytes(path), "application/pdf");
            }
            finally { File.Delete(path); }
        }
        using var canvas = PageCanvas.Raster(job.XResolution);
        PageMarks.Draw(canvas, number);
        using var grey = canvas.ToPageImage();
        var format = job.Format == "image/png" ? ImageFileFormat.Png : ImageFileFormat.Jpeg;
        switch (job.ColorMode)
        {
            case "RGB24":
                var g = grey.ToGray8Bytes();
                var rgb = new byte[g.Length * 3];
                for (var i = 0; i < g.Length; i++) { rgb[3 * i] = g[i]; rgb[3 * i + 1] = g[i]; rgb[3 * i + 2] = (byte)(g[i] / 2 + 64); }
                using (var colour = PageImage.FromRgb24(rgb, grey.Width, grey.Height, grey.Width * 3, job.XResolution))
                    return (colour.Encode(format), job.Format);
            case "BlackAndWhite1" when format == ImageFileFormat.Png:
                using (var bitonal = grey.ToBitonal()) return (bitonal.Encode(format), job.Format);
            default:
                return (grey.Encode(format), job.Format);
        }
    }

    private XDocument Capabilities()
    {
        XElement InputCaps(string name) => new(Scan + name,
            new XElement(Scan + "MinWidth", 16), new XElement(Scan + "MaxWidth", 2550),
            new XElement(Scan + "MinHeight", 16), new XElement(Scan + "MaxHeight", 3508),
            new XElement(Scan + "SettingProfiles", new XElement(Scan + "SettingProfile",
                new XElement(Scan + "ColorModes", Script.ColorModes.Select(m => new XElement(Scan + "ColorMode", m))),
                new XElement(Scan + "DocumentFormats", Script.Formats.Select(f => new XElement(Pwg + "DocumentFormat", f)),
                    Script.Formats.Select(f => new XElement(Scan + "DocumentFormatExt", f))),
                new XElement(Scan + "SupportedResolutions", new XElement(Scan + "DiscreteResolutions",
                    Script.Resolutions.Select(r => new XElement(Scan + "DiscreteResolution",
                        new XElement(Scan + "XResolution", r), new XElement(Scan + "YResolution", r))))))),
            new XElement(Scan + "SupportedIntents", new XElement(Scan + "Intent", "Document"), new XElement(Scan + "Intent", "TextAndGraphic")));
        return new XDocument(new XElement(Scan + "ScannerCapabilities",
            new XAttribute(XNamespace.Xmlns + "pwg", Pwg.NamespaceName), new XAttribute(XNamespace.Xmlns + "scan", Scan.NamespaceName),
            new XElement(Pwg + "Version", "2.63"),
            new XElement(Pwg + "MakeAndModel", "Fixture ScanJet 3000"),
            new XElement(Pwg + "SerialNumber", "FX0001"),
            Script.HasPlaten ? new XElement(Scan + "Platen", InputCaps("PlatenInputCaps")) : null,
            Script.HasAdf ? new XElement(Scan + "Adf", InputCaps("AdfSimplexInputCaps"),
                Script.HasDuplex ? InputCaps("AdfDuplexInputCaps") : null,
                new XElement(Scan + "FeederCapacity", 50),
                new XElement(Scan + "AdfOptions", new XElement(Scan + "AdfOption", "DetectPaperLoaded"),
                    Script.HasDuplex ? new XElement(Scan + "AdfOption", "Duplex") : null)) : null));
    }

    private XDocument Status()
    {
        string state, adf;
        lock (_gate)
        {
            StatusReads++;
            state = _processingLeft > 0 ? "Processing" : "Idle";
            if (_processingLeft > 0) _processingLeft--;
            adf = _jammed ? "ScannerAdfJam"
                : Script.Sheets == 0 && Script.StatusShowsEmptyFeeder ? "ScannerAdfEmpty"
                : _pagesTaken >= Script.Sheets && Jobs.Count > 0 && Script.StatusShowsEmptyFeeder ? "ScannerAdfEmpty"
                : "ScannerAdfLoaded";
        }
        return new XDocument(new XElement(Scan + "ScannerStatus",
            new XAttribute(XNamespace.Xmlns + "pwg", Pwg.NamespaceName), new XAttribute(XNamespace.Xmlns + "scan", Scan.NamespaceName),
            new XElement(Pwg + "Version", "2.63"),
            new XElement(Pwg + "State", state),
            Script.HasAdf ? new XElement(Scan + "AdfState", adf) : null));
    }

    private static async Task WriteXml(HttpListenerResponse response, XDocument doc)
    {
        var bytes = Encoding.UTF8.GetBytes(doc.Declaration + doc.ToString());
        response.StatusCode = 200;
        response.ContentType = "text/xml";
        response.ContentLength64 = bytes.Length;
        await response.OutputStream.WriteAsync(bytes);
        response.Close();
    }

    public async ValueTask DisposeAsync()
    {
        _stopping.Cancel();
        if (_listener.IsListening) _listener.Stop();
        _listener.Close();
        await _loop;
    }
}

/// <summary>Page numbers as black squares: page n has a 12 mm square in slot n, read back from any raster.</summary>
public static class PageMarks
{
    private static double SlotY(int n) => 20 + (n - 1) * 20;

    public static void Draw(PageCanvas canvas, int number)
    {
        canvas.FillRect(20, SlotY(number), 12, 12);
        canvas.Text(40, SlotY(number) + 10, $"Page {number}", 14);
    }

    /// <summary>The slot holding a square, or 0 when none (or several) is dark.</summary>
    public static int Read(PageImage image)
    {
        var grey = image.ToGray8Bytes();
        var found = new List<int>();
        for (var n = 1; n <= 12; n++)
        {
            var x = (int)Math.Round(26 / 25.4 * image.Dpi);
            var y = (int)Math.Round((SlotY(n) + 6) / 25.4 * image.Dpi);
            if (y < image.Height && grey[y * image.Width + x] < 100) found.Add(n);
        }
        return found.Count == 1 ? found[0] : 0;
    }
}
