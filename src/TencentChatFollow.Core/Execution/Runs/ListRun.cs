using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using TencentChatFollow.Api;
using TencentChatFollow.Errors;
using TencentChatFollow.Session;

namespace TencentChatFollow.Execution;

/// <summary>
/// Reads users' lists (follow_get) to their ends, several lists at once under the session's limiter, and gives the
/// pages back to the caller in input order (<see cref="Next"/>): every page of one user before the next user's. Each
/// list asks for its next page only once the caller comes back for more after its last page, that is once that page
/// is written, so a consumer that stops early (Select-Object -First, an error under -ErrorAction Stop) stops the calls
/// of the list it was reading. The lists behind it have at most their first page read ahead.
/// Only the owner's thread (the pipeline thread) calls its members; the pages are fetched on the thread pool.
/// </summary>
internal sealed class ListRun : IDisposable
{
    private readonly FollowPageCall _pages; // every list's pages: one protocol, one run history (the run's first page goes first, not each list's)
    private readonly int _maxLists;
    private readonly CancellationTokenSource _cancel;
    private int _disposed;
    private readonly Queue<ListReader> _lists = new();
    private ListReader? _given; // the list whose page was given out last: it goes on when the caller comes back
    private BatchResult<FollowPage>? _truncated; // a list's error for a cursor it had used, or pages that bring nothing, given out next
    private bool _completed;
    private long _sequence;
    private long _pagesAsked;
    private long _ended; // lists that ended with their user's error (given out): answered, not read to their end
    private readonly FollowRelation _relation;
    private readonly int? _maxEntries; // Following and Mutual: Tencent's follow limit; Follower: none

    /// <summary>
    /// Pages in one list that name a next page yet bring no new account (empty, or only accounts already written),
    /// after which the list is given up. Counted over the whole list, not in a row: Tencent ends a list with an empty
    /// NextCursor and fills a page with its entries up to WantNum, so a page that brings nothing may still happen now
    /// and then (follows removed while the list is read), but a list has no call without an account to show for it
    /// beyond these ten.
    /// </summary>
    internal const int MaxEmptyPages = 10;

    /// <summary>
    /// The most accounts a Following (or Mutual) list can hold: a user follows at most 5,000 accounts (Tencent's
    /// follow limit, error 32100). A list that brings more is a server paging without end. Fans have no such limit.
    /// </summary>
    internal const int MaxFollowing = 5_000;

    /// <summary>
    /// How many of a list's latest accounts, and of its latest cursors, it remembers to see a repeat: a fingerprint
    /// of 16 bytes each (about 45 bytes with the set's own cost: some 4.5 MB for each set when full, for the one list
    /// being paged through; the lists read ahead have one page). A Following or Mutual list fits whole; a fan list,
    /// which has no limit, is checked against its last 100,000 accounts, so memory stays bounded however long it is.
    /// </summary>
    internal const int Remembered = 100_000;

    public ListRun(TencentChatSession session, FollowRelation relation, int pageSize, int maxLists, CancellationToken cancellationToken)
    {
        if (maxLists < 1) throw new ArgumentOutOfRangeException(nameof(maxLists));
        _pages = new FollowPageCall(session, new FollowGetProtocol(relation, pageSize), new RunHistory(session));
        _maxLists = maxLists;
        _relation = relation;
        _maxEntries = relation == FollowRelation.Follower ? null : MaxFollowing;
        _cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
    }

    /// <summary>
    /// Lists read to their end (their last page given out and the caller back for more): the command's "done". A list
    /// that ended with its user's error (a failed page, or a list the service would not page through) is not among
    /// them: the command counts it as failed.
    /// </summary>
    public long Answered { get; private set; }

    /// <summary>Pages asked for so far (each list's next page is asked for only once its last one is written).</summary>
    public long PagesAsked => Volatile.Read(ref _pagesAsked);

    /// <summary>Set when an answer every call would repeat stopped the run; nothing more is read.</summary>
    public TencentChatRunStoppedException? Stopped { get; private set; }

    /// <summary>Starts reading <paramref name="user"/>'s list; take its pages with <see cref="Next"/>.</summary>
    public void Add(string user)
    {
        if (Stopped is not null || _completed) throw new InvalidOperationException("The run has stopped or its input has ended.");
        _lists.Enqueue(new ListReader(this, user));
    }

    /// <summary>End of input: <see cref="Next"/> now waits for every page left.</summary>
    public void Complete() => _completed = true;

