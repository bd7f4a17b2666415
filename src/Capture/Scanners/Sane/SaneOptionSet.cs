using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using CaptureChain.Capture.Interop;

namespace CaptureChain.Capture.Scanners;

/// <summary>One SANE option as its descriptor describes it (copied: descriptors are only valid until the next reload).</summary>
internal sealed record SaneOption(
    int Index, string Name, string Title, int Type, int Unit, int Size, int Cap,
    IReadOnlyList<string> Strings, IReadOnlyList<int> Words, SaneRange? Range)
{
    public bool IsActive => (Cap & Sane.CapInactive) == 0;
    public bool IsSettable => (Cap & Sane.CapSoftSelect) != 0 && IsActive;
    public bool IsWordType => Type is Sane.TypeBool or Sane.TypeInt or Sane.TypeFixed;
    public int WordCount => Math.Max(1, Size / sizeof(int));

    /// <summary>The word for <paramref name="value"/> in this option's unit: SANE_Fixed is value &lt;&lt; 16.</summary>
    public int ToWord(double value) => Type == Sane.TypeFixed ? (int)Math.Round(value * (1 << Sane.FixedShift)) : (int)Math.Round(value);

    /// <summary>The number a word stands for.</summary>
    public double FromWord(int word) => Type == Sane.TypeFixed ? word / (double)(1 << Sane.FixedShift) : word;

    /// <summary>True when the descriptor's constraint admits <paramref name="word"/>.</summary>
    public bool Admits(int word)
    {
        if (Words.Count > 0) return Words.Contains(word);
        if (Range is { } r)
            return word >= r.Min && word <= r.Max && (r.Quant == 0 || (word - r.Min) % r.Quant == 0);
        return true;
    }
}

/// <summary>
/// The options of one open SANE device, read through their descriptors and re-read whenever a set reports
/// SANE_INFO_RELOAD_OPTIONS (a mode change can change the resolution list, for example). Runs on the SANE thread only.
/// </summary>
internal sealed class SaneOptionSet
{
    private readonly SaneDeviceHandle _handle;
    private Dictionary<string, SaneOption> _byName = new(StringComparer.Ordinal);

    public SaneOptionSet(SaneDeviceHandle handle)
    {
        _handle = handle;
        Reload();
    }

    public IReadOnlyCollection<SaneOption> All => _byName.Values;

    /// <summary>The first of <paramref name="names"/> that the device has, active or not.</summary>
    public SaneOption? Find(params string[] names)
    {
        foreach (var name in names)
            if (_byName.TryGetValue(name, out var option)) return option;
        return null;
    }

    public unsafe void Reload()
    {
        // Option 0 is always the option count (an int that can only be read).
        int count;
        var status = Sane.sane_control_option(_handle, 0, Sane.ActionGetValue, &count, out _);
        if (status != SaneStatus.Good) throw new SaneCallException("read the option count", status);
        var options = new Dictionary<string, SaneOption>(StringComparer.Ordinal);
        for (var i = 1; i < count; i++)
        {
            var ptr = Sane.sane_get_option_descriptor(_handle, i);
            if (ptr == IntPtr.Zero) continue;
            var d = Marshal.PtrToStructure<SaneOptionDescriptor>(ptr);
            if (d.Type is Sane.TypeGroup) continue;
            var name = Marshal.PtrToStringUTF8(d.Name);
            if (string.IsNullOrEmpty(name)) continue;
            var strings = new List<string>();
            var words = new List<int>();
            SaneRange? range = null;
            if (d.Constraint != IntPtr.Zero)
            {
                switch (d.ConstraintType)
                {
                    case Sane.ConstraintStringList:
                        for (var p = (IntPtr*)d.Constraint; *p != IntPtr.Zero; p++) strings.Add(Marshal.PtrToStringUTF8(*p) ?? "");
                        break;
                    case Sane.ConstraintWordList:
                        var list = (int*)d.Constraint;
                        for (var k = 1; k <= list[0]; k++) words.Add(list[k]);
                        break;
                    case Sane.ConstraintRange:
                        range = Marshal.PtrToStructure<SaneRange>(d.Constraint);
                        break;
                }
            }
            options[name] = new SaneOption(i, name, Marshal.PtrToStringUTF8(d.Title) ?? name, d.Type, d.Unit, d.Size, d.Cap, strings, words, range);
        }
        _byName = options;
    }

