namespace GenAI.Course.Formats;

/// <summary>A course data file that cannot be read: the message names the file and what is wrong with it.</summary>
public sealed class CourseDataException(string file, string problem)
    : IOException($"{Path.GetFileName(file)}: {problem}")
{
    /// <summary>The file that was being read.</summary>
    public string File { get; } = file;
}
