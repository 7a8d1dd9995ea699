using System;
using System.Runtime.InteropServices;
using System.Security;
using System.Text;

namespace TencentChatFollow.Session;

/// <summary>Reads a SecureString without making a managed string of it.</summary>
internal static class SecretText
{
    /// <summary>The UTF-8 bytes of the secure string, trimmed of surrounding white space.</summary>
    public static byte[] ToUtf8(SecureString secure)
    {
        if (secure is null) throw new ArgumentNullException(nameof(secure));
        var chars = new char[secure.Length];
        var ptr = Marshal.SecureStringToGlobalAllocUnicode(secure);
        try
        {
            Marshal.Copy(ptr, chars, 0, chars.Length);
            int start = 0, end = chars.Length;
            while (start < end && char.IsWhiteSpace(chars[start])) start++;
            while (end > start && char.IsWhiteSpace(chars[end - 1])) end--;
            return Encoding.UTF8.GetBytes(chars, start, end - start);
        }
        finally
        {
            Marshal.ZeroFreeGlobalAllocUnicode(ptr);
            Array.Clear(chars, 0, chars.Length);
        }
    }

    /// <summary>
    /// The key is the text "System.Security.SecureString": what a SecureString becomes when it is made text (an environment
    /// variable, "$key"), so the real key was lost on the way. Compared as bytes, so no string of a real key is made.
    /// </summary>
    public static bool IsSecureStringTypeName(byte[] key) => key.AsSpan().SequenceEqual(SecureStringTypeName);

    /// <summary>
    /// The key starts and ends with the same quote (" or '): quotes that became part of the value on its way, such as
    /// an env file read as it is (docker run --env-file keeps TENCENTCHAT_SECRETKEY="..." quotes). Read as bytes, so no
    /// string of a real key is made.
    /// </summary>
    public static bool IsQuoted(byte[] key) => key.Length >= 2 && key[0] is (byte)'"' or (byte)'\'' && key[key.Length - 1] == key[0];

    /// <summary>The type name of a PSCredential (System.Management.Automation is not referenced here).</summary>
    public const string CredentialTypeName = "System.Management.Automation.PSCredential";

    /// <summary>
    /// The key is the text "System.Management.Automation.PSCredential": a credential made text on its way (an
    /// environment variable set from Get-Secret of a credential secret). Compared as bytes, as <see cref="IsSecureStringTypeName"/>.
    /// </summary>
    public static bool IsCredentialTypeName(byte[] key) => key.AsSpan().SequenceEqual(CredentialTypeNameBytes);

    private static readonly byte[] CredentialTypeNameBytes = Encoding.UTF8.GetBytes(CredentialTypeName);

    /// <summary>
    /// The key is a UserSig (it decodes as one): a ready sig given where the key goes. Only a text that starts "eJ",
    /// as a UserSig's zlib data does and a key of hexadecimal digits cannot, is made a string to be decoded.
    /// </summary>
    public static bool IsUserSig(byte[] key)
        => key.Length >= 64 && key[0] == (byte)'e' && key[1] == (byte)'J' && Auth.UserSigReader.TryRead(Encoding.UTF8.GetString(key), out _);

    /// <summary>What follows the name of where a UserSig was given in place of the key, in the messages that refuse it.</summary>
    public const string HoldsUserSig = " holds a UserSig, not the secret key";

    private static readonly byte[] SecureStringTypeName = Encoding.UTF8.GetBytes(typeof(SecureString).FullName!);
}
