package dev.stability.context;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ContextStorageTest {

  @Test
  void mismatchedDetachIsReportedAndThePreviousContextRestored() throws Exception {
    // on a throw-away thread, because out-of-order closing leaves a context attached by design
    AtomicReference<Object[]> seen = new AtomicReference<>();
    Thread thread =
        new Thread(
            () -> {
              RequestContext a = RequestContext.of("a");
              RequestContext b = RequestContext.of("b");
              Scope sa = a.attach();
              Scope sb = b.attach();
              sa.close(); // out of order: restores what sa saw, nothing
              RequestContext afterWrongClose = RequestContext.current();
              sb.close(); // restores what sb saw, a
              RequestContext afterSecondClose = RequestContext.current();
              sa.close(); // a second close does nothing
              seen.set(
                  new Object[] {afterWrongClose, afterSecondClose, RequestContext.current(), a});
            });
    thread.start();
    thread.join(5_000);
    Object[] result = seen.get();
    assertThat(ContextStorage.mismatchReported()).isTrue();
    assertThat(result[0]).isNull();
    assertThat(result[1]).isSameAs(result[3]);
    assertThat(result[2]).isSameAs(result[3]);
  }
}
