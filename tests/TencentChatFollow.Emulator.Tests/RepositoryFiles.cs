namespace TencentChatFollow.Emulator.Tests;

/// <summary>Finds files of the repository (the docs samples) from the test's output folder.</summary>
internal static class RepositoryFiles
{
    public static string PathOf(string relativePath)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "TencentChatFollow.sln")))
            {
                return Path.Combine(directory.FullName, relativePath);
            }
        }
        throw new InvalidOperationException($"no TencentChatFollow.sln above {AppContext.BaseDirectory}");
    }
}
