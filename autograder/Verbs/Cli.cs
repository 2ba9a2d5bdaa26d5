using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using System.Globalization;

namespace GenAI.Autograder.Verbs;

/// <summary>
/// A verb on the command line: a System.CommandLine command whose help opens with its synopsis (the usage line TAs
/// and scripts know, e.g. <c>grade [--submission DIR] ...</c>) and may close with notes on what it writes.
/// </summary>
/// <param name="name">The verb.</param>
/// <param name="description">One line on what it does (also the root help's list of verbs).</param>
public sealed class Verb(string name, string description) : Command(name, description)
{
    /// <summary>The usage line(s) printed under "Usage:" in the verb's help.</summary>
    public required string Synopsis { get; init; }

    /// <summary>Text printed after the options in the verb's help, or null.</summary>
    public string? Notes { get; init; }
}

/// <summary>
/// The verbs' shared command-line plumbing over System.CommandLine: parsing with response files off (an argument
/// starting with '@' is a path, not a file of arguments), a parse error as one line on stderr and exit code 2, an
/// unknown verb as exit code 2 with the list of verbs, help that shows each verb's synopsis, and option factories for
/// the value kinds the verbs share (positive seconds and counts read in the invariant culture, flags without values).
/// </summary>
public static class Cli
{
    /// <summary>Parser settings every verb uses.</summary>
    static ParserConfiguration Configuration => new() { ResponseFileTokenReplacer = null };

    /// <summary>
    /// Parses <paramref name="args"/> against <paramref name="root"/> and runs the verb they name. Help requests print help
    /// and return 0; parse errors print one line (the verb, the first error, where help is) and return 2.
    /// </summary>
    public static int Invoke(RootCommand root, string[] args)
    {
        if (root.Options.OfType<HelpOption>().FirstOrDefault() is { Action: HelpAction standard } help)
            help.Action = new VerbHelp(standard);
        var result = root.Parse(args.Length == 0 ? ["--help"] : args, Configuration);
        if (result.Action is VerbHelp or HelpAction) return result.Invoke();
        if (result.Errors.Count > 0)
        {
            var command = result.CommandResult.Command;
            if (command == root)
            {
                Console.Error.WriteLine($"unknown command '{args[0]}'; the commands are:\n{VerbList(root)}");
                return 2;
            }
            string error = result.UnmatchedTokens.Count > 0
                ? (result.UnmatchedTokens[0].StartsWith('-') ? $"unknown option '{result.UnmatchedTokens[0]}'" : $"unexpected argument '{result.UnmatchedTokens[0]}'")
                : result.Errors[0].Message.TrimEnd('.');
            Console.Error.WriteLine($"{command.Name}: {error} ({command.Name} --help lists the options)");
            return 2;
        }
        return result.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
    }

    /// <summary>Parses <paramref name="args"/> against one verb alone (no help option); <paramref name="error"/> is the first parse error, or null.</summary>
    public static ParseResult Parse(Command verb, string[] args, out string? error)
    {
        var result = verb.Parse(args, Configuration);
        error = result.Errors.Count > 0 ? result.Errors[0].Message : null;
        return result;
    }

    /// <summary>One line per visible verb: its name and description.</summary>
    public static string VerbList(Command root) =>
        string.Join("\n", root.Subcommands.Where(c => !c.Hidden).Select(c => $"  {c.Name,-13} {c.Description}"));

