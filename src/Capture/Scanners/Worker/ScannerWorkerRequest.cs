using System.Globalization;

namespace CaptureChain.Capture.Scanners.Worker;

/// <summary>What a scanner worker process is started to do.</summary>
public enum ScannerWorkerAction
{
    /// <summary>List the devices, then exit.</summary>
    List,
    /// <summary>Open one device, report it and its capabilities, then exit.</summary>
    Open,
    /// <summary>Open one device and scan one batch, streaming the pages.</summary>
    Scan,
}

/// <summary>
/// The command line of a scanner worker, written by the parent (<see cref="ToArguments"/>) and read by the worker
/// (<see cref="Parse"/>) so both sides agree in one place.
/// </summary>
/// <param name="SaneConfigDirectory">Folder with SANE's <c>dll.conf</c>, set natively before <c>sane_init</c>; null keeps the environment's.</param>
/// <param name="BackendOptions">SANE options by name and text value applied at every scan (scan area, ...).</param>
public sealed record ScannerWorkerRequest(
    ScannerWorkerAction Action,
    string? DeviceId = null,
    ScanSettings? Settings = null,
    string? SaneConfigDirectory = null,
    IReadOnlyDictionary<string, string>? BackendOptions = null)
{
    /// <summary>The arguments that follow the worker verb.</summary>
    public IReadOnlyList<string> ToArguments()
    {
        var args = new List<string> { "--" + Action.ToString().ToLowerInvariant() };
        if (DeviceId is not null) args.AddRange(["--device", DeviceId]);
        if (Settings is { } s)
        {
            args.AddRange(["--source", s.Source.ToString().ToLowerInvariant(), "--dpi", s.Dpi.ToString(CultureInfo.InvariantCulture),
                "--mode", s.Mode.ToString().ToLowerInvariant()]);
            if (s.Duplex) args.Add("--duplex");
        }
        if (SaneConfigDirectory is not null) args.AddRange(["--sane-config", SaneConfigDirectory]);
        foreach (var (name, value) in BackendOptions ?? new Dictionary<string, string>())
            args.AddRange(["--backend-option", $"{name}={value}"]);
        return args;
    }

    /// <summary>Reads the arguments written by <see cref="ToArguments"/>; throws <see cref="ArgumentException"/> on anything else.</summary>
    public static ScannerWorkerRequest Parse(IReadOnlyList<string> args)
    {
        ScannerWorkerAction? action = null;
        string? device = null, config = null;
        ScanSource source = ScanSettings.Default.Source;
        var dpi = ScanSettings.Default.Dpi;
        var mode = ScanSettings.Default.Mode;
        var duplex = false;
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--list": action = ScannerWorkerAction.List; break;
                case "--open": action = ScannerWorkerAction.Open; break;
                case "--scan": action = ScannerWorkerAction.Scan; break;
                case "--device": device = Value(); break;
                case "--source": source = Enum.Parse<ScanSource>(Value(), ignoreCase: true); break;
                case "--dpi": dpi = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--mode": mode = Enum.Parse<ColourMode>(Value(), ignoreCase: true); break;
                case "--duplex": duplex = true; break;
                case "--sane-config": config = Value(); break;
                case "--backend-option":
                    var pair = Value();
                    var eq = pair.IndexOf('=');
                    if (eq < 1) throw new ArgumentException($"--backend-option takes NAME=VALUE, not '{pair}'");
                    options[pair[..eq]] = pair[(eq + 1)..];
                    break;
                default: throw new ArgumentException($"unknown scanner worker argument '{args[i]}'");
            }
        }
        if (action is not { } a) throw new ArgumentException("scanner worker needs --list, --open or --scan");
        if (a != ScannerWorkerAction.List && string.IsNullOrWhiteSpace(device)) throw new ArgumentException("scanner worker needs --device");
        return new ScannerWorkerRequest(a, device, a == ScannerWorkerAction.Scan ? new ScanSettings(source, duplex, dpi, mode) : null,
            config, options.Count > 0 ? options : null);
    }
}
