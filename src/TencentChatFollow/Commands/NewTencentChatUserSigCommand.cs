using System;
using System.Management.Automation;
using System.Security;
using TencentChatFollow.Auth;
using TencentChatFollow.Internal;
using TencentChatFollow.Session;
using TencentChatFollow.Text;

namespace TencentChatFollow.Commands;

/// <summary>
/// New-TencentChatUserSig: a TLSSigAPIv2 UserSig for any account, e.g. for a client login or another tool.
/// The sig is a credential, so it comes out as a SecureString unless -AsPlainText is given.
/// </summary>
[Cmdlet(VerbsCommon.New, "TencentChatUserSig")]
[OutputType(typeof(SecureString))]
[OutputType(typeof(string))]
public sealed class NewTencentChatUserSigCommand : PSCmdlet, IDisposable
{
    /// <summary>Default validity: Tencent advises at least a day.</summary>
    public static readonly TimeSpan DefaultExpiry = TimeSpan.FromDays(1);

    /// <summary>The app's SDKAppID.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateRange(1, uint.MaxValue)]
    [SdkAppIdArgument]
    public uint SdkAppId { get; set; }

    /// <summary>The app's secret key.</summary>
    [Parameter(Mandatory = true)]
    [ValidateNotNull]
    [SecureStringArgument("-SecretKey", "The key is the one shown for the app in the Chat console.")]
    public SecureString? SecretKey { get; set; }

    /// <summary>
    /// The accounts the sigs are for, one sig each: strings, numbers, or objects with an Identifier, UserId, To_Account
    /// or Account property (hashtables with such a key), as -UserId takes them elsewhere; they may come from the pipeline.
    /// </summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("UserId", "To_Account", "Account")]
    [UserIdTransformation(nameof(Identifier))]
    [ValidateNotNullOrEmpty]
    public string[]? Identifier { get; set; }

    /// <summary>How long the sig is valid (default one day).</summary>
    [Parameter]
    public TimeSpan Expiry { get; set; } = DefaultExpiry;

    /// <summary>Write the sig as a plain string instead of a SecureString.</summary>
    [Parameter]
    public SwitchParameter AsPlainText { get; set; }

    private byte[]? _key;

    protected override void BeginProcessing()
    {
        if (Expiry < TimeSpan.FromSeconds(1) || Expiry > TimeSpan.FromDays(3650))
        {
            ThrowTerminatingError(ErrorRecords.InvalidArgument(new ArgumentException($"-Expiry must be between 1 second and 3650 days; it is {Expiry}.{TicksHint(Expiry)}"),
                "TencentChat.InvalidExpiry", Expiry));
        }
        _key = SecretText.ToUtf8(SecretKey!);
        if (_key.Length == 0)
        {
            ThrowTerminatingError(ErrorRecords.InvalidArgument(new ArgumentException("-SecretKey is empty: pass the app's secret key from the Chat console."),
                "TencentChat.EmptySecretKey"));
        }
        if (KeyProblem(_key) is { } problem)
        {
            // A sig made from any of these would be refused by the service (70009) as if the key were wrong.
            ThrowTerminatingError(ErrorRecords.InvalidArgument(new ArgumentException(problem), "TencentChat.InvalidSecretKey"));
        }
    }

    /// <summary>Why <paramref name="key"/> is not a secret key, as Connect-TencentChat finds it, or null when it may be one.</summary>
    private static string? KeyProblem(byte[] key)
    {
        if (SecretText.IsSecureStringTypeName(key))
        {
            return "-SecretKey holds the text 'System.Security.SecureString', not a key: a SecureString was turned into text (such as \"$key\") " +
                "and back into a SecureString, which keeps only its type name. Pass the SecureString itself: -SecretKey $key.";
        }
        if (SecretText.IsCredentialTypeName(key))
        {
            return $"-SecretKey holds the text '{SecretText.CredentialTypeName}', not a key: a PSCredential was turned into text (such as \"$credential\") " +
                "and into a SecureString, which keeps only its type name. Pass the credential's password: -SecretKey $credential.Password.";
        }
        if (SecretText.IsUserSig(key))
        {
            return "-SecretKey" + SecretText.HoldsUserSig + ": a UserSig is made with the app's secret key, from the Chat console, and not from another sig. " +
                "Pass the key; Connect-TencentChat takes a ready UserSig as -UserSig.";
        }
        if (SecretText.IsQuoted(key))
        {
            return "-SecretKey is wrapped in quotes, which came with the key as part of its text (an env file read as it is keeps them): pass the key without the quotes.";
        }
        return null;
    }

    protected override void ProcessRecord()
    {
        foreach (var given in Identifier!)
        {
            // An object that carries no id is refused, not signed as its text ("@{To_Account=user001}").
            if (UserIdTransformationAttribute.TryGetRejection(given, out var refusal)) WriteError(UserIdInput.ErrorFor(this, refusal!));
            else Sign(given);
        }
    }

    /// <summary>Writes the sig for <paramref name="given"/>, or the error that says why it has none.</summary>
    private void Sign(string given)
    {
        var identifier = given.Trim();
        if (identifier.Length == 0)
        {
            // [ValidateNotNullOrEmpty] lets blanks through (and ValidateNotNullOrWhiteSpace is not in 5.1): one error for
            // this input, and the pipeline goes on with the next.
            WriteError(ErrorRecords.InvalidArgument(new ArgumentException("-Identifier is blank: pass the account to make the UserSig for, such as user001."),
                "TencentChat.BlankIdentifier", given));
            return;
        }
        if (UserIdText.NoAccount("-Identifier", identifier) is { } noAccount)
        {
            // A sig for it would sign an id no account has (half a surrogate pair would be signed as U+FFFD).
            WriteError(ErrorRecords.InvalidArgument(new ArgumentException(noAccount + ": pass the account to make the UserSig for, such as user001."),
                "TencentChat.NotAUserId", given));
            return;
        }
        var sig = UserSigGenerator.Generate(SdkAppId, _key!, identifier, (long)Expiry.TotalSeconds, DateTimeOffset.UtcNow);
        if (AsPlainText)
        {
            WriteObject(sig);
            return;
        }
        WriteObject(ToSecureString(sig));
    }

    /// <summary>
    /// For an -Expiry under a second of whole ticks, most likely a number meant as days or seconds: how to say that.
    /// </summary>
    private static string TicksHint(TimeSpan expiry)
    {
        if (expiry.Ticks <= 0 || expiry >= TimeSpan.FromSeconds(1)) return "";
        var n = expiry.Ticks.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return $" A number is read as ticks (units of 100 ns): for {n} days pass '{n}.00:00:00' or (New-TimeSpan -Days {n}); for {n} seconds, (New-TimeSpan -Seconds {n}).";
    }

    /// <summary>The text as a read-only SecureString, which the user owns once it is written.</summary>
    private static SecureString ToSecureString(string text)
    {
        var secure = new System.Net.NetworkCredential(string.Empty, text).SecurePassword;
        secure.MakeReadOnly();
        return secure;
    }

    /// <summary>
    /// Clears the copy of the key. PowerShell calls this when the command ends, also when its pipeline is stopped before
    /// the end (Select-Object -First 1, Ctrl+C), where EndProcessing never runs.
    /// </summary>
    public void Dispose()
    {
        if (_key is not null) Array.Clear(_key, 0, _key.Length);
    }
}
