// Makes libLibTorchSharp.so load where the system libstdc++ predates GLIBCXX_3.4.32 (Debian 12,
// Ubuntu 22.04). TorchSharp 0.107.0's native shim asks for that version for one symbol
// (_ZSt21ios_base_library_initv) that nothing calls. Marking the version requirement weak, and
// every undefined symbol bound to it weak and unversioned, lets the loader accept an older
// libstdc++; where the system library is new enough nothing is touched.
//
// This file is compiled twice: by MSBuild as an inline task (Directory.Build.targets) and by the
// harness tests (with NO_MSBUILD_TASK defined), which check the byte-level edits.
using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace GenAI.Build
{
    /// <summary>Outcome of <see cref="ElfVersionPatcher.Patch"/>.</summary>
    public sealed class ElfPatchResult
    {
        /// <summary>True when the bytes were changed.</summary>
        public bool Changed { get; set; }
        /// <summary>Number of version requirements (Vernaux entries) marked weak.</summary>
        public int WeakenedVersions { get; set; }
        /// <summary>Names of the undefined dynamic symbols made weak and unversioned.</summary>
        public List<string> WeakenedSymbols { get; } = new List<string>();
    }

    /// <summary>Byte-level edits of an ELF64 little-endian shared object's symbol versioning.</summary>
    public static class ElfVersionPatcher
    {
        /// <summary>The libstdc++ version TorchSharp 0.107.0 needs for one unused symbol.</summary>
        public const string TorchSharpVersion = "GLIBCXX_3.4.32";

        const uint ShtDynsym = 11, ShtGnuVerneed = 0x6ffffffe, ShtGnuVersym = 0x6fffffff;
        const ushort VerFlgWeak = 0x2;
        const byte StbWeak = 2;

        /// <summary>
        /// Marks the requirement of <paramref name="version"/> weak and makes every undefined
        /// dynamic symbol bound to it weak with version index 1 (global). Idempotent.
        /// </summary>
        /// <exception cref="InvalidDataException">The bytes are not a well-formed ELF64 LE object.</exception>
        public static ElfPatchResult Patch(byte[] elf, string version)
        {
            var result = new ElfPatchResult();
            if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
                throw new InvalidDataException("not an ELF file (bad magic)");
            if (elf[4] != 2 || elf[5] != 1)
                throw new InvalidDataException("only 64-bit little-endian ELF files are supported");

            ulong shoff = U64(elf, 0x28);
            int shentsize = U16(elf, 0x3A), shnum = U16(elf, 0x3C);
            if (shentsize != 64 || shoff == 0 || shoff + (ulong)(shnum * 64) > (ulong)elf.Length)
                throw new InvalidDataException("section header table is missing or truncated");

            int dynsym = -1, versym = -1, verneed = -1;
            for (int i = 0; i < shnum; i++)
            {
                uint type = U32(elf, (int)shoff + i * 64 + 4);
                if (type == ShtDynsym) dynsym = i;
                else if (type == ShtGnuVersym) versym = i;
                else if (type == ShtGnuVerneed) verneed = i;
            }
            if (dynsym < 0 || versym < 0 || verneed < 0) return result; // nothing versioned: nothing to do

            Section Sec(int index) => new Section(elf, (int)shoff + index * 64);
            var need = Sec(verneed);
            var needStrings = Sec((int)need.Link);

            var weakIndices = new HashSet<ushort>();
            int vn = (int)need.Offset;
            for (uint n = 0; n < need.Info; n++)
            {
                ushort cnt = U16(elf, vn + 2);
                int aux = vn + (int)U32(elf, vn + 8);
                for (int a = 0; a < cnt; a++)
                {
                    Check(elf, aux, 16, "Vernaux entry");
                    string name = CString(elf, (int)needStrings.Offset + (int)U32(elf, aux + 8));
                    if (name == version)
                    {
                        ushort flags = U16(elf, aux + 4);
                        if ((flags & VerFlgWeak) == 0)
                        {
                            W16(elf, aux + 4, (ushort)(flags | VerFlgWeak));
                            result.Changed = true;
                        }
                        result.WeakenedVersions++;
                        weakIndices.Add((ushort)(U16(elf, aux + 6) & 0x7fff));
                    }
                    uint next = U32(elf, aux + 12);
                    if (next == 0) break;
                    aux += (int)next;
                }
                uint vnNext = U32(elf, vn + 12);
                if (vnNext == 0) break;
                vn += (int)vnNext;
            }
            if (weakIndices.Count == 0) return result;

            var syms = Sec(dynsym);
            var symStrings = Sec((int)syms.Link);
            var vers = Sec(versym);
            int count = (int)(syms.Size / 24);
            Check(elf, (int)vers.Offset, count * 2, ".gnu.version");
            for (int s = 1; s < count; s++)
            {
                int sym = (int)syms.Offset + s * 24;
                Check(elf, sym, 24, ".dynsym entry");
                int ver = (int)vers.Offset + s * 2;
                ushort index = (ushort)(U16(elf, ver) & 0x7fff);
                bool undefined = U16(elf, sym + 6) == 0;
                if (!undefined || !weakIndices.Contains(index)) continue;
                byte info = elf[sym + 4];
                elf[sym + 4] = (byte)((StbWeak << 4) | (info & 0xf));
                W16(elf, ver, 1);
                result.WeakenedSymbols.Add(CString(elf, (int)symStrings.Offset + (int)U32(elf, sym)));
                result.Changed = true;
            }
            return result;
        }

        /// <summary>True when some libstdc++.so.6 the loader would find already defines <paramref name="version"/>.</summary>
        public static bool SystemLibStdCxxHas(string version)
        {
            var needle = Encoding.ASCII.GetBytes(version + "\0");
            foreach (var path in LibStdCxxCandidates())
            {
                try
                {
                    if (File.Exists(path) && IndexOf(File.ReadAllBytes(path), needle) >= 0) return true;
                }
                catch (IOException) { }
                catch (UnauthorizedAccessException) { }
            }
            return false;
        }

        static IEnumerable<string> LibStdCxxCandidates()
        {
            foreach (var dir in (Environment.GetEnvironmentVariable("LD_LIBRARY_PATH") ?? "").Split(':'))
                if (dir.Length > 0) yield return Path.Combine(dir, "libstdc++.so.6");
            foreach (var dir in new[] { "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib/aarch64-linux-gnu",
                                        "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/lib64", "/usr/lib", "/lib" })
                yield return Path.Combine(dir, "libstdc++.so.6");
        }

        static int IndexOf(byte[] haystack, byte[] needle)
        {
            for (int i = 0; i <= haystack.Length - needle.Length; i++)
            {
                if (haystack[i] != needle[0]) continue;
                int j = 1;
                while (j < needle.Length && haystack[i + j] == needle[j]) j++;
                if (j == needle.Length) return i;
            }
            return -1;
        }

        readonly struct Section
        {
            public Section(byte[] elf, int header)
            {
                Offset = U64(elf, header + 0x18);
                Size = U64(elf, header + 0x20);
                Link = U32(elf, header + 0x28);
                Info = U32(elf, header + 0x2C);
                if (Offset + Size > (ulong)elf.Length) throw new InvalidDataException("a section lies past the end of the file (truncated?)");
            }
            public ulong Offset { get; }
            public ulong Size { get; }
            public uint Link { get; }
            public uint Info { get; }
        }

        static void Check(byte[] elf, int offset, int length, string what)
        {
            if (offset < 0 || offset + length > elf.Length) throw new InvalidDataException(what + " lies past the end of the file (truncated?)");
        }

        static string CString(byte[] b, int offset)
        {
            Check(b, offset, 1, "string");
            int end = Array.IndexOf(b, (byte)0, offset);
            if (end < 0) throw new InvalidDataException("unterminated string in a string table");
            return Encoding.ASCII.GetString(b, offset, end - offset);
        }

        static ushort U16(byte[] b, int o) { Check(b, o, 2, "field"); return (ushort)(b[o] | b[o + 1] << 8); }
        static uint U32(byte[] b, int o) { Check(b, o, 4, "field"); return (uint)(b[o] | b[o + 1] << 8 | b[o + 2] << 16 | b[o + 3] << 24); }
        static ulong U64(byte[] b, int o) => U32(b, o) | (ulong)U32(b, o + 4) << 32;
        static void W16(byte[] b, int o, ushort v) { b[o] = (byte)v; b[o + 1] = (byte)(v >> 8); }
    }

#if !NO_MSBUILD_TASK
    /// <summary>MSBuild task: patches each libLibTorchSharp.so in place unless libstdc++ is new enough.</summary>
    public class PatchLibTorchSharp : Microsoft.Build.Utilities.Task
    {
        /// <summary>Copies of libLibTorchSharp.so in an output folder (never the NuGet cache).</summary>
        [Microsoft.Build.Framework.Required]
        public Microsoft.Build.Framework.ITaskItem[] Files { get; set; } = Array.Empty<Microsoft.Build.Framework.ITaskItem>();

        /// <summary>Patch even when the system libstdc++ already has the version.</summary>
        public bool Force { get; set; }

        /// <inheritdoc />
        public override bool Execute()
        {
            if (!Force && ElfVersionPatcher.SystemLibStdCxxHas(ElfVersionPatcher.TorchSharpVersion))
            {
                Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Low, "libstdc++ has " + ElfVersionPatcher.TorchSharpVersion + ": libLibTorchSharp.so left as shipped");
                return true;
            }
            foreach (var item in Files)
            {
                string path = item.ItemSpec;
                if (!File.Exists(path)) continue;
                try
                {
                    var bytes = File.ReadAllBytes(path);
                    var result = ElfVersionPatcher.Patch(bytes, ElfVersionPatcher.TorchSharpVersion);
                    if (!result.Changed) continue;
                    string temp = path + ".patching";
                    File.WriteAllBytes(temp, bytes);
                    File.Copy(temp, path, true);
                    File.Delete(temp);
                    Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Normal,
                        "Patched " + path + ": " + ElfVersionPatcher.TorchSharpVersion + " weak; symbols " + string.Join(", ", result.WeakenedSymbols));
                }
                catch (InvalidDataException e)
                {
                    Log.LogError("Cannot patch " + path + ": " + e.Message);
                }
            }
            return !Log.HasLoggedErrors;
        }
    }
#endif
}
