using System;

namespace TencentChatFollow.Execution;

/// <summary>The control loop's constants (one set in production; the simulation tests vary them).</summary>
internal sealed class RateControlSettings
{
    public static RateControlSettings Default => new();

    /// <summary>How long the service remembers calls: Tencent counts calls per second.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(1);
    /// <summary>How many clients our share suggests: the ceiling over the share, plus this, rounded down (at least two when not alone).</summary>
    public double FairRounding { get; set; } = 0.4;
    /// <summary>Calls/s added each second while calls go through.</summary>
    public double IncreasePerSecond { get; set; } = 1;
    /// <summary>After a cut the rate goes back to PlateauOverCut times the cut's level, closing the gap at RecoverRate times a second...</summary>
    public double PlateauOverCut { get; set; } = 1.02;
    public double RecoverRate { get; set; } = 3;
    /// <summary>...holds there (growing by IncreasePerSecond only; after a fruitless cut, to no more than HoldUnderRefused of the highest level the service refused since the last fruitful one) until PlateauHold after the cut...</summary>
    public TimeSpan PlateauHold { get; set; } = TimeSpan.FromSeconds(4);
    public double HoldUnderRefused { get; set; } = 0.98;
    /// <summary>A cut that comes before our share got this far above the level held before doubles the next hold (up to FruitlessProbeDoublings times): the room is not there.</summary>
    public double FruitfulProbe { get; set; } = 1.1;
    public int FruitlessProbeDoublings { get; set; } = 2;
    /// <summary>A level under HoldFullShare of the ceiling holds shorter, by (level / that)^HoldShareExponent: small shares look for room sooner.</summary>
    public double HoldFullShare { get; set; } = 0.5;
    public double HoldShareExponent { get; set; } = 1;
    /// <summary>The hold after a start's cut (jobs that started together) is doubled this many times.</summary>
    public int StartHoldDoublings { get; set; } = 2;
    /// <summary>...then grows by up to ProbeGrowth of itself each second (reached over ProbeRamp), to take back room others left.</summary>
    public double ProbeGrowth { get; set; } = 0.6;
    public TimeSpan ProbeRamp { get; set; } = TimeSpan.FromSeconds(1);
    /// <summary>A rate under this share of the ceiling probes as fast as one at it, so that small shares catch up.</summary>
    public double ProbeFloorShare { get; set; } = 0.5;
    /// <summary>A cut keeps at most this fraction of the rate.</summary>
    public double Decrease { get; set; } = 0.95;
    /// <summary>When our share was at least AloneShare of the ceiling, a cut keeps AloneDecrease of the rate.</summary>
    public double AloneShare { get; set; } = 0.9;
    public double AloneDecrease { get; set; } = 0.98;
    public TimeSpan AloneRegrowAfter { get; set; } = TimeSpan.FromSeconds(0.5);
    /// <summary>
    /// A cut taken for timing whose episode refuses a call sent this long after the one that made the cut (at least
    /// TimingSpan, or TimingRoundTrips of that call's round trip) was not timing: it becomes a cut to half the ceiling.
    /// </summary>
    public TimeSpan TimingSpan { get; set; } = TimeSpan.FromMilliseconds(25);
    public double TimingRoundTrips { get; set; } = 0.5;
    /// <summary>A cut keeps at least this fraction of the rate (however small our share looked).</summary>
    public double DeepestCut { get; set; } = 0.3;
    /// <summary>A cut goes at most to this fraction of what the service accepted from us in the last window.</summary>
    public double ShareFactor { get; set; } = 0.95;
    /// <summary>The first cut of a process that has been sending for less than a window keeps at most this fraction of the rate...</summary>
    public double NewcomerCut { get; set; } = 0.5;
    /// <summary>...and at least this (it joined a window already full, so what got through says little).</summary>
    public double NewcomerFloor { get; set; } = 1 / 3.0;
    /// <summary>A newcomer that got at least this part of the window through started with the others (the start's ladder applies).</summary>
    public double StartedTogetherShare { get; set; } = 0.2;
    /// <summary>How many started together: the window over our part of it, plus this, rounded down (at least two).</summary>
    public double NewcomerRounding { get; set; } = 0.3;
    /// <summary>The rate never goes below this.</summary>
    public double MinRate { get; set; } = 2;
    /// <summary>After a cut, hold back this many times the time the service's window needs to forget our refused calls.</summary>
    public double DrainFactor { get; set; } = 3;
    /// <summary>While holding after a cut, one probe call per this interval.</summary>
    public TimeSpan ProbeInterval { get; set; } = TimeSpan.FromMilliseconds(50);
    /// <summary>Each refused probe doubles the interval to the next, up to this.</summary>
    public TimeSpan LongestProbeInterval { get; set; } = TimeSpan.FromMilliseconds(200);
}
