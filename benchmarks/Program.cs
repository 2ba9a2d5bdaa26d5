using BenchmarkDotNet.Running;
using GenAI.Benchmarks;

if (args is ["adam-memory", .. var rest])
    AdamMemory.Run(rest.FirstOrDefault(a => int.TryParse(a, out _)) is { } n ? int.Parse(n) : 1000, rest.Contains("--no-gc"), rest.Contains("--optim-adam"));
else if (args is ["scalar-race", .. var race])
    ScalarRace.Run(race is [var first, ..] && double.TryParse(first, out double seconds) ? seconds : 20,
        race.SkipWhile(a => a != "--busy").Skip(1).FirstOrDefault() is { } busy ? int.Parse(busy) : 0, race.Contains("--hold"));
else if (args is ["op-costs", ..])
    OpCosts.Run();
else
    BenchmarkSwitcher.FromAssembly(typeof(GradeCommandBenchmarks).Assembly).Run(args);
