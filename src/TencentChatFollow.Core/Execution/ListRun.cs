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
    private readonly Queue<ListReader> _lists = new();
    private ListReader? _given; // the list whose page was given out last: it goes on when the caller comes back
    private BatchResult<FollowPage>? _truncated; // a list's error for a cursor it had used, or pages that bring nothing, given out next
    private bool _completed;
    private long _sequence;
    private long _pagesAsked;

    /// <summary>
    /// Empty pages in a row that name a next page, after which a list is given up. Tencent ends a list with an empty
    /// NextCursor and fills a page with its entries up to WantNum: one empty page with a cursor may still happen
    /// (follows removed while the list is read), a run of them is a server that pages without moving on. Ten pages
    /// cost ten calls, where such a server would take calls without end.
    /// </summary>
    internal const int MaxEmptyPages = 10;

    public ListRun(TencentChatSession session, FollowRelation relation, int pageSize, int maxLists, CancellationToken cancellationToken)
    {
        if (maxLists < 1) throw new ArgumentOutOfRangeException(nameof(maxLists));
        _pages = new FollowPageCall(session, new FollowGetProtocol(relation, pageSize), new RunHistory(session));
        _maxLists = maxLists;
        _cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
    }

    /// <summary>Lists read to their end (their last page given out and the caller back for more).</summary>
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

    public void Dispose()
    {
        _cancel.Cancel();
        _cancel.Dispose();
    }

    /// <summary>The caller has written the page given last: its list asks for its next page, or ends.</summary>
    private void GoOn()
    {
        if (_given is not { } list) return;
        _given = null;
        if (!list.Done) list.Next();
        else if (list.Truncated) _truncated = list.TruncatedError(Interlocked.Increment(ref _sequence));
        else Answered++;
    }

    private BatchResult<FollowPage>? Give(ListReader list, BatchResult<FollowPage> page)
    {
        if (page.Fatal is { } fatal)
        {
            _cancel.Cancel();
            var unanswered = new List<string> { list.User };
            foreach (var other in _lists) if (!ReferenceEquals(other, list)) unanswered.Add(other.User);
            _lists.Clear();
            Stopped = new TencentChatRunStoppedException(fatal, Answered, unanswered);
            return null;
        }
        _given = list;
        return page;
    }

    /// <summary>
    /// One user's list: its cursor, one page at a time. Nothing the server sends keeps it paging without end: a
    /// NextCursor the list has already asked with (the same one again, or a cycle A, B, A) ends it, and so does a run
    /// of <see cref="MaxEmptyPages"/> pages that bring no entry yet name a next page (new cursors each time would
    /// otherwise never end it). Either way the entries already written stay written and the user gets an error.
    /// </summary>
    private sealed class ListReader
    {
        private readonly ListRun _run;
        private readonly HashSet<(long, long)> _used = new(); // the cursors this list has asked with, as fingerprints
        private TaskCompletionSource<BatchResult<FollowPage>>? _fetch; // the page being fetched; null once it is taken
        private string _cursor = ""; // the StartCursor of the page being fetched
        private int _pages; // pages taken so far
        private int _emptyPages; // pages in a row with no entry and a NextCursor
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

        /// <summary>Done because the service would not page through to the end: the list was not read to its end.</summary>
        public bool Truncated => _truncation is not null;

        /// <summary>The user's error for a list the service would not page through to its end.</summary>
        public BatchResult<FollowPage> TruncatedError(long sequence)
        {
            var error = new TencentChatException("TencentChat.InvalidResponse", ErrorKind.InvalidResponse,
                FormattableString.Invariant($"The service gave {_truncation} for '{User}' after {_pages} pages; the list was not read to its end."), userId: User);
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

        private BatchResult<FollowPage> Taken(BatchResult<FollowPage> page)
        {
            _fetch = null;
            _pages++;
            // The list ends with a page without a cursor, an error for the user, or a fatal answer.
            if (page.Outcomes[0].Result is not { NextCursor.Length: > 0 } next)
            {
                Done = true;
                return page;
            }
            _emptyPages = next.Entries.Count == 0 ? _emptyPages + 1 : 0;
            if (!_used.Add(Fingerprint(next.NextCursor))) GiveUp("the same NextCursor twice"); // a cursor asked with before: stop rather than loop
            else if (_emptyPages == MaxEmptyPages) GiveUp(FormattableString.Invariant($"{MaxEmptyPages} pages in a row with no entry and a NextCursor"));
            else _cursor = next.NextCursor;
            return page;
        }

        private void GiveUp(string why)
        {
            _truncation = why;
            Done = true;
        }

        /// <summary>
        /// What the set of cursors used keeps of one: 128 bits of the SHA-256 of its characters. A cursor is the
        /// server's to make, as long as an answer may be; a list of many pages would otherwise hold every one of them.
        /// </summary>
        private static (long, long) Fingerprint(string cursor)
        {
            using var sha = SHA256.Create();
            var hash = sha.ComputeHash(MemoryMarshal.AsBytes(cursor.AsSpan()).ToArray());
            return (BitConverter.ToInt64(hash, 0), BitConverter.ToInt64(hash, 8));
        }

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
                        $"Reading the list of '{User}' failed ({ex.GetType().Name}: {Redactor.Scrub(ex.Message)}). Please report this with the -Verbose output.", userId: User);
                    fetch.TrySetResult(new BatchResult<FollowPage>(sequence, new[] { new IdOutcome<FollowPage>(User, null, error) }, null, Array.Empty<string>(), Array.Empty<string>()));
                }
            });
        }
    }
}
