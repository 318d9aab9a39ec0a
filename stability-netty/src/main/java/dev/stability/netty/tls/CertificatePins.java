package dev.stability.netty.tls;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Per-host SPKI SHA-256 pins, in the style of OkHttp's {@code CertificatePinner}: a connection to a
 * pinned host is accepted only when at least one certificate of its verified chain has a public key
 * whose SHA-256 is pinned.
 *
 * <p>A pin is {@code sha256/} followed by the base64 SHA-256 of the certificate's DER
 * SubjectPublicKeyInfo (RFC 7469), so it survives a re-issued certificate with the same key. Pin a
 * backup key too (a key not yet in service, or the issuing CA's): with a single pin, losing that
 * key locks every client out until they are updated. Host patterns: {@code api.example.com}
 * exactly, {@code *.example.com} one extra label, {@code **.example.com} any number (including
 * none), as OkHttp. Pins only add to normal certificate verification, never replace it. Hosts with
 * no pattern are not pinned. Build with {@link #builder()} or {@link #parse(String)}; both
 * validate.
 */
public final class CertificatePins {
  /** The empty set: no host is pinned. */
  public static final CertificatePins NONE = new CertificatePins(Map.of());

  private static final Pattern PIN = Pattern.compile("sha256/[A-Za-z0-9+/]{43}=");
  private static final Pattern HOST =
      Pattern.compile(
          "(\\*\\*\\.|\\*\\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");

  private final Map<String, Set<String>> pins;

  private CertificatePins(Map<String, Set<String>> pins) {
    this.pins = pins;
  }

  /** Returns a builder. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Parses lines of {@code host-pattern pin [pin...]}; blank lines and {@code #} comments are
   * skipped.
   *
   * @param text the pin file or etcd value
   * @return the validated pins
   * @throws IllegalArgumentException naming the line and the bad value
   */
  public static CertificatePins parse(String text) {
    Objects.requireNonNull(text, "text");
    Builder b = builder();
    String[] lines = text.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      int hash = line.indexOf('#');
      if (hash >= 0) {
        line = line.substring(0, hash).strip();
      }
      if (line.isEmpty()) {
        continue;
      }
      String[] words = line.split("\\s+");
      try {
        b.add(words[0], List.of(words).subList(1, words.length));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("line " + (i + 1) + ": " + e.getMessage(), e);
      }
    }
    return b.build();
  }

  /**
   * Returns a parser for {@link dev.stability.config.ConfigSource}s that also requires {@code
   * minimumPinsPerHost} pins per pattern (2 enforces a backup pin).
   *
   * @param minimumPinsPerHost 1 to 16
   * @return the parser
   */
  public static dev.stability.config.ConfigParser<CertificatePins> parser(int minimumPinsPerHost) {
    builder().minimumPinsPerHost(minimumPinsPerHost);
    return text -> {
      CertificatePins parsed = parse(text);
      Builder b = builder().minimumPinsPerHost(minimumPinsPerHost);
      parsed.pins.forEach((pattern, set) -> b.add(pattern, List.copyOf(set)));
      return b.build();
    };
  }

  /**
   * Returns the pin of {@code certificate}: {@code sha256/} and the base64 SHA-256 of its
   * SubjectPublicKeyInfo.
   *
   * @param certificate the certificate
   * @return the pin
   */
  public static String spkiSha256(X509Certificate certificate) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(certificate.getPublicKey().getEncoded());
      return "sha256/" + Base64.getEncoder().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /**
   * Returns the pins of every X.509 certificate of {@code chain}, in chain order.
   *
   * @param chain a peer chain, leaf first
   * @return one pin per X.509 certificate
   */
  public static List<String> spkiSha256(List<? extends Certificate> chain) {
    List<String> out = new ArrayList<>(chain.size());
    for (Certificate c : chain) {
      if (c instanceof X509Certificate x) {
        out.add(spkiSha256(x));
      }
    }
    return out;
  }

  /**
   * Returns the pins that apply to {@code host}: the union over every matching pattern, empty when
   * not pinned.
   *
   * @param host the host name the client connects to
   * @return the pins, in the order they were added
   */
  public Set<String> pinsFor(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    Set<String> out = new LinkedHashSet<>();
    pins.forEach(
        (pattern, set) -> {
          if (matches(pattern, h)) {
            out.addAll(set);
          }
        });
    return out;
  }

  /**
   * Returns whether {@code chain} is acceptable for {@code host}: the host is not pinned, or a
   * certificate of the chain carries one of its pins.
   *
   * @param host the host name
   * @param chain the verified peer chain
   * @return {@code true} when accepted
   */
  public boolean accepts(String host, List<? extends Certificate> chain) {
    Set<String> expected = pinsFor(host);
    return expected.isEmpty()
        || spkiSha256(signedPath(chain)).stream().anyMatch(expected::contains);
  }

  /**
   * Returns the prefix of {@code chain} in which each certificate is signed by the next, leaf
   * first: the only certificates a pin may match.
   *
   * <p>A server (or a man in the middle with a certificate from another trusted CA) can append any
   * certificate to the chain it sends, a pinned one included; OkHttp defeats that by pinning
   * against the cleaned chain, and this is the same idea: a certificate that did not sign its
   * predecessor is not part of the path and never matches.
   *
   * @param chain the chain as presented, leaf first
   * @return the signature-linked path from the leaf
   */
  public static List<X509Certificate> signedPath(List<? extends Certificate> chain) {
    List<X509Certificate> path = new ArrayList<>();
    for (Certificate c : chain) {
      if (!(c instanceof X509Certificate x)) {
        break;
      }
      if (!path.isEmpty()) {
        X509Certificate child = path.get(path.size() - 1);
        if (!child.getIssuerX500Principal().equals(x.getSubjectX500Principal())
            || !signedBy(child, x)) {
          break;
        }
      }
      path.add(x);
    }
    return path;
  }

  private static boolean signedBy(X509Certificate child, X509Certificate issuer) {
    try {
      child.verify(issuer.getPublicKey());
      return true;
    } catch (java.security.GeneralSecurityException e) {
      return false;
    }
  }

  /**
   * Returns the check that a new pin set keeps connections working while it is rolled out: every
   * pattern pinned both now and in the update must keep at least one of its pins in force (the pin
   * of the chain in service, or the backup published before the key change). Replacing every pin of
   * a host at once would lock out each client that loads the new set before the server changed its
   * key, or the old one after. Pass it to a source's {@code validator(...)} ({@code
   * FileConfigSource}, {@code EtcdConfigSource}); a refused update keeps the last good set, is
   * counted in {@code stability.config.updates{outcome=rejected}} and logged once with this
   * message. Patterns added or removed are accepted.
   *
   * @return the validator
   */
  public static dev.stability.config.ConfigValidator<CertificatePins> rotationValidator() {
    return (current, candidate) -> {
      for (Map.Entry<String, Set<String>> e : candidate.pins.entrySet()) {
        Set<String> inForce = current.pins.get(e.getKey());
        if (inForce != null && java.util.Collections.disjoint(inForce, e.getValue())) {
          throw new IllegalArgumentException(
              "pins for "
                  + e.getKey()
                  + ": "
                  + e.getValue()
                  + " (expected: at least one of the pins in force "
                  + inForce
                  + ", the current key's or its backup, so clients keep connecting during the"
                  + " rotation)");
        }
      }
    };
  }

  /** Returns the host patterns and their pins, as an unmodifiable map. */
  public Map<String, Set<String>> asMap() {
    return pins;
  }

  static boolean matches(String pattern, String host) {
    if (pattern.startsWith("**.")) {
      String suffix = pattern.substring(3);
      return host.equals(suffix) || host.endsWith("." + suffix);
    }
    if (pattern.startsWith("*.")) {
      String suffix = pattern.substring(2);
      int dot = host.indexOf('.');
      return dot > 0 && host.substring(dot + 1).equals(suffix);
    }
    return host.equals(pattern);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CertificatePins other && pins.equals(other.pins);
  }

  @Override
  public int hashCode() {
    return pins.hashCode();
  }

  @Override
  public String toString() {
    return "CertificatePins" + pins;
  }

  /** Builds {@link CertificatePins}; each call validates at once. */
  public static final class Builder {
    private final Map<String, Set<String>> pins = new LinkedHashMap<>();
    private int minimumPins = 1;

    Builder() {}

    /**
     * Pins {@code pattern} to {@code hostPins}, adding to pins already given for it.
     *
     * @param pattern {@code host}, {@code *.domain} or {@code **.domain}, lower case
     * @param hostPins one or more {@code sha256/<base64>} pins
     * @return this builder
     */
    public Builder add(String pattern, List<String> hostPins) {
      Objects.requireNonNull(pattern, "pattern");
      Objects.requireNonNull(hostPins, "pins");
      if (!HOST.matcher(pattern).matches() || pattern.length() > 253) {
        throw new IllegalArgumentException(
            "pattern: '"
                + pattern
                + "' (expected: a lower-case host name, "
                + "optionally starting with *. or **.)");
      }
      if (hostPins.isEmpty()) {
        throw new IllegalArgumentException(
            "pins of " + pattern + ": [] (expected: one or more sha256/ pins)");
      }
      for (String pin : hostPins) {
        if (pin == null || !PIN.matcher(pin).matches()) {
          throw new IllegalArgumentException(
              "pin of "
                  + pattern
                  + ": '"
                  + pin
                  + "' (expected: sha256/ and the "
                  + "44-character base64 of a SHA-256)");
        }
      }
      pins.computeIfAbsent(pattern, p -> new LinkedHashSet<>()).addAll(hostPins);
      return this;
    }

    /**
     * Requires every pattern to carry at least {@code value} distinct pins; 2 enforces a backup
     * pin.
     *
     * @param value 1 to 16, default 1
     * @return this builder
     */
    public Builder minimumPinsPerHost(int value) {
      if (value < 1 || value > 16) {
        throw new IllegalArgumentException(
            "minimumPinsPerHost: " + value + " (expected: >= 1 and <= 16)");
      }
      this.minimumPins = value;
      return this;
    }

    /**
     * Builds the pins.
     *
     * @return the immutable pins
     * @throws IllegalArgumentException when a pattern has fewer pins than {@link
     *     #minimumPinsPerHost(int)}
     */
    public CertificatePins build() {
      Map<String, Set<String>> copy = new LinkedHashMap<>();
      pins.forEach(
          (pattern, set) -> {
            if (set.size() < minimumPins) {
              throw new IllegalArgumentException(
                  "pins of "
                      + pattern
                      + ": "
                      + set.size()
                      + " (expected: >= "
                      + minimumPins
                      + ", a backup pin for when the current key is lost)");
            }
            copy.put(pattern, java.util.Collections.unmodifiableSet(new LinkedHashSet<>(set)));
          });
      return copy.isEmpty()
          ? NONE
          : new CertificatePins(java.util.Collections.unmodifiableMap(copy));
    }
  }
}
