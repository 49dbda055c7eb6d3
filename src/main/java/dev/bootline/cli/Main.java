package dev.bootline.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point: {@code bootline <command>}. */
@Command(
    name = "bootline",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Network-boot server: ProxyDHCP + PXE boot server, DHCPv6, TFTP, HTTP(S), boot timelines.",
    subcommands = {ServeCommand.class, dev.bootline.demo.DemoCommand.class, ExplainCommand.class, DecodeCommand.class, ExportCommand.class, AotTrainCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

  public static void main(String[] args) {
    StartupTrace.step("main");
    if (args.length > 0 && args[0].equals("serve") && !"false".equals(System.getProperty("bootline.serve-warmup"))) {
      ServeWarmup.start(); // [startup] logback and FFM linking beside the command line and config parsing
    }
    System.exit(run(args));
  }

  /** Runs the command line and returns the exit code (tests call this instead of {@link #main}). */
  public static int run(String... args) {
    if (args.length > 0 && args[0].equals("serve")) {
      String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
      java.util.Optional<ServeCommand> usual = ServeCommand.parseUsual(rest);
      if (usual.isPresent()) { // [startup] no picocli at all on a well-formed serve line (ServeCommand.parseUsual)
        try {
          Integer rc = usual.get().call();
          return rc == null ? 0 : rc;
        } catch (Exception e) {
          e.printStackTrace(); // what picocli's execute does with an exception from call(): trace, exit code 1
          return 1;
        }
      }
      // [startup] serve's own command model only: picocli building every subcommand's by reflection (its classes are
      // of a class-file version the AOT cache cannot keep linked) was the longest step before the first DHCP answer.
      return new CommandLine(new ServeCommand()).setCommandName("bootline serve")
          .execute(rest);
    }
    return new CommandLine(new Main()).execute(args);
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"bootline " + (v == null ? "dev" : v)};
    }
  }
}
