using CaptureChain.Ocr.Imaging;

namespace CaptureChain.Capture.Scanners;

/// <summary>Where the paper is taken from.</summary>
public enum ScanSource
{
    /// <summary>The glass: one page per batch.</summary>
    Flatbed,
    /// <summary>The automatic document feeder: pages until the feeder is empty.</summary>
    Adf,
}

/// <summary>Pixel format asked of the scanner.</summary>
public enum ColourMode
{
    /// <summary>1 bit per pixel, 1 = black.</summary>
    Bitonal,
    /// <summary>8-bit grey.</summary>
    Grey,
    /// <summary>24-bit colour.</summary>
    Colour,
}

/// <summary>What the operator asked for one batch.</summary>
public sealed record ScanSettings(ScanSource Source, bool Duplex, int Dpi, ColourMode Mode)
{
    /// <summary>A plausible scan-room default: feeder, simplex, 300 dpi grey.</summary>
    public static ScanSettings Default { get; } = new(ScanSource.Adf, false, 300, ColourMode.Grey);
}

/// <summary>
/// One page as it came off the scanner. <see cref="Sequence"/> is 1-based in delivery order; the image carries the
/// dpi that was asked (scanners give none). The consumer owns and disposes <see cref="Image"/>.
/// </summary>
public sealed record ScannedPage(int Sequence, PageImage Image);

/// <summary>A scanner that a driver can open.</summary>
/// <param name="Id">Stable id: <c>test:0</c> (SANE), <c>escl:http://host:port/eSCL</c>, <c>twain:Product Name</c>.</param>
public sealed record ScannerDevice(string Id, string Vendor, string Model, string Kind);

/// <summary>Why a batch ended. <see cref="ScanEnd.Code"/> gives the lower_snake_case reason code.</summary>
public enum ScanEndReason
{
    /// <summary>Normal end: the feeder ran empty after at least one page, or the flatbed page was read.</summary>
    Completed,
    /// <summary>The feeder was empty from the start: no page was read.</summary>
    NoDocuments,
    /// <summary>Cancelled by the caller, the operator on the device, or the consumer stopping early.</summary>
    Cancelled,
    /// <summary>Paper jam (or misfeed) in the feeder.</summary>
    Jammed,
    /// <summary>Cover or feeder hatch open.</summary>
    CoverOpen,
    /// <summary>The scanner is busy with another job and stayed busy.</summary>
    Busy,
    /// <summary>The scanner stopped answering (unplugged, switched off, network gone).</summary>
    DeviceGone,
    /// <summary>The scanner reported an error we cannot classify more precisely.</summary>
    DeviceError,
    /// <summary>The scanner cannot do what the settings ask (source, duplex, resolution or mode).</summary>
    UnsupportedSettings,
}

/// <summary>How a batch ended, with the pages that reached the consumer (they are kept whatever the reason).</summary>
public sealed record ScanEnd(ScanEndReason Reason, string Message, int PagesDelivered)
{
    /// <summary>The reason as a machine-readable lower_snake_case code.</summary>
    public string Code => CodeOf(Reason);

    /// <summary>True for the normal ends (<see cref="ScanEndReason.Completed"/>, <see cref="ScanEndReason.NoDocuments"/>).</summary>
    public bool IsNormal => Reason is ScanEndReason.Completed or ScanEndReason.NoDocuments;

    /// <summary>The lower_snake_case code of <paramref name="reason"/>.</summary>
    public static string CodeOf(ScanEndReason reason) => reason switch
    {
        ScanEndReason.Completed => "completed",
        ScanEndReason.NoDocuments => "no_documents",
        ScanEndReason.Cancelled => "cancelled",
        ScanEndReason.Jammed => "jammed",
        ScanEndReason.CoverOpen => "cover_open",
        ScanEndReason.Busy => "busy",
        ScanEndReason.DeviceGone => "device_gone",
        ScanEndReason.DeviceError => "device_error",
        ScanEndReason.UnsupportedSettings => "unsupported_settings",
        _ => throw new ArgumentOutOfRangeException(nameof(reason)),
    };
}

/// <summary>Resolutions a scanner offers: a list, or a range with a step.</summary>
public sealed record ResolutionSupport(IReadOnlyList<int> Discrete, int Min, int Max, int Step)
{
    /// <summary>A set of discrete resolutions.</summary>
    public static ResolutionSupport Of(params int[] dpis) =>
        dpis.Length == 0 ? new([], 0, 0, 0) : new(dpis.Order().ToArray(), dpis.Min(), dpis.Max(), 0);

    /// <summary>A range; <paramref name="step"/> 0 or 1 means any value.</summary>
    public static ResolutionSupport Range(int min, int max, int step) => new([], min, max, step);

    /// <summary>True when the scanner can scan at exactly <paramref name="dpi"/>.</summary>
    public bool Supports(int dpi) => Discrete.Count > 0
        ? Discrete.Contains(dpi)
        : Max > 0 && dpi >= Min && dpi <= Max && (Step <= 1 || (dpi - Min) % Step == 0);
}

/// <summary>What an opened scanner can do.</summary>
public sealed record ScannerCapabilities(
    IReadOnlyList<ScanSource> Sources,
    bool Duplex,
    IReadOnlyList<ColourMode> Modes,
    ResolutionSupport Resolutions)
{
    /// <summary>Null when <paramref name="settings"/> can be honoured, else a message saying what cannot.</summary>
    public string? Refusal(ScanSettings settings)
    {
        if (!Sources.Contains(settings.Source)) return $"source {settings.Source} not available";
        if (settings.Duplex && (settings.Source != ScanSource.Adf || !Duplex)) return "duplex not available";
        if (!Modes.Contains(settings.Mode)) return $"mode {settings.Mode} not available";
        if (!Resolutions.Supports(settings.Dpi)) return $"{settings.Dpi} dpi not available";
        return null;
    }
}

/// <summary>
/// The device named cannot be opened (unknown id, switched off, unreachable). Thrown by
/// <see cref="IScannerDriver.OpenAsync"/>: the caller named a device that is not there.
/// </summary>
public sealed class ScannerUnavailableException(string deviceId, string message, Exception? inner = null)
    : Exception($"Scanner {deviceId}: {message}", inner)
{
    /// <summary>The id that was asked for.</summary>
    public string DeviceId { get; } = deviceId;
}
