using System.Globalization;
using Xunit;

namespace TencentChatFollow.Tests.Output;

public class FollowProfileTests
{
    [Fact]
    public void Its_text_is_one_JSON_object_with_invariant_numbers_in_any_culture()
    {
        var before = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
        try
        {
            var profile = new FollowProfile(new Dictionary<string, object?>
            {
                ["Tag_Profile_IM_Nick"] = "Zoë \"the\" 小明",
                ["Tag_Profile_IM_Level"] = 12L,
                ["Tag_Profile_Custom_Score"] = 1.5,
                ["Tag_Profile_Custom_Flag"] = true,
                ["Tag_Profile_IM_Image"] = null,
            });

            Assert.Equal("{\"Tag_Profile_IM_Nick\":\"Zoë \\\"the\\\" 小明\",\"Tag_Profile_IM_Level\":12,\"Tag_Profile_Custom_Score\":1.5,\"Tag_Profile_Custom_Flag\":true,\"Tag_Profile_IM_Image\":null}", profile.ToString());
        }
        finally
        {
            CultureInfo.CurrentCulture = before;
        }
    }

    [Fact]
    public void Whole_numbers_past_Int64_stay_numbers_in_its_text()
    {
        // As follow_get's answer gives them (RestJson.Number): Decimal past Int64, BigInteger past Decimal.
        var profile = new FollowProfile(new Dictionary<string, object?>
        {
            ["Tag_Profile_Custom_Big"] = 18446744073709551615m,
            ["Tag_Profile_Custom_Huge"] = System.Numerics.BigInteger.Parse("123456789012345678901234567890", CultureInfo.InvariantCulture),
        });

        Assert.Equal("{\"Tag_Profile_Custom_Big\":18446744073709551615,\"Tag_Profile_Custom_Huge\":123456789012345678901234567890}", profile.ToString());
    }

    [Fact]
    public void An_empty_profile_is_an_empty_object()
    {
        Assert.Equal("{}", FollowProfile.Empty.ToString());
        Assert.Equal("{}", new FollowEntry("a", "b", FollowRelation.Follower, null, null, new Dictionary<string, object?>()).Profile.ToString());
    }

    [Fact]
    public void Looks_up_tag_names_without_case_and_is_a_copy()
    {
        var tags = new Dictionary<string, object?> { ["Tag_Profile_IM_Nick"] = "n" };
        var entry = new FollowEntry("a", "b", FollowRelation.Follower, null, "n", tags);
        tags["Tag_Profile_IM_Nick"] = "changed";

        Assert.Equal("n", entry.Profile["tag_profile_im_nick"]);
        Assert.Single(entry.Profile);
    }
}
