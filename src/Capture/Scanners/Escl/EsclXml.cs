using System.Globalization;
using System.Xml.Linq;

namespace CaptureChain.Capture.Scanners;

/// <summary>What one eSCL input source (platen, feeder simplex, feeder duplex) offers.</summary>
public sealed record EsclInputCaps(
    IReadOnlyList<string> ColorModes,
    IReadOnlyList<string> DocumentFormats,
    ResolutionSupport Resolutions,
    int MaxWidth,
    int MaxHeight);

/// <summary>An eSCL <c>ScannerCapabilities</c> document, reduced to what a batch needs.</summary>
public sealed record EsclCapabilities(
    string Version,
    string MakeAndModel,
    EsclInputCaps? Platen,
    EsclInputCaps? AdfSimplex,
    EsclInputCaps? AdfDuplex)
{
    /// <summary>The caps for a source, or null when the device does not have it.</summary>
    public EsclInputCaps? For(ScanSource source, bool duplex) => source == ScanSource.Flatbed ? Platen : duplex ? AdfDuplex : AdfSimplex;

    /// <summary>The same in the driver-neutral form.</summary>
    public ScannerCapabilities ToScannerCapabilities()
    {
        var sources = new List<ScanSource>();
        if (Platen is not null) sources.Add(ScanSource.Flatbed);
        if (AdfSimplex is not null || AdfDuplex is not null) sources.Add(ScanSource.Adf);
        var all = new[] { Platen, AdfSimplex, AdfDuplex }.OfType<EsclInputCaps>().ToList();
        var modes = new List<ColourMode>();
        var colorModes = all.SelectMany(c => c.ColorModes).ToHashSet(StringComparer.Ordinal);
        if (colorModes.Contains(EsclXml.Rgb24)) modes.Add(ColourMode.Colour);
        if (colorModes.Contains(EsclXml.Grayscale8)) modes.Add(ColourMode.Grey);
        if (colorModes.Contains(EsclXml.BlackAndWhite1) || colorModes.Contains(EsclXml.Grayscale8)) modes.Add(ColourMode.Bitonal);
        var resolutions = all.Count == 0 ? ResolutionSupport.Of() : all[0].Resolutions;
        return new ScannerCapabilities(sources, AdfDuplex is not null, modes, resolutions);
    }
}

/// <summary>An eSCL <c>ScannerStatus</c>: the scanner state and, when it has one, the feeder state.</summary>
public sealed record EsclStatus(string State, string? AdfState)
{
    /// <summary>True when the scanner accepts a job (<c>Idle</c>).</summary>
    public bool IsIdle => State == "Idle";
}

/// <summary>
/// The settings of one eSCL scan job, as posted to <c>ScanJobs</c>. <paramref name="Width"/> and
/// <paramref name="Height"/> are the scan region in 1/300 inch (0: no region, the device's default).
/// </summary>
public sealed record EsclJobSettings(string InputSource, bool Duplex, int XResolution, int YResolution, string ColorMode, string DocumentFormat,
    string Intent, int Width = 0, int Height = 0);

/// <summary>
/// Reading and writing the eSCL XML documents (Mopria eSCL 2.x): namespaces <c>pwg</c>
/// (http://www.pwg.org/schemas/2010/12/sm) and <c>scan</c> (http://schemas.hp.com/imaging/escl/2011/05/03).
/// </summary>
public static class EsclXml
{
    /// <summary>PWG semantic-model namespace.</summary>
    public static readonly XNamespace Pwg = "http://www.pwg.org/schemas/2010/12/sm";
    /// <summary>eSCL namespace.</summary>
    public static readonly XNamespace Scan = "http://schemas.hp.com/imaging/escl/2011/05/03";

    public const string BlackAndWhite1 = "BlackAndWhite1", Grayscale8 = "Grayscale8", Rgb24 = "RGB24";
    public const string Platen = "Platen", Feeder = "Feeder";

    /// <summary>Parses a <c>ScannerCapabilities</c> document; throws <see cref="FormatException"/> when it is not one.</summary>
    public static EsclCapabilities ParseCapabilities(string xml)
    {
        var root = Load(xml, "ScannerCapabilities");
        var platen = root.Element(Scan + "Platen")?.Element(Scan + "PlatenInputCaps");
        var adf = root.Element(Scan + "Adf");
        return new EsclCapabilities(
            root.Element(Pwg + "Version")?.Value ?? "",
            root.Element(Pwg + "MakeAndModel")?.Value ?? "",
            platen is null ? null : ParseInputCaps(platen),
            adf?.Element(Scan + "AdfSimplexInputCaps") is { } simplex ? ParseInputCaps(simplex) : null,
            adf?.Element(Scan + "AdfDuplexInputCaps") is { } duplex ? ParseInputCaps(duplex) : null);
    }

    /// <summary>Parses a <c>ScannerStatus</c> document.</summary>
    public static EsclStatus ParseStatus(string xml)
    {
        var root = Load(xml, "ScannerStatus");
        return new EsclStatus(root.Element(Pwg + "State")?.Value.Trim() ?? "", root.Element(Scan + "AdfState")?.Value.Trim());
    }

