using System.Reflection;
using System.Text.RegularExpressions;

namespace GenAI.Worker.Dispatch;

/// <summary>
/// How an operation is named on the wire: the declaring type, member name and parameter types of a method or
/// constructor of the course library or of the harness (assembly names without versions), so the worker finds
/// the same member in whatever GenAI.Course.dll the submission built. Made from a <see cref="MethodBase"/> on one
/// side and resolved back to one on the other; nothing writes these strings by hand.
/// </summary>
public static partial class OperationKey
{
    const string ConstructorName = ".ctor";
    const string CourseAssembly = "GenAI.Course";

    static readonly System.Collections.Concurrent.ConcurrentDictionary<MethodBase, string> Keys = new();

    /// <summary>The key of <paramref name="member"/>.</summary>
    public static string Of(MethodBase member) => Keys.GetOrAdd(member, Make);

    static string Make(MethodBase member)
    {
        if (member is MethodInfo { IsGenericMethod: true }) throw new NotSupportedException($"{member.Name}: generic methods cannot be called remotely; declare a harness method");
        string name = member is ConstructorInfo ? ConstructorName : member.Name;
        return $"{TypeKey(member.DeclaringType!)}::{name}({string.Join(";", member.GetParameters().Select(p => TypeKey(p.ParameterType)))})";
    }

    /// <summary>The key of a harness method of <paramref name="type"/> named <paramref name="name"/> (the only one of that name).</summary>
    public static string Of(Type type, string name) => Of(type.GetMethod(name, BindingFlags.Public | BindingFlags.Static) ?? throw new MissingMethodException(type.Name, name));

    /// <summary>The member a key names, among the assemblies loaded here.</summary>
    /// <exception cref="MissingMethodException">A course type of the submission lacks the member (the student changed the API).</exception>
    /// <exception cref="InvalidDataException">No such type or member elsewhere (a harness bug).</exception>
    public static MethodBase Resolve(string key)
    {
        int split = key.IndexOf("::", StringComparison.Ordinal), open = key.IndexOf('(', Math.Max(split, 0));
        if (split < 0 || open < 0 || !key.EndsWith(')')) throw new InvalidDataException($"unknown operation '{key}'");
        var type = FindType(key[..split]) ?? throw new InvalidDataException($"unknown operation '{key}': no type {key[..split]}");
        string name = key[(split + 2)..open], list = key[(open + 1)..^1];
        var parameters = list.Length == 0 ? Type.EmptyTypes : list.Split(';').Select(p => FindType(p) ?? throw new InvalidDataException($"unknown operation '{key}': no type {p}")).ToArray();
        const BindingFlags flags = BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static;
        MethodBase? member = name == ConstructorName ? type.GetConstructor(flags, parameters) : type.GetMethod(name, flags, parameters);
        if (member is not null) return member;
        string missing = $"{type.Name} has no public {(name == ConstructorName ? "constructor" : name)} taking ({string.Join(", ", parameters.Select(p => p.Name))})";
        // A course type without the member is the submission's changed API; anything else is a harness bug.
        if (type.Assembly.GetName().Name == CourseAssembly) throw new MissingMethodException($"{missing}: keep the course's public signatures.");
        throw new InvalidDataException($"unknown operation '{key}': {missing}");
    }

    /// <summary>A short name for messages, read off the key alone ("Distributions.LogPdfBernoulli", "Encoder constructor").</summary>
    public static string Display(string key)
    {
        int split = key.IndexOf("::", StringComparison.Ordinal), open = key.IndexOf('(', Math.Max(split, 0));
        if (split < 0 || open < 0) return key;
        string typeName = key[..split];
        int comma = typeName.IndexOf(',');
        if (comma >= 0) typeName = typeName[..comma];
        int bracket = typeName.IndexOf('`');
        if (bracket >= 0) typeName = typeName[..bracket];
        typeName = typeName[(typeName.LastIndexOfAny(['.', '+']) + 1)..];
        string name = key[(split + 2)..open];
        return name == ConstructorName ? $"{typeName} constructor" : $"{typeName}.{name}";
    }

    /// <summary>The assembly-qualified name without versions, cultures or key tokens (the two sides may build different versions).</summary>
    static string TypeKey(Type type) => VersionParts().Replace(type.AssemblyQualifiedName ?? throw new NotSupportedException($"{type} has no assembly-qualified name"), "");

    static Type? FindType(string key)
    {
        try { return Type.GetType(key, throwOnError: false); }
        catch (Exception e) when (e is ArgumentException or FileLoadException or BadImageFormatException) { return null; }
    }

    [GeneratedRegex(@", (Version|Culture|PublicKeyToken)=[^,\]]+")]
    private static partial Regex VersionParts();
}
