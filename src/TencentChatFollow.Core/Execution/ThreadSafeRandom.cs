using System;

namespace TencentChatFollow.Execution;

/// <summary>Non-cryptographic random numbers (jitter, the API's random parameter), one generator per thread.</summary>
internal static class ThreadSafeRandom
{
    [ThreadStatic] private static Random? _random;

    private static Random Instance => _random ??= new Random(Guid.NewGuid().GetHashCode());

    public static int Next() => Instance.Next(int.MinValue, int.MaxValue);

    public static double NextDouble() => Instance.NextDouble();
}
