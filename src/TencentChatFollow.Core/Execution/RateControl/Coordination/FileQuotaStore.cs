using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Security.Cryptography;
using System.Text;

namespace TencentChatFollow.Execution;

/// <summary>
/// The boards of one machine in a folder of the user's: a folder per board (named by a hash of its key), a file per
/// member ("pid-random.quota") holding one fixed-length text record that its member rewrites in place. Readers skip a
/// record they cannot parse (one caught mid-write keeps its last good reading), skip stale ones and delete forgotten
/// ones (a crashed process's). A member deletes its file when it goes idle and when the process exits. Any I/O error
/// reaches the member, which stops coordinating (<see cref="QuotaMember"/>).
/// </summary>
internal sealed class FileQuotaStore : QuotaStore
{
    internal const string Extension = ".quota";
    private readonly ConcurrentDictionary<string, byte> _mine = new(StringComparer.Ordinal); // files this process wrote and still holds
    private volatile bool _closed; // the process exits: write no more
    private volatile bool _userOwn; // the root is still to be made the user's own

    /// <param name="root">The folder of the boards.</param>
    /// <param name="userOwn">
    /// The default folder, which should be the user's alone: made 0700 before the first record goes in, and not used
    /// when it is another user's (<see cref="SharedFolderAccess.MakeOwn"/>).
    /// </param>
    public FileQuotaStore(string root, bool userOwn = false)
    {
        Root = root ?? throw new ArgumentNullException(nameof(root));
        _userOwn = userOwn;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => LeaveAll();
    }

    public string Root { get; }

    public override bool SelfDriven => true;

    public override QuotaBoard Board(string key) => new FileBoard(this, Path.Combine(Root, FolderOf(key)));

    /// <summary>The folder name of <paramref name="key"/>'s board: 16 hex digits of its SHA-256.</summary>
    internal static string FolderOf(string key)
    {
        using var sha = SHA256.Create();
        var hash = sha.ComputeHash(Encoding.UTF8.GetBytes(key));
        var name = new StringBuilder(16);
        for (var i = 0; i < 8; i++) name.Append(hash[i].ToString("x2", CultureInfo.InvariantCulture));
        return name.ToString();
    }

    /// <summary>Deletes every file this process still holds (at exit).</summary>
    internal void LeaveAll()
    {
        _closed = true;
        foreach (var path in _mine.Keys) Remove(path);
        _mine.Clear();
    }

    /// <summary>Deletes a member's file, and its board's folder when that leaves it empty (the last member leaves no folder).</summary>
    private static void Remove(string path)
    {
        TryDelete(path);
        try
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: false); // only when empty
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Not empty (others are still there) or already gone.
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Another process is deleting it too, or it is not ours to delete: either way it will be forgotten.
        }
    }

    private sealed class FileBoard(FileQuotaStore store, string folder) : QuotaBoard
    {
        private readonly Dictionary<string, QuotaRecord> _lastGood = new(StringComparer.Ordinal); // by file name

        public override string Join()
        {
            using var process = Process.GetCurrentProcess();
            return process.Id.ToString(CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N").Substring(0, 8);
        }

        public override void Publish(string member, int used, int rate, int ceiling, bool backlogged)
        {
            var path = Path.Combine(folder, member + Extension);
            var bytes = QuotaRecordText.Format(new QuotaRecord(DateTime.UtcNow, used, rate, ceiling, backlogged));
            if (store._closed) return;
            if (store._userOwn)
            {
                SharedFolderAccess.MakeOwn(store.Root);
                store._userOwn = false;
            }
            var first = store._mine.TryAdd(path, 0);
            try
            {
                Write(path, bytes);
            }
            catch (DirectoryNotFoundException)
            {
                Directory.CreateDirectory(folder);
                SharedFolderAccess.ShareFolder(folder, store.Root); // in a folder other users share: they may join it too
                Write(path, bytes);
            }
            if (first) SharedFolderAccess.ShareFile(path, store.Root);
            if (store._closed) Remove(path); // the process began to exit while this was written: leave nothing
        }

        public override QuotaReading Read(string member)
        {
            var now = DateTime.UtcNow;
            var others = new List<QuotaRecord>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            IEnumerable<string> files;
            try
            {
                files = Directory.GetFiles(folder, "*" + Extension);
            }
            catch (DirectoryNotFoundException)
            {
                files = Array.Empty<string>();
            }
            lock (_lastGood)
            {
                foreach (var path in files)
                {
                    var name = Path.GetFileName(path);
                    if (string.Equals(name, member + Extension, StringComparison.Ordinal)) continue;
                    seen.Add(name);
                    if (QuotaRecordText.TryRead(path) is { } record) _lastGood[name] = record;
                    if (_lastGood.TryGetValue(name, out var last) ? QuotaShare.IsForgotten(last.At, now) : IsOld(path, now))
                    {
                        TryDelete(path); // a crashed process's, or never a record at all
                        _lastGood.Remove(name);
                    }
                    else if (_lastGood.TryGetValue(name, out var good)) others.Add(good);
                }
                foreach (var gone in new List<string>(_lastGood.Keys)) if (!seen.Contains(gone)) _lastGood.Remove(gone);
            }
            return new QuotaReading(others, now);
        }

        public override void Leave(string member)
        {
            var path = Path.Combine(folder, member + Extension);
            Remove(path);
            store._mine.TryRemove(path, out _);
        }

        private static bool IsOld(string path, DateTime now)
        {
            try
            {
                return QuotaShare.IsForgotten(File.GetLastWriteTimeUtc(path), now);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return false;
            }
        }

        private static void Write(string path, byte[] bytes)
        {
            using var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
            stream.Write(bytes, 0, bytes.Length);
            stream.SetLength(bytes.Length);
        }
    }
}
