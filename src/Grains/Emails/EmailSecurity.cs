namespace Granary.Grains.Emails;

/// <summary>How the SMTP connection is protected (<c>Granary:Email:Security</c>).</summary>
public enum EmailSecurity
{
    /// <summary>
    /// TLS from the first byte on port 465; elsewhere STARTTLS when the server offers it. Credentials are never sent
    /// over a connection that ended up unencrypted: set <see cref="None"/> to allow that on purpose.
    /// </summary>
    Auto,

    /// <summary>Plain text, credentials included (a relay on the same host or a development sink such as Mailpit).</summary>
    None,

    /// <summary>STARTTLS, required: a server that doesn't offer it fails the send.</summary>
    StartTls,

    /// <summary>TLS from the first byte (implicit TLS, usually port 465).</summary>
    Tls,
}
