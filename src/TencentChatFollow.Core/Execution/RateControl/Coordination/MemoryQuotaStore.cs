using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace TencentChatFollow.Execution;

/// <summary>
/// Boards in memory, stamped on <see cref="Clock"/>'s time: for tests and the simulation, which give one store to the
/// registries of several simulated processes. Never the file system.
/// </summary>
internal sealed class MemoryQuotaStore(Clock clock, bool selfDriven = false) : QuotaStore
{
    private readonly ConcurrentDictionary<string, MemoryBoard> _boards = new(StringComparer.Ordinal);

    public Clock Clock { get; } = clock ?? throw new ArgumentNullException(nameof(clock));

    public override bool SelfDriven { get; } = selfDriven;

    public override QuotaBoard Board(string key) => _boards.GetOrAdd(key, _ => new MemoryBoard(Clock));

    /// <summary>How many members have a record on any board (tests).</summary>
    public int Members => _boards.Values.Sum(b => b.Count);

    /// <summary>Puts a record as a member that is not a limiter would (tests: a crashed process's record).</summary>
    public void Put(string key, string member, QuotaRecord record) => ((MemoryBoard)Board(key)).Put(member, record);

    private sealed class MemoryBoard(Clock clock) : QuotaBoard
    {
        private readonly Dictionary<string, QuotaRecord> _records = new(StringComparer.Ordinal);
        private int _joined;

        public int Count
        {
            get { lock (_records) return _records.Count; }
        }

        public override string Join()
        {
            lock (_records) return "m" + (++_joined).ToString(CultureInfo.InvariantCulture);
        }

        public override void Publish(string member, int used, int rate, int ceiling, bool backlogged)
            => Put(member, new QuotaRecord(clock.UtcNow.UtcDateTime, used, rate, ceiling, backlogged));

        public void Put(string member, QuotaRecord record)
        {
            lock (_records) _records[member] = record;
        }

        public override QuotaReading Read(string member)
        {
            var now = clock.UtcNow.UtcDateTime;
            var others = new List<QuotaRecord>();
            lock (_records)
            {
                var forgotten = new List<string>();
                foreach (var pair in _records)
                {
                    if (QuotaShare.IsForgotten(pair.Value.At, now)) forgotten.Add(pair.Key);
                    else if (!string.Equals(pair.Key, member, StringComparison.Ordinal)) others.Add(pair.Value);
                }
                foreach (var gone in forgotten) _records.Remove(gone);
            }
            return new QuotaReading(others, now);
        }

        public override void Leave(string member)
        {
            lock (_records) _records.Remove(member);
        }
    }
}
