using System.Reflection;
using System.Runtime.InteropServices;

namespace GenAI.Autograder.Grading;

/// <summary>
/// Compares a submission's public API with the one the checks were compiled against, by reading
/// metadata only (System.Reflection.MetadataLoadContext: no student code runs), so a renamed or
/// re-typed member is reported once, up front, instead of as a binding error in every check.
/// </summary>
public static class ApiCheck
{
    /// <summary>Public types and members of <paramref name="expected"/> that <paramref name="actual"/> lacks, as readable signatures.</summary>
    /// <param name="expected">The course library the checks were built against.</param>
    /// <param name="actual">The submission's course library.</param>
    /// <param name="dependencies">Folder holding the libraries both reference (TorchSharp).</param>
    public static IReadOnlyList<string> Missing(string expected, string actual, string dependencies)
    {
        var want = Surface(expected, dependencies);
        var have = Surface(actual, dependencies).ToHashSet();
        return want.Where(w => !have.Contains(w)).ToList();
    }

    static List<string> Surface(string assemblyPath, string dependencies)
    {
        var paths = Directory.GetFiles(RuntimeEnvironment.GetRuntimeDirectory(), "*.dll")
            .Concat(Directory.GetFiles(dependencies, "*.dll").Where(p => !Path.GetFileName(p).StartsWith("GenAI.Course", StringComparison.Ordinal)))
            .Append(assemblyPath);
        using var context = new MetadataLoadContext(new PathAssemblyResolver(paths));
        var assembly = context.LoadFromAssemblyPath(assemblyPath);
        var surface = new List<string>();
        foreach (var type in assembly.GetExportedTypes().OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            surface.Add($"type {Name(type)}");
            const BindingFlags flags = BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
            foreach (var c in type.GetConstructors(flags)) surface.Add($"{Name(type)}({Parameters(c)})");
            foreach (var m in type.GetMethods(flags).Where(m => !m.IsSpecialName)) surface.Add($"{Name(m.ReturnType)} {Name(type)}.{m.Name}({Parameters(m)})");
            foreach (var p in type.GetProperties(flags)) surface.Add($"{Name(p.PropertyType)} {Name(type)}.{p.Name}");
        }
        return surface;
    }

    static string Parameters(MethodBase m) => string.Join(", ", m.GetParameters().Select(p => Name(p.ParameterType)));

    static string Name(Type t) => t.IsGenericType
        ? $"{t.Name[..t.Name.IndexOf('`')]}<{string.Join(", ", t.GetGenericArguments().Select(Name))}>"
        : (t.FullName ?? t.Name).Replace("GenAI.Course.", "").Replace("TorchSharp.", "").Replace("torch+", "");
}