    /// <summary>Writes a <c>ScanSettings</c> document for <c>POST ScanJobs</c>.</summary>
    public static string WriteScanSettings(EsclJobSettings settings)
    {
        var doc = new XDocument(new XDeclaration("1.0", "UTF-8", null),
            new XElement(Scan + "ScanSettings",
                new XAttribute(XNamespace.Xmlns + "pwg", Pwg.NamespaceName),
                new XAttribute(XNamespace.Xmlns + "scan", Scan.NamespaceName),
                new XElement(Pwg + "Version", "2.0"),
                new XElement(Scan + "Intent", settings.Intent),
                settings.Width > 0 && settings.Height > 0
                    ? new XElement(Pwg + "ScanRegions", new XAttribute(Pwg + "MustHonor", "false"),
                        new XElement(Pwg + "ScanRegion",
                            new XElement(Pwg + "ContentRegionUnits", "escl:ThreeHundredthsOfInches"),
                            new XElement(Pwg + "XOffset", "0"), new XElement(Pwg + "YOffset", "0"),
                            new XElement(Pwg + "Width", settings.Width.ToString(CultureInfo.InvariantCulture)),
                            new XElement(Pwg + "Height", settings.Height.ToString(CultureInfo.InvariantCulture))))
                    : null,
                new XElement(Pwg + "InputSource", settings.InputSource),
                settings.InputSource == Feeder ? new XElement(Scan + "Duplex", settings.Duplex ? "true" : "false") : null,
                new XElement(Scan + "ColorMode", settings.ColorMode),
                new XElement(Scan + "XResolution", settings.XResolution.ToString(CultureInfo.InvariantCulture)),
                new XElement(Scan + "YResolution", settings.YResolution.ToString(CultureInfo.InvariantCulture)),
                // Both spellings: eSCL 2.0 devices read pwg:DocumentFormat, later ones scan:DocumentFormatExt.
                new XElement(Pwg + "DocumentFormat", settings.DocumentFormat),
                new XElement(Scan + "DocumentFormatExt", settings.DocumentFormat)));
        return doc.Declaration + "\n" + doc.Root;
    }

    /// <summary>Reads a <c>ScanSettings</c> document back (what a device sees).</summary>
    public static EsclJobSettings ParseScanSettings(string xml)
    {
        var root = Load(xml, "ScanSettings");
        string? Value(XNamespace ns, string name) => root.Element(ns + name)?.Value.Trim();
        int Int(string name) => int.TryParse(Value(Scan, name), CultureInfo.InvariantCulture, out var v) ? v : 0;
        return new EsclJobSettings(
            Value(Pwg, "InputSource") ?? Platen,
            string.Equals(Value(Scan, "Duplex"), "true", StringComparison.OrdinalIgnoreCase),
            Int("XResolution"), Int("YResolution"),
            Value(Scan, "ColorMode") ?? "",
            Value(Scan, "DocumentFormatExt") ?? Value(Pwg, "DocumentFormat") ?? "",
            Value(Scan, "Intent") ?? "",
            RegionSize("Width"), RegionSize("Height"));

        int RegionSize(string name) =>
            int.TryParse(root.Element(Pwg + "ScanRegions")?.Element(Pwg + "ScanRegion")?.Element(Pwg + name)?.Value, CultureInfo.InvariantCulture, out var v) ? v : 0;
    }

    private static XElement Load(string xml, string rootName)
    {
        XDocument doc;
        try { doc = XDocument.Parse(xml); }
        catch (System.Xml.XmlException e) { throw new FormatException($"eSCL {rootName}: not XML ({e.Message})", e); }
        if (doc.Root is not { } root || root.Name != Scan + rootName)
            throw new FormatException($"eSCL: expected scan:{rootName}, got {doc.Root?.Name}");
        return root;
    }

    private static EsclInputCaps ParseInputCaps(XElement caps)
    {
        int Int(XElement? e) => int.TryParse(e?.Value.Trim(), CultureInfo.InvariantCulture, out var v) ? v : 0;
        var profiles = caps.Element(Scan + "SettingProfiles")?.Elements(Scan + "SettingProfile").ToList() ?? [];
        var colorModes = profiles.SelectMany(p => p.Element(Scan + "ColorModes")?.Elements(Scan + "ColorMode") ?? []).Select(e => e.Value.Trim()).Distinct().ToList();
        var formats = profiles.SelectMany(p => p.Element(Scan + "DocumentFormats")?.Elements() ?? [])
            .Where(e => e.Name == Pwg + "DocumentFormat" || e.Name == Scan + "DocumentFormatExt")
            .Select(e => e.Value.Trim()).Distinct().ToList();
        var supported = profiles.Select(p => p.Element(Scan + "SupportedResolutions")).OfType<XElement>().ToList();
        var discrete = supported.SelectMany(s => s.Element(Scan + "DiscreteResolutions")?.Elements(Scan + "DiscreteResolution") ?? [])
            .Where(d => Int(d.Element(Scan + "XResolution")) == Int(d.Element(Scan + "YResolution"))) // square pixels only
            .Select(d => Int(d.Element(Scan + "XResolution"))).Where(r => r > 0).Distinct().ToArray();
        ResolutionSupport resolutions;
        if (discrete.Length > 0) resolutions = ResolutionSupport.Of(discrete);
        else if (supported.Select(s => s.Element(Scan + "ResolutionRange")?.Element(Scan + "XResolutionRange")).OfType<XElement>().FirstOrDefault() is { } range)
            resolutions = ResolutionSupport.Range(Int(range.Element(Scan + "Min")), Int(range.Element(Scan + "Max")), Math.Max(1, Int(range.Element(Scan + "Step"))));
        else resolutions = ResolutionSupport.Of();
        return new EsclInputCaps(colorModes, formats, resolutions, Int(caps.Element(Scan + "MaxWidth")), Int(caps.Element(Scan + "MaxHeight")));
    }
}
