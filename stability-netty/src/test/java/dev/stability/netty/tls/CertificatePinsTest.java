package dev.stability.netty.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CertificatePinsTest {
  private static String pin(char c) {
    return "sha256/" + String.valueOf(c).repeat(43) + "=";
  }

  @Test
  void patternsMatchLikeOkHttp() {
    CertificatePins pins =
        CertificatePins.parse(
            """
        # comment
        api.example.com %s
        *.cdn.example.com %s   # one label
        **.internal %s
        """
                .formatted(pin('A'), pin('B'), pin('C')));
    assertThat(pins.pinsFor("API.example.com")).containsExactly(pin('A'));
    assertThat(pins.pinsFor("img.cdn.example.com")).containsExactly(pin('B'));
    assertThat(pins.pinsFor("a.img.cdn.example.com")).isEmpty();
    assertThat(pins.pinsFor("cdn.example.com")).isEmpty();
    assertThat(pins.pinsFor("internal")).containsExactly(pin('C'));
    assertThat(pins.pinsFor("a.b.internal")).containsExactly(pin('C'));
    assertThat(pins.pinsFor("other.com")).isEmpty();
  }

  @Test
  void malformedPinSetsAreRejectedNamingLineAndValue() {
    assertThatThrownBy(() -> CertificatePins.parse("ok.com " + pin('A') + "\nbad.com sha1/xyz"))
        .hasMessage(
            "line 2: pin of bad.com: 'sha1/xyz' (expected: sha256/ and the 44-character base64 of a "
                + "SHA-256)");
    assertThatThrownBy(() -> CertificatePins.parse("lonely.com"))
        .hasMessage("line 1: pins of lonely.com: [] (expected: one or more sha256/ pins)");
    assertThatThrownBy(() -> CertificatePins.parse("Bad_Host " + pin('A')))
        .hasMessageContaining("pattern: 'Bad_Host' (expected: a lower-case host name");
    assertThatThrownBy(() -> CertificatePins.parser(2).parse("one.com " + pin('A')))
        .hasMessage(
            "pins of one.com: 1 (expected: >= 2, a backup pin for when the current key is lost)");
    assertThat(CertificatePins.parse("\n# nothing\n")).isSameAs(CertificatePins.NONE);
  }
}
