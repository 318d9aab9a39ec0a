package dev.stability.examples;

import dev.stability.examples.demo.Demo;
import dev.stability.examples.demo.DemoOptions;
import dev.stability.examples.demo.DemoResult;
import dev.stability.examples.serve.ServeCommand;
import dev.stability.examples.tls.TlsCheckCommand;
import java.util.Arrays;

/**
 * Entry point of {@code stability-examples.jar}: with no argument runs the demo and exits 0 only
 * when its invariants hold; {@code serve --port N} runs one guarded server with fault endpoints
 * until stopped.
 */
public final class Main {
  private Main() {}

  /**
   * Runs the demo, or serve mode.
   *
   * @param args none for the demo, {@code --quick} for a shorter one, or {@code serve [options]}
   * @throws Exception when the services cannot start
   */
  public static void main(String[] args) throws Exception {
    // before any Netty class loads: every buffer is tracked, so a leak cannot hide
    if (System.getProperty("io.netty.leakDetection.level") == null) {
      System.setProperty("io.netty.leakDetection.level", "paranoid");
    }
    if (args.length > 0 && args[0].equals("tls-check")) {
      TlsCheckCommand.main(Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    if (args.length > 0 && args[0].equals("serve")) {
      ServeCommand.main(Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    if (args.length > 1
        || (args.length == 1 && !args[0].equals("--quick") && !args[0].equals("demo"))) {
      System.err.println(
          "usage: java -jar stability-examples.jar [demo | --quick | serve --help | tls-check host:port]");
      System.exit(2);
    }
    DemoOptions options =
        args.length == 1 && args[0].equals("--quick")
            ? DemoOptions.quick()
            : DemoOptions.standard();
    DemoResult result = Demo.run(options, System.out, System.console() != null);
    System.exit(result.exitCode());
  }
}
