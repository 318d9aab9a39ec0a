package dev.stability.netty.tls;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A PEM certificate chain and its PKCS#8 private key, checked before use: both parse, the key
 * belongs to the leaf, and the leaf is valid now. A key that does not match its certificate would
 * otherwise fail only at the first handshake, on a client's screen.
 */
record PemMaterial(PrivateKey key, List<X509Certificate> chain) {
  private static final Pattern KEY =
      Pattern.compile("-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");

  private static final java.time.Duration CLOCK_SKEW = java.time.Duration.ofMinutes(5);

  static PemMaterial parse(String origin, byte[] certPem, byte[] keyPem, Instant now) {
    List<X509Certificate> chain = certificates(origin, certPem);
    PrivateKey key = key(origin, keyPem);
    X509Certificate leaf = chain.get(0);
    if (!matches(key, leaf.getPublicKey())) {
      throw new IllegalArgumentException(
          "key: "
              + origin
              + " (expected: the private key of certificate "
              + leaf.getSubjectX500Principal().getName()
              + ")");
    }
    // a certificate issued a moment ago by a CA whose clock is slightly ahead is fine: 5 minutes of
    // skew
    if (now.isAfter(leaf.getNotAfter().toInstant())
        || now.plus(CLOCK_SKEW).isBefore(leaf.getNotBefore().toInstant())) {
      throw new IllegalArgumentException(
          "certificate: "
              + leaf.getSubjectX500Principal().getName()
              + " valid "
              + leaf.getNotBefore().toInstant()
              + " to "
              + leaf.getNotAfter().toInstant()
              + " (expected: valid at "
              + now
              + ")");
    }
    return new PemMaterial(key, chain);
  }

  static List<X509Certificate> certificates(String origin, byte[] pem) {
    try {
      List<X509Certificate> chain =
          CertificateFactory.getInstance("X.509")
              .generateCertificates(new ByteArrayInputStream(pem))
              .stream()
              .map(X509Certificate.class::cast)
              .toList();
      if (chain.isEmpty()) {
        throw new IllegalArgumentException(
            "certificates: " + origin + " (expected: one or more PEM certificates)");
      }
      return chain;
    } catch (CertificateException e) {
      throw new IllegalArgumentException(
          "certificates: " + origin + " (expected: PEM X.509 certificates; " + e.getMessage() + ")",
          e);
    }
  }

  private static PrivateKey key(String origin, byte[] pem) {
    Matcher m = KEY.matcher(new String(pem, StandardCharsets.US_ASCII));
    if (!m.find()) {
      throw new IllegalArgumentException(
          "key: "
              + origin
              + " (expected: an unencrypted PKCS#8 PEM key, "
              + "-----BEGIN PRIVATE KEY-----; convert with openssl pkcs8 -topk8 -nocrypt)");
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(m.group(1));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "key: " + origin + " (expected: valid base64 inside the PEM)", e);
    }
    for (String algorithm : List.of("RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        // not this algorithm: try the next
      }
    }
    throw new IllegalArgumentException(
        "key: " + origin + " (expected: an RSA, EC or EdDSA PKCS#8 key)");
  }

  /** Signs a random challenge with the key and verifies it with the certificate's public key. */
  private static boolean matches(PrivateKey key, PublicKey publicKey) {
    if (!key.getAlgorithm().equals(publicKey.getAlgorithm())) {
      return false;
    }
    String algorithm =
        switch (key.getAlgorithm()) {
          case "RSA" -> "SHA256withRSA";
          case "EC" -> "SHA256withECDSA";
          default -> key.getAlgorithm();
        };
    try {
      byte[] challenge = new byte[32];
      new SecureRandom().nextBytes(challenge);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(challenge);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(publicKey);
      verifier.update(challenge);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