    /// <summary>Reads the first word of a bool, int or fixed option.</summary>
    public unsafe int GetWord(SaneOption option)
    {
        var buffer = new int[option.WordCount];
        fixed (int* p = buffer)
        {
            var status = Sane.sane_control_option(_handle, option.Index, Sane.ActionGetValue, p, out _);
            if (status != SaneStatus.Good) throw new SaneCallException($"read option {option.Name}", status);
        }
        return buffer[0];
    }

    /// <summary>Sets every element of a word option to <paramref name="word"/>; reloads descriptors when told to.</summary>
    public unsafe SaneStatus SetWord(SaneOption option, int word)
    {
        var buffer = new int[option.WordCount];
        Array.Fill(buffer, word);
        int info;
        SaneStatus status;
        fixed (int* p = buffer) status = Sane.sane_control_option(_handle, option.Index, Sane.ActionSetValue, p, out info);
        AfterSet(info, status);
        return status;
    }

    /// <summary>Sets a string option; reloads descriptors when told to.</summary>
    public unsafe SaneStatus SetString(SaneOption option, string value)
    {
        var utf8 = Encoding.UTF8.GetBytes(value);
        // The backend may write the (possibly adjusted) value back: give it the full option size.
        var buffer = new byte[Math.Max(option.Size, utf8.Length + 1)];
        utf8.CopyTo(buffer, 0);
        int info;
        SaneStatus status;
        fixed (byte* p = buffer) status = Sane.sane_control_option(_handle, option.Index, Sane.ActionSetValue, p, out info);
        AfterSet(info, status);
        return status;
    }

    /// <summary>Sets an option from its text form (bool: yes/no, int, fixed: decimal, string); null when it worked, else why not.</summary>
    public string? SetFromText(string name, string text)
    {
        if (Find(name) is not { } option) return $"option {name} does not exist";
        if (!option.IsSettable) return $"option {name} cannot be set now";
        SaneStatus status;
        switch (option.Type)
        {
            case Sane.TypeBool:
                var yes = text.Trim().ToLowerInvariant() switch
                {
                    "yes" or "true" or "1" or "on" => true,
                    "no" or "false" or "0" or "off" => (bool?)false,
                    _ => null,
                };
                if (yes is null) return $"option {name} wants yes or no, not '{text}'";
                status = SetWord(option, yes.Value ? 1 : 0);
                break;
            case Sane.TypeInt or Sane.TypeFixed:
                if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
                    return $"option {name} wants a number, not '{text}'";
                status = SetWord(option, option.ToWord(number));
                break;
            case Sane.TypeString:
                var match = option.Strings.FirstOrDefault(s => string.Equals(s, text, StringComparison.OrdinalIgnoreCase)) ?? text;
                status = SetString(option, match);
                break;
            case Sane.TypeButton:
                status = SetWord(option, 0);
                break;
            default:
                return $"option {name} has an unknown type";
        }
        return status == SaneStatus.Good ? null : $"option {name}={text} refused: {Sane.Describe(status)}";
    }

    private void AfterSet(int info, SaneStatus status)
    {
        if (status == SaneStatus.Good && (info & Sane.InfoReloadOptions) != 0) Reload();
    }
}

/// <summary>A SANE call failed in a way that is a fault, not a scan outcome.</summary>
internal sealed class SaneCallException(string what, SaneStatus status)
    : Exception($"SANE could not {what}: {Sane.Describe(status)}")
{
    public SaneStatus Status { get; } = status;
}
