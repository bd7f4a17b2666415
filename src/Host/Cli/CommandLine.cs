namespace CaptureChain.Host.Cli;

/// <summary>The words after the verb: <c>--name value</c> options and <c>--flag</c> switches.</summary>
public sealed class CommandLine
{
    private readonly Dictionary<string, string?> _options = new(StringComparer.Ordinal);
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    private CommandLine(IReadOnlyList<string> positional) => Positional = positional;

    /// <summary>Arguments that are not options, in order.</summary>
    public IReadOnlyList<string> Positional { get; }

    /// <summary>Parses <paramref name="args"/>; <paramref name="switches"/> are options that take no value.</summary>
    public static CommandLine Parse(IEnumerable<string> args, params string[] switches)
    {
        var positional = new List<string>();
        var parsed = new List<(string, string?)>();
        using var e = args.GetEnumerator();
        while (e.MoveNext())
        {
            var arg = e.Current;
            if (!arg.StartsWith("--", StringComparison.Ordinal)) { positional.Add(arg); continue; }
            var name = arg[2..];
            string? value = null;
            var eq = name.IndexOf('=');
            if (eq >= 0) { value = name[(eq + 1)..]; name = name[..eq]; }
            else if (!switches.Contains(name))
            {
                if (!e.MoveNext()) throw new UsageException($"--{name} needs a value");
                value = e.Current;
            }
            parsed.Add((name, value));
        }
        var line = new CommandLine(positional);
        foreach (var (name, value) in parsed)
            if (!line._options.TryAdd(name, value)) throw new UsageException($"--{name} is given twice");
        return line;
    }

    /// <summary>An option's value, or null when absent.</summary>
    public string? Get(string name)
    {
        _read.Add(name);
        return _options.TryGetValue(name, out var v) ? v : null;
    }

    /// <summary>A required option's value.</summary>
    public string Require(string name) => Get(name) ?? throw new UsageException($"--{name} is required");

    /// <summary>An integer option within a range.</summary>
    public int? GetInt(string name, int min, int max)
    {
        var text = Get(name);
        if (text is null) return null;
        if (!int.TryParse(text, out var v) || v < min || v > max)
            throw new UsageException($"--{name} takes a whole number from {min} to {max}");
        return v;
    }

    /// <summary>Whether a switch is present.</summary>
    public bool Has(string name)
    {
        _read.Add(name);
        return _options.ContainsKey(name);
    }

    /// <summary>Refuses options the verb does not know, so a typo is not silently ignored.</summary>
    public void RejectUnknown()
    {
        var unknown = _options.Keys.Where(k => !_read.Contains(k)).ToList();
        if (unknown.Count > 0) throw new UsageException("unknown option: --" + string.Join(", --", unknown));
    }
}

/// <summary>The command line is wrong: printed with the usage, exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);