    /// <summary>
    /// The next page in input order (or a list's error), the one before it being written. Waits for it while more
    /// lists are open than the run reads at once, and after <see cref="Complete"/>; otherwise gives only a page
    /// already read. Null when there is none to give now, and once the run has <see cref="Stopped"/>.
    /// Throws OperationCanceledException when the run is cancelled while it waits.
    /// </summary>
    public BatchResult<FollowPage>? Next()
    {
        GoOn();
        if (_truncated is { } truncated)
        {
            _truncated = null;
            return truncated;
        }
        while (Stopped is null && _lists.Count > 0)
        {
            var head = _lists.Peek();
            if (head.Done)
            {
                _lists.Dequeue();
                continue;
            }
            BatchResult<FollowPage>? page;
            if (_completed || _lists.Count > _maxLists) page = head.Take(_cancel.Token);
            else if (!head.TryTake(out page)) return null;
            return Give(head, page!);
        }
        return null;
    }

    /// <summary>Cancels the calls still on the wire; a second call does nothing (the command ends a run it holds an error for, then PowerShell disposes the command).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _cancel.Cancel();
        _cancel.Dispose();
    }

    /// <summary>The caller has written the page given last: its list asks for its next page, or ends.</summary>
    private void GoOn()
    {
        if (_given is not { } list) return;
        _given = null;
        if (!list.Done) list.Next();
        else if (list.Truncated)
        {
            _truncated = list.TruncatedError(Interlocked.Increment(ref _sequence));
            _ended++;
        }
        else if (list.Failed) _ended++;
        else Answered++;
    }

    private BatchResult<FollowPage>? Give(ListReader list, BatchResult<FollowPage> page)
    {
        if (page.Fatal is { } fatal)
        {
            // A list cut short by the stop says so, as a list that fails alone does (the run's error counts it as not answered).
            if (list.WrittenBefore("this answer") is { } written)
                fatal = new TencentChatException(fatal.ErrorId, fatal.Kind, fatal.Message.TrimEnd() + $" The list of {Text.UserIdText.Show(list.User)} was not read to its end: {written}.", fatal.Code, fatal.UserId, fatal.InnerException);
            _cancel.Cancel();
            var unanswered = new List<string> { list.User };
            foreach (var other in _lists) if (!ReferenceEquals(other, list)) unanswered.Add(other.User);
            _lists.Clear();
            Stopped = new TencentChatRunStoppedException(fatal, Answered + _ended, unanswered); // answered: a result or the user's own error
            return null;
        }
        _given = list;
        return page;
    }

    /// <summary>
    /// One user's list: its cursor, one page at a time. Nothing the server sends keeps it paging without a bound:
    /// <list type="bullet">
    /// <item>a NextCursor the list has already asked with (the same one again, or a cycle A, B, A) ends it;</item>
    /// <item>an account the list has already written is not written again (a real list holds each account once), and
    /// a page that names a next page yet brings no new account (empty, or only repeats) counts towards
    /// <see cref="MaxEmptyPages"/> over the whole list, which ends it;</item>
    /// <item>a Following or Mutual list that brings more than <see cref="MaxFollowing"/> accounts ends.</item>
    /// </list>
    /// So every call of a list but <see cref="MaxEmptyPages"/> writes at least one account not written before, and a
    /// Following or Mutual list makes at most some 5,000 calls. A fan list has no limit (Tencent sets none): a server
    /// that keeps giving new accounts under new cursors looks the same as a real list of millions, and is read for as
    /// long as it gives them (Ctrl+C or Select-Object -First ends it). Repeats are seen among the last
    /// <see cref="Remembered"/> accounts and cursors, which bounds the memory of a list of any length.
    /// The page that shows the server wrong is not written; the entries written before it stay written, and the user
    /// gets an error that says the list was not read to its end and how many entries were written.
    /// </summary>
    private sealed class ListReader
    {
        private readonly ListRun _run;
        private readonly RecentSet _used = new(Remembered); // the latest cursors this list has asked with
        private readonly RecentSet _accounts = new(Remembered); // the latest accounts this list has written
        private TaskCompletionSource<BatchResult<FollowPage>>? _fetch; // the page being fetched; null once it is taken
        private string _cursor = ""; // the StartCursor of the page being fetched
        private int _pages; // pages taken so far
        private int _emptyPages; // pages with a NextCursor and no new account, over the whole list
        private long _written; // entries handed out to be written
        private string? _truncation; // why the list was given up before its end

        public ListReader(ListRun run, string user)
        {
            _run = run;
            User = user;
            Fetch();
        }

        public string User { get; }

        /// <summary>The last page has been fetched and taken (or the list failed).</summary>
        public bool Done { get; private set; }

        /// <summary>Done with the user's error for a page (not a fatal answer's): the list was not read to its end.</summary>
        public bool Failed { get; private set; }

        /// <summary>Done because the service would not page through to the end: the list was not read to its end.</summary>
        public bool Truncated => _truncation is not null;

        /// <summary>The user's error for a list the service would not page through to its end.</summary>
        public BatchResult<FollowPage> TruncatedError(long sequence)
        {
            var error = new TencentChatException("TencentChat.InvalidResponse", ErrorKind.InvalidResponse,
                FormattableString.Invariant($"The service gave {_truncation} for {Text.UserIdText.Show(User)} after {_pages} pages; the list was not read to its end. {Written("the page that showed it")}, not that page's. ") +
                "The service (or what answers at the endpoint) does not page through this list as Tencent does: read it again, and if it happens again, report it with the -Verbose output.", userId: User);
            return new BatchResult<FollowPage>(sequence, new[] { new IdOutcome<FollowPage>(User, null, error) }, null, Array.Empty<string>(), Array.Empty<string>());
        }

        public bool TryTake(out BatchResult<FollowPage>? page)
        {
            page = null;
            if (Done || _fetch is not { Task.IsCompleted: true } fetched) return false;
            page = Taken(fetched.Task.Result);
            return true;
        }

        public BatchResult<FollowPage> Take(CancellationToken cancellationToken)
        {
            var fetched = _fetch ?? throw new InvalidOperationException("No page is being fetched.");
            fetched.Task.Wait(cancellationToken);
            return Taken(fetched.Task.Result);
        }

        /// <summary>The page just given out is written: ask for the next one.</summary>
        public void Next() => Fetch();

        /// <summary>The page to hand out: its new entries, none when it shows the server wrong, or the user's error.</summary>
        private BatchResult<FollowPage> Taken(BatchResult<FollowPage> page)
        {
            _fetch = null;
            _pages++;
            // A list ends with an error for the user, or a fatal answer.
            if (page.Outcomes[0].Result is not { } read)
            {
                Done = true;
                Failed = page.Fatal is null;
                return _pages == 1 || page.Fatal is not null ? page : Incomplete(page);
            }
            var fresh = new List<FollowEntry>(read.Entries.Count);
            foreach (var entry in read.Entries) if (_accounts.Add(Fingerprint(entry.UserId))) fresh.Add(entry);
            var more = read.NextCursor.Length > 0;
            if (fresh.Count == 0 && more) _emptyPages++;
            if (more && !_used.Add(Fingerprint(read.NextCursor))) return GiveUp(page, "the same NextCursor twice"); // a cursor asked with before: stop rather than loop
            if (_written + fresh.Count > _run._maxEntries)
                return GiveUp(page, FormattableString.Invariant($"more than {_run._maxEntries:N0} accounts in a {_run._relation} list (a user follows at most {MaxFollowing:N0})"));
            if (_emptyPages == MaxEmptyPages) return GiveUp(page, FormattableString.Invariant($"{MaxEmptyPages} pages that brought no new account yet named a next page"));
            if (more) _cursor = read.NextCursor;
            else Done = true;
            _written += fresh.Count;
            if (fresh.Count == read.Entries.Count) return page;
            var repeated = read.Entries.Count - fresh.Count;
            return With(page, new FollowPage(fresh, read.NextCursor),
                FormattableString.Invariant($"Page {_pages} of the list of {Text.UserIdText.Show(User)} repeated {Text.Wording.Count(repeated, "account", "accounts")} already written: not written again."));
        }

        /// <summary>
        /// The user's error for a page after the first: it says the list was not read to its end and what was written
        /// of it, instead of "no result is reported for it".
        /// </summary>
        private BatchResult<FollowPage> Incomplete(BatchResult<FollowPage> page)
        {
            var outcome = page.Outcomes[0];
            var error = outcome.Error!;
            var message = error.Message.TrimEnd();
            if (message.EndsWith(IdMapping.NoResult, StringComparison.Ordinal)) message = message.Substring(0, message.Length - IdMapping.NoResult.Length).TrimEnd();
            message += FormattableString.Invariant($" The list was not read to its end: {Written("this error")}; read it again for the whole list.");
            var incomplete = new TencentChatException(error.ErrorId, error.Kind, message, error.Code, error.UserId, error.InnerException);
            return new BatchResult<FollowPage>(page.Sequence, new[] { new IdOutcome<FollowPage>(outcome.UserId, null, incomplete, outcome.CallFailed, outcome.NotSent) }, null, page.Verbose, page.Debug);
        }

        /// <summary>
        /// Ends the list at <paramref name="page"/>, which is not written: the user's error follows it. The page handed
        /// out in its place has no entries and still names a next page: a page without one says the list was read to its end.
        /// </summary>
        private BatchResult<FollowPage> GiveUp(BatchResult<FollowPage> page, string why)
        {
            _truncation = why;
            Done = true;
            return With(page, new FollowPage(Array.Empty<FollowEntry>(), NotReadToItsEnd), null);
        }

        /// <summary>The NextCursor of the page a list that was given up on hands out in place of the page that showed it.</summary>
        internal const string NotReadToItsEnd = "(not read to its end)";

        /// <summary><paramref name="page"/>'s call with <paramref name="kept"/> as its page, and a -Verbose line more.</summary>
        private static BatchResult<FollowPage> With(BatchResult<FollowPage> page, FollowPage kept, string? verbose)
        {
            var lines = new List<string>(page.Verbose);
            if (verbose is not null) lines.Add(verbose);
            return new BatchResult<FollowPage>(page.Sequence, new[] { new IdOutcome<FollowPage>(page.Outcomes[0].UserId, kept, null) }, null, lines, page.Debug);
        }

        /// <summary>What the list wrote before <paramref name="what"/> (the page just taken), or null when that was its first page.</summary>
        public string? WrittenBefore(string what) => _pages > 1 ? Written(what) : null;

        /// <summary>"1 entry from the 1 page before {what} was written": what the list wrote before the page that ended it.</summary>
        private string Written(string what)
            => Text.Wording.Count(_written, "entry", "entries") + " from the " + Text.Wording.Count(_pages - 1, "page", "pages") + $" before {what} " + (_written == 1 ? "was" : "were") + " written";

        /// <summary>
        /// What the sets of cursors and accounts keep of one: 128 bits of the SHA-256 of its characters. A cursor or
        /// an account is the server's to make, as long as an answer may be; the sets would otherwise hold all of them.
        /// One hasher a thread (the owner's: a page is taken there), not one an account: a list may have millions.
        /// </summary>
        private static (long, long) Fingerprint(string text)
        {
            var sha = _sha ??= SHA256.Create();
            var hash = sha.ComputeHash(MemoryMarshal.AsBytes(text.AsSpan()).ToArray());
            return (BitConverter.ToInt64(hash, 0), BitConverter.ToInt64(hash, 8));
        }

        [ThreadStatic]
        private static SHA256? _sha;

        private void Fetch()
        {
            var sequence = Interlocked.Increment(ref _run._sequence);
            Interlocked.Increment(ref _run._pagesAsked);
            var cancellationToken = _run._cancel.Token; // read here: the source may be disposed before the task runs
            var cursor = _cursor;
            var fetch = _fetch = new TaskCompletionSource<BatchResult<FollowPage>>();
            Task.Run(async () =>
            {
                try
                {
                    fetch.SetResult(await _run._pages.ExecuteAsync(sequence, User, cursor, cancellationToken).ConfigureAwait(false));
                }
                catch (OperationCanceledException)
                {
                    // Stopped: the owner is no longer waiting for this list.
                }
                catch (Exception ex)
                {
                    // Not an answer's doing (those are the call's errors): still the user's error, never a wait without end.
                    var error = new TencentChatException("TencentChat.RequestFailed", ErrorKind.InvalidResponse,
                        $"Reading the list of {Text.UserIdText.Show(User)} failed ({ex.GetType().Name}: {Redactor.Scrub(ex.Message)}). Please report this with the -Verbose output.", userId: User);
                    fetch.TrySetResult(new BatchResult<FollowPage>(sequence, new[] { new IdOutcome<FollowPage>(User, null, error) }, null, Array.Empty<string>(), Array.Empty<string>()));
                }
            });
        }
    }

    /// <summary>
    /// The latest fingerprints added, up to a number, to see a repeat among them: the oldest is forgotten when a new
    /// one comes to a full set, so its memory is bounded however many are added.
    /// </summary>
    private sealed class RecentSet
    {
        private readonly int _capacity;
        private readonly HashSet<(long, long)> _set = new();
        private readonly Queue<(long, long)> _order = new();

        public RecentSet(int capacity) => _capacity = capacity;

        /// <summary>False when <paramref name="fingerprint"/> is among the latest; otherwise remembers it.</summary>
        public bool Add((long, long) fingerprint)
        {
            if (!_set.Add(fingerprint)) return false;
            _order.Enqueue(fingerprint);
            if (_order.Count > _capacity) _set.Remove(_order.Dequeue());
            return true;
        }
    }
}
