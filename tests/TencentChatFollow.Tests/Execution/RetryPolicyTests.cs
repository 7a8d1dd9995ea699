using TencentChatFollow.Execution;
using Xunit;

namespace TencentChatFollow.Tests.Execution;

public class RetryPolicyTests
{
    private const int Samples = 300;

    [Fact]
    public void Defaults_are_a_quarter_second_base_and_an_eight_second_cap()
    {
        var policy = new RetryPolicy(3);
        Assert.Equal(3, policy.MaxRetry);
        Assert.Equal(TimeSpan.FromMilliseconds(250), policy.BaseDelay);
        Assert.Equal(TimeSpan.FromSeconds(8), policy.MaxDelay);
    }

    [Theory]
    [InlineData(1, 250)]
    [InlineData(2, 500)]
    [InlineData(3, 1000)]
    [InlineData(4, 2000)]
    [InlineData(5, 4000)]
    [InlineData(6, 8000)]
    public void Delay_stays_between_half_the_exponential_step_and_the_step(int retry, int stepMs)
    {
        var policy = new RetryPolicy(10);
        var step = TimeSpan.FromMilliseconds(stepMs);

        var delays = Enumerable.Range(0, Samples).Select(_ => policy.DelayBefore(retry)).ToList();

        Assert.All(delays, d => Assert.InRange(d, step / 2, step));
        // Jitter: callers that failed together do not all retry together.
        Assert.True(delays.Distinct().Count() > Samples / 2);
        // And it uses the whole upper half, not just one end of it.
        Assert.Contains(delays, d => d < step * 0.6);
        Assert.Contains(delays, d => d > step * 0.9);
    }

    [Theory]
    [InlineData(7)]
    [InlineData(10)]
    [InlineData(31)]
    [InlineData(64)]
    [InlineData(int.MaxValue)]
    public void Delay_is_capped_at_MaxDelay_and_never_overflows(int retry)
    {
        var policy = new RetryPolicy(10);
        for (var i = 0; i < Samples; i++)
        {
            Assert.InRange(policy.DelayBefore(retry), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(8));
        }
    }

    [Fact]
    public void Custom_base_and_cap_are_used()
    {
        var policy = new RetryPolicy(5, TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(30));
        Assert.InRange(policy.DelayBefore(1), TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(10));
        Assert.InRange(policy.DelayBefore(2), TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(20));
        Assert.InRange(policy.DelayBefore(3), TimeSpan.FromMilliseconds(15), TimeSpan.FromMilliseconds(30));
        Assert.InRange(policy.DelayBefore(9), TimeSpan.FromMilliseconds(15), TimeSpan.FromMilliseconds(30));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(6)]
    public void Retry_After_wins_over_the_backoff(int retry)
    {
        var policy = new RetryPolicy(10);
        Assert.Equal(TimeSpan.FromSeconds(3), policy.DelayBefore(retry, TimeSpan.FromSeconds(3)));
        Assert.Equal(TimeSpan.FromMilliseconds(10), policy.DelayBefore(retry, TimeSpan.FromMilliseconds(10)));
        // Longer than MaxDelay is still honoured, up to a minute.
        Assert.Equal(TimeSpan.FromSeconds(45), policy.DelayBefore(retry, TimeSpan.FromSeconds(45)));
    }

    [Fact]
    public void Retry_After_is_capped_at_a_minute()
    {
        var policy = new RetryPolicy(1);
        Assert.Equal(TimeSpan.FromSeconds(60), policy.DelayBefore(1, TimeSpan.FromSeconds(61)));
        Assert.Equal(TimeSpan.FromSeconds(60), policy.DelayBefore(1, TimeSpan.FromHours(5)));
        Assert.Equal(TimeSpan.FromSeconds(60), policy.DelayBefore(1, TimeSpan.MaxValue));
    }

    [Fact]
    public void A_zero_or_negative_Retry_After_is_ignored()
    {
        var policy = new RetryPolicy(1);
        Assert.InRange(policy.DelayBefore(1, TimeSpan.Zero), TimeSpan.FromMilliseconds(125), TimeSpan.FromMilliseconds(250));
        Assert.InRange(policy.DelayBefore(1, TimeSpan.FromSeconds(-5)), TimeSpan.FromMilliseconds(125), TimeSpan.FromMilliseconds(250));
    }

    [Fact]
    public void Arguments_are_validated()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RetryPolicy(-1));
        Assert.Equal(0, new RetryPolicy(0).MaxRetry);
        var policy = new RetryPolicy(2);
        Assert.Throws<ArgumentOutOfRangeException>(() => policy.DelayBefore(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => policy.DelayBefore(-3));
        Assert.Throws<ArgumentOutOfRangeException>(() => policy.DelayBefore(0, TimeSpan.FromSeconds(1)));
    }
}
