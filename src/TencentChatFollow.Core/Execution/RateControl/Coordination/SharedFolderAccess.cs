using System;
using System.IO;
using System.Reflection;
using System.Runtime.InteropServices;

namespace TencentChatFollow.Execution;

/// <summary>
/// On Linux and macOS, the access of the boards in a folder that users other than its owner may write (one that
/// several users' jobs share, TENCENTCHAT_COORDINATION_PATH): a board's folder made there gets that folder's mode
/// (1777 as /tmp, or a group's 2775) instead of the umask's (0755, in which no other user could add a file and join),
/// and a member's file may be read by whoever may read that folder. The module is built for .NET Standard 2.0, so
/// File.GetUnixFileMode and File.SetUnixFileMode (.NET 7 and later: PowerShell 7.4 and later) are found at run time;
/// without them, or when a change fails, access stays as the umask made it. On Windows a new folder or file takes
/// the access rules its parent passes on, and nothing is done here. The default folder, which another user could make
/// first (under /tmp when there is no XDG_RUNTIME_DIR), is made the user's own instead (<see cref="MakeOwn"/>).
/// </summary>
internal static class SharedFolderAccess
{
    private const int OthersWrite = 0x12;   // 0o022: group or others may write
    private const int OthersRead = 0x24;    // 0o044: group and others may read
    private const int OwnerReadWrite = 0x180; // 0o600
    private const int OwnerOnly = 0x1C0; // 0o700

    private static readonly Type? ModeType = RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? null : typeof(File).Assembly.GetType("System.IO.UnixFileMode");
    private static readonly MethodInfo? GetMode = ModeType is null ? null : typeof(File).GetMethod("GetUnixFileMode", new[] { typeof(string) });
    private static readonly MethodInfo? SetMode = ModeType is null ? null : typeof(File).GetMethod("SetUnixFileMode", new[] { typeof(string), ModeType });

    /// <summary>Gives <paramref name="folder"/>, just made in <paramref name="root"/>, the root's mode when the root is shared.</summary>
    public static void ShareFolder(string folder, string root)
    {
        if (SharedMode(root) is { } mode) Set(folder, mode);
    }

    /// <summary>Lets those who may read the shared <paramref name="root"/> read <paramref name="file"/>, a member's file just made.</summary>
    public static void ShareFile(string file, string root)
    {
        if (SharedMode(root) is { } mode) Set(file, OwnerReadWrite | (mode & OthersRead));
    }

    /// <summary>
    /// Makes <paramref name="root"/> (made if missing) the user's own, 0700, where only its owner can: throws
    /// IOException when it is not this user's (another user made it first), so the member stops coordinating rather
    /// than read what others may write there. Without the .NET 7 calls (Windows, where the temp folder is the user's
    /// own, or an older runtime) it only makes the folder.
    /// </summary>
    public static void MakeOwn(string root)
    {
        Directory.CreateDirectory(root);
        if (SetMode is null) return;
        try
        {
            SetMode.Invoke(null, new[] { root, Enum.ToObject(ModeType!, OwnerOnly) });
        }
        catch (TargetInvocationException ex)
        {
            throw new IOException($"The folder of the boards, {root}, is not this user's, so jobs go without it; set TENCENTCHAT_COORDINATION_PATH to a folder of the user's.", ex.InnerException);
        }
    }

    /// <summary>The mode of <paramref name="root"/> when users other than its owner may write it, else null.</summary>
    private static int? SharedMode(string root)
    {
        if (GetMode is null || SetMode is null) return null;
        try
        {
            var mode = Convert.ToInt32(GetMode.Invoke(null, new object[] { root }), System.Globalization.CultureInfo.InvariantCulture);
            return (mode & OthersWrite) != 0 ? mode : null;
        }
        catch (TargetInvocationException)
        {
            return null; // gone, or not ours to look at: the umask's access stays
        }
    }

    private static void Set(string path, int mode)
    {
        try
        {
            SetMode!.Invoke(null, new[] { path, Enum.ToObject(ModeType!, mode) });
        }
        catch (TargetInvocationException)
        {
            // Not ours (another user made it first, with its access already set) or gone: as the umask made it.
        }
    }
}
