using System.Security.Cryptography;
using System.Text;

namespace GenAI.Autograder.Grading;

/// <summary>Slice <paramref name="Index"/> (1-based) of <paramref name="Count"/>: the students whose name's SHA-256, as a number, is Index - 1 modulo Count.</summary>
public sealed record Shard(int Index, int Count)
{
    /// <summary>The whole class.</summary>
    public static readonly Shard All = new(1, 1);

    /// <summary>Parses "I/N" with 1 &lt;= I &lt;= N.</summary>
    public static bool TryParse(string? text, out Shard shard)
    {
        shard = All;
        var parts = text?.Split('/');
        if (parts is not { Length: 2 } || !int.TryParse(parts[0], out int i) || !int.TryParse(parts[1], out int n) || n < 1 || i < 1 || i > n) return false;
        shard = new Shard(i, n);
        return true;
    }

    /// <summary>True when <paramref name="student"/> belongs to this slice.</summary>
    public bool Holds(string student) =>
        Count == 1 || (int)(BitConverter.ToUInt64(SHA256.HashData(Encoding.UTF8.GetBytes(student)), 0) % (ulong)Count) == Index - 1;
}