    /// <summary>
    /// Help for a <see cref="Verb"/>: its description, its synopsis as the usage, its arguments and options with their
    /// descriptions (wrapped to the console), then its notes. Other commands (the root) get System.CommandLine's own help.
    /// </summary>
    sealed class VerbHelp(HelpAction standard) : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            if (parseResult.CommandResult.Command is not Verb verb) return standard.Invoke(parseResult);
            var output = Console.Out;
            int width = Math.Clamp(Console.IsOutputRedirected ? 120 : Console.WindowWidth, 80, 160);
            output.WriteLine($"{verb.Name}: {System.Text.RegularExpressions.Regex.Replace(verb.Description ?? "", @" \(see [a-z-]+ --help\)$", "")}");
            output.WriteLine();
            output.WriteLine("Usage:");
            foreach (var line in verb.Synopsis.Split('\n')) output.WriteLine("  " + line.TrimEnd());
            var arguments = verb.Arguments.Where(a => !a.Hidden).Select(a => (a.Name, a.Description ?? "")).ToList();
            var options = verb.Options.Where(o => !o.Hidden)
                .Select(o => (string.Join(", ", o.Aliases.Order().Append(o.Name)) + (o.Arity.MaximumNumberOfValues > 0 ? $" {o.HelpName ?? "VALUE"}" : ""), o.Description ?? ""))
                .Append(("-h, --help", "show this help")).ToList();
            int column = Math.Min(32, arguments.Concat(options).Max(r => r.Item1.Length) + 4);
            void Section(string title, List<(string name, string text)> rows)
            {
                if (rows.Count == 0) return;
                output.WriteLine();
                output.WriteLine(title);
                foreach (var (name, text) in rows)
                {
                    var lines = Wrap(text, Math.Max(30, width - column));
                    string first = "  " + name;
                    if (first.Length + 2 > column) { output.WriteLine(first); first = ""; }
                    for (int i = 0; i < lines.Count; i++) output.WriteLine((i == 0 ? first : "").PadRight(column) + lines[i]);
                }
            }
            Section("Arguments:", arguments);
            Section("Options:", options);
            if (verb.Notes is not null) { output.WriteLine(); output.WriteLine(verb.Notes.TrimEnd()); }
            return 0;
        }

        static List<string> Wrap(string text, int width)
        {
            var lines = new List<string>();
            var line = new System.Text.StringBuilder();
            foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (line.Length > 0 && line.Length + 1 + word.Length > width) { lines.Add(line.ToString()); line.Clear(); }
                if (line.Length > 0) line.Append(' ');
                line.Append(word);
            }
            lines.Add(line.ToString());
            return lines;
        }
    }

    /// <summary><paramref name="argument"/> with <paramref name="validator"/> added (for static initializers).</summary>
    public static T Validated<T>(T argument, Action<ArgumentResult> validator) where T : Argument
    {
        argument.Validators.Add(validator);
        return argument;
    }

    /// <summary><paramref name="option"/>, which its command cannot do without.</summary>
    public static T Required<T>(T option) where T : Option
    {
        option.Required = true;
        return option;
    }

    /// <summary>A text option (a folder, a file, a name) shown in help as <c>--name HELPNAME</c>.</summary>
    public static Option<string?> Text(string name, string helpName, string description) =>
        new(name) { HelpName = helpName, Description = description };

    /// <summary>A flag: present or not, taking no value.</summary>
    public static Option<bool> Flag(string name, string description) =>
        new(name) { Description = description, Arity = ArgumentArity.Zero };

    /// <summary>A number of seconds above zero (invariant culture); null when absent.</summary>
    public static Option<double?> Seconds(string name, string description) =>
        new(name) { HelpName = "SECONDS", Description = description, CustomParser = r => Positive(r, name) };

    /// <summary>A whole number, at least <paramref name="minimum"/>, or the error <paramref name="error"/>; null when absent.</summary>
    public static Option<int?> Count(string name, string helpName, string description, int minimum, string error) =>
        new(name)
        {
            HelpName = helpName, Description = description,
            CustomParser = r =>
            {
                if (int.TryParse(r.Tokens.Single().Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n >= minimum) return n;
                r.AddError(error);
                return null;
            },
        };

    static double? Positive(ArgumentResult r, string name)
    {
        if (double.TryParse(r.Tokens.Single().Value, NumberStyles.Float | NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out double seconds) && seconds > 0) return seconds;
        r.AddError($"{name} needs a positive number of seconds");
        return null;
    }
}
