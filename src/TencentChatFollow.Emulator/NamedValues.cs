namespace TencentChatFollow.Emulator;

/// <summary>The names an enum's values have on the command line and in control requests, both ways.</summary>
internal sealed class NamedValues<T>
    where T : struct, Enum
{
    private readonly Dictionary<string, T> _byName;
    private readonly Dictionary<T, string> _nameOf;

    public NamedValues(IReadOnlyDictionary<string, T> byName)
    {
        _byName = new Dictionary<string, T>(byName, StringComparer.Ordinal);
        _nameOf = _byName.ToDictionary(p => p.Value, p => p.Key);
    }

    public string Name(T value) => _nameOf[value];

    /// <summary>Parses a name exactly as written (names are case-sensitive).</summary>
    public bool TryParse(string? name, out T value) => _byName.TryGetValue(name ?? "", out value);

    /// <summary>The names, comma-separated, for error messages.</summary>
    public string Known => string.Join(", ", _byName.Keys);
}
