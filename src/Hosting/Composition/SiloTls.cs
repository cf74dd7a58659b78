using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Orleans.Connections.Security;
using Orleans.Hosting;

namespace Granary.Hosting;

/// <summary>
/// Mutual TLS on the silo and gateway ports. Every silo presents the cluster's one certificate and accepts a peer only
/// when it presents the same one: a chain that merely validates would let anyone holding any trusted certificate join.
/// </summary>
internal static class SiloTls
{
    public static ISiloBuilder UseGranaryTls(this ISiloBuilder silo, X509Certificate2 certificate)
    {
        var expected = certificate.GetCertHash(HashAlgorithmName.SHA256);
        return silo.UseTls(certificate, tls =>
        {
            tls.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
            tls.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
            // Silos dial each other by IP and the cluster certificate is usually self-signed, so name and chain errors
            // are expected; the pin on the exact certificate is what authenticates the peer.
            tls.RemoteCertificateValidation = (remote, _, _) =>
                CryptographicOperations.FixedTimeEquals(remote.GetCertHash(HashAlgorithmName.SHA256), expected);
        });
    }
}
